package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * Carries thread-bound context (the SLF4J MDC with a trace id, a security context, ...) from the Java thread that
 * makes a call into Python to the Java code Python runs for it: {@link PythonLogSink} records and
 * {@link PythonCallable}s, which may run on another thread (the pool worker of a virtual thread's call, a thread
 * that Python started). {@link #capture()} runs when a call starts, on the calling thread; {@link #restore} around
 * each callback of that call that runs on another thread. Python threads that log while no call runs in their
 * interpreter get no context.
 * <p>
 * Thread contract: implementations are thread-safe; the captured value is shared by the threads of one call.
 */
public interface CallContextPropagator {

	/**
	 * No context: nothing is captured or restored.
	 */
	CallContextPropagator NONE = new CallContextPropagator() {

		@Override
		public @Nullable Object capture() {
			return null;
		}

		@Override
		public Scope restore(@Nullable Object context) {
			return Scope.NOTHING;
		}

		@Override
		public String toString() {
			return "CallContextPropagator.NONE";
		}

	};

	/**
	 * Capture the calling thread's context, when a call starts.
	 * @return a snapshot (immutable, or a copy), {@code null} for none
	 */
	@Nullable Object capture();

	/**
	 * Put a snapshot in effect on the current thread until the scope closes.
	 * @param context what {@link #capture()} returned
	 * @return the scope, which restores what was in effect before
	 */
	Scope restore(@Nullable Object context);

	/**
	 * A restored context, undone by {@link #close()}.
	 */
	@FunctionalInterface
	interface Scope extends AutoCloseable {

		/**
		 * The scope that undoes nothing.
		 */
		Scope NOTHING = () -> {
		};

		@Override
		void close();

	}

}
