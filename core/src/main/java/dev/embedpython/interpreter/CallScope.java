package dev.embedpython.interpreter;

import dev.embedpython.CallContextPropagator;
import org.jspecify.annotations.Nullable;

/**
 * One Java call into an interpreter, as the Java code Python runs for it sees it: the pool's {@link BridgeConfig}
 * and the context captured on the thread that made the call. Opened by {@link Interpreter#enterCall} and closed by
 * {@link Interpreter#exitCall}; while open, it is the current scope of the attached thread and the latest of its
 * interpreter, which Python threads log under.
 * <p>
 * Thread contract: made and closed by the attached thread; read by any thread of the interpreter with its GIL held.
 */
public final class CallScope {

	/** The scope of the calls on this thread, innermost; re-entrant calls stack. */
	private static final ThreadLocal<@Nullable CallScope> CURRENT = new ThreadLocal<>();

	final @Nullable Bridge bridge;

	final BridgeConfig config;

	final @Nullable Object context;

	/** The thread the context was captured on: callbacks on it need no propagation. */
	final @Nullable Thread capturedOn;

	final long threadIdent;

	private final @Nullable CallScope previous;

	CallScope(@Nullable Bridge bridge, BridgeConfig config, @Nullable Object context, @Nullable Thread capturedOn,
			long threadIdent, @Nullable CallScope previous) {
		this.bridge = bridge;
		this.config = config;
		this.context = context;
		this.capturedOn = capturedOn;
		this.threadIdent = threadIdent;
		this.previous = previous;
	}

	static @Nullable CallScope current() {
		return CURRENT.get();
	}

	static void push(CallScope scope) {
		CURRENT.set(scope);
	}

	void pop() {
		CURRENT.set(this.previous);
	}

	/**
	 * Put the captured context in effect on the current thread, unless it is the thread it was captured on.
	 * @return the scope to close afterwards
	 */
	CallContextPropagator.Scope propagate() {
		if (this.context == null || Thread.currentThread() == this.capturedOn) {
			return CallContextPropagator.Scope.NOTHING;
		}
		return this.config.propagator().restore(this.context);
	}

}
