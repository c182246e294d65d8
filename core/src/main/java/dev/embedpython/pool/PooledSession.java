package dev.embedpython.pool;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import dev.embedpython.CallObserver;
import dev.embedpython.CallOutcome;
import dev.embedpython.PythonException;
import dev.embedpython.PythonTimeoutException;
import dev.embedpython.interpreter.BridgeConfig;
import dev.embedpython.interpreter.CallScope;
import dev.embedpython.interpreter.CallerThread;
import dev.embedpython.interpreter.Interpreter;
import dev.embedpython.interpreter.InterpreterSession;
import dev.embedpython.interpreter.ThreadState;
import org.jspecify.annotations.Nullable;

/**
 * A session on one borrowed pool entry. Each operation attaches the calling platform thread's cached thread state,
 * runs on the {@link Interpreter} (which converts values), and detaches; a session of a virtual thread (or of a
 * thread that cannot attach) hands each operation off to the entry's platform worker. This class adds what lending
 * needs around an operation: the owner check, the call observer, and the bookkeeping the housekeeper's timeouts
 * read.
 * <p>
 * Thread contract: confined to the acquiring thread (checked on every call); {@link #close()} is idempotent.
 */
final class PooledSession extends InterpreterSession {

	private static final @Nullable MethodHandle IS_VIRTUAL = isVirtualHandle();

	private final InterpreterPool pool;

	private final PoolEntry entry;

	private final Thread owner;

	/** Whether operations are handed off to the entry's platform worker instead of attaching the owner thread. */
	private final boolean handOff;

	/** Whether the pool's call observer sees this session's calls: not for health probes. */
	private final boolean observed;

	/** Whether this session runs set-up work, whose calls have the set-up bound rather than the call timeout. */
	private final boolean setUp;

	/** How long each call may run, 0 for no limit. */
	private final long callTimeoutNanos;

	private boolean closed;

	/** Operations in progress on the owner thread: above 1 when a Java callable uses this session again. */
	private int depth;

	PooledSession(InterpreterPool pool, PoolEntry entry, boolean observed, boolean setUp) {
		this.observed = observed;
		this.setUp = setUp;
		this.pool = pool;
		this.entry = entry;
		this.callTimeoutNanos = pool.callTimeoutNanos(setUp);
		// Counted before the first call; the housekeeper reads the bound only while a call of this borrow runs.
		entry.lent(this.callTimeoutNanos, observed);
		this.owner = Thread.currentThread();
		// Virtual threads, and threads whose CPython thread-local state predates this runtime, never attach.
		this.handOff = isVirtual(this.owner) || CallerThread.mustHandOff(entry.interpreter().generation());
		if (!this.handOff) {
			CallerThread.releaseRetired();
		}
	}

	/**
	 * Run one operation; {@code module} is {@code null} for code, where {@code name} says which kind.
	 */
	@Override
	protected <T> @Nullable T run(String name, @Nullable String module, Operation<T> operation) {
		check();
		if (this.depth > 0) {
			// A Java callable that this session's call reached uses the session again, on the same thread: the
			// outer operation owns the observation, the timeout bookkeeping and the call's scope.
			return runNested(operation);
		}
		CallObserver observer = this.observed ? this.pool.callObserver() : null;
		CallObserver.Call call = (observer != null)
				? observer.start(this.pool.name(), (module != null) ? module + "." + name : name) : null;
		BridgeConfig bridge = this.pool.bridge();
		// Captured here, on the calling thread: a hand-off runs the call on the entry's worker.
		Object context = bridge.propagator().capture();
		this.depth++;
		try {
			T result = this.handOff ? this.entry.runOnWorker(() -> runAttached(operation, bridge, context))
					: runAttached(operation, bridge, context);
			if (call != null) {
				call.end(CallOutcome.SUCCESS, null);
			}
			return result;
		}
		catch (RuntimeException | Error ex) {
			if (call != null) {
				call.end((ex instanceof PythonTimeoutException) ? CallOutcome.TIMEOUT : CallOutcome.ERROR, ex);
			}
			throw ex;
		}
		finally {
			this.depth--;
		}
	}

	private <T> @Nullable T runNested(Operation<T> operation) {
		if (this.handOff) {
			throw new IllegalStateException("This PythonSession of pool '" + this.pool.name() + "' runs its calls on "
					+ "a worker thread; a Java callable uses its invocation's session to call back into Python");
		}
		Interpreter interpreter = this.entry.interpreter();
		interpreter.attach();
		try {
			return operation.run(interpreter);
		}
		finally {
			interpreter.detach();
		}
	}

	private <T> @Nullable T runAttached(Operation<T> operation, BridgeConfig bridge, @Nullable Object context) {
		Interpreter interpreter = this.entry.interpreter();
		ThreadState threadState = interpreter.attach();
		CallScope scope = null;
		try {
			scope = interpreter.enterCall(bridge, context, this.owner, threadState);
			interpreter.purgeIfDue();
			// The call in flight is always tracked (pool close interrupts it); its start time only with a timeout.
			long seq = this.entry.callSeq();
			this.entry.running = threadState;
			long start = (this.callTimeoutNanos > 0) ? System.nanoTime() : 0;
			this.entry.callStartNanos = (start != 0) ? start : 1;
			try {
				T result = operation.run(interpreter);
				if (this.entry.firedSeq == seq) {
					// The call overran its timeout in code TimeoutError could not reach (C) and then finished: report
					// the timeout rather than a late result, as for every other overrun.
					throw timeout(null, timeoutDetail(start) + "; it ran in code that cannot be "
							+ "interrupted and its result was discarded");
				}
				return result;
			}
			catch (PythonException ex) {
				if (this.entry.firedSeq == seq && !(ex instanceof PythonTimeoutException)
						&& "TimeoutError".equals(ex.pythonType())) {
					throw timeout(ex, timeoutDetail(start));
				}
				throw ex;
			}
			finally {
				this.entry.callStartNanos = 0;
				this.entry.running = null;
				this.entry.callEnded();
				if (this.entry.firedSeq == seq) {
					// A TimeoutError set after the last bytecode ran would fire in this thread's next call: drop it.
					interpreter.clearInterrupt(threadState);
				}
			}
		}
		finally {
			try {
				if (scope != null) {
					interpreter.exitCall(scope);
				}
			}
			finally {
				interpreter.detach();
			}
		}
	}

	/**
	 * The exception for a call the watchdog interrupted (or that overran its timeout in C code).
	 * @param raised the {@code TimeoutError} the call raised, or {@code null} if it finished without one
	 * @param detail what overran: pool, limit, elapsed time
	 */
	private static PythonTimeoutException timeout(@Nullable PythonException raised, String detail) {
		PythonTimeoutException timeout = new PythonTimeoutException("TimeoutError",
				(raised != null && !raised.pythonMessage().isEmpty()) ? raised.pythonMessage() + " (" + detail + ")"
						: detail,
				(raised != null) ? raised.pythonTraceback() : "", (raised != null) ? raised.getCause() : null);
		if (raised != null) {
			timeout.setStackTrace(raised.getStackTrace());
		}
		return timeout;
	}

	private String timeoutDetail(long start) {
		String ran = (start != 0)
				? " (ran " + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms)" : "";
		if (!this.pool.isOpen() || start == 0) {
			return "pool '" + this.pool.name() + "' was closing and interrupted the call after its drain timeout" + ran;
		}
		long limitMs = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(this.callTimeoutNanos);
		if (this.setUp && this.callTimeoutNanos != this.pool.callTimeoutNanos(false)) {
			return "pool '" + this.pool.name() + "': a call of set-up work exceeded the creation timeout of " + limitMs
					+ " ms" + ran;
		}
		return "pool '" + this.pool.name() + "': the call exceeded the call timeout of " + limitMs + " ms" + ran;
	}

	private void check() {
		if (Thread.currentThread() != this.owner) {
			throw new IllegalStateException("This PythonSession of pool '" + this.pool.name()
					+ "' belongs to thread '" + this.owner.getName() + "' and cannot be used from thread '"
					+ Thread.currentThread().getName() + "'; acquire a session per thread or use PythonTemplate");
		}
		if (this.closed) {
			throw new IllegalStateException("This PythonSession of pool '" + this.pool.name() + "' is closed");
		}
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		if (Thread.currentThread() != this.owner) {
			check();
		}
		this.closed = true;
		this.pool.release(this.entry);
	}

	@Override
	public String toString() {
		return "PythonSession[pool=" + this.pool.name() + ", interpreter=" + this.entry.interpreter().id() + ", owner="
				+ this.owner.getName() + (this.closed ? ", closed" : "") + "]";
	}

	static boolean isVirtual(Thread thread) {
		if (IS_VIRTUAL == null) {
			return false;
		}
		try {
			return (boolean) IS_VIRTUAL.invokeExact(thread);
		}
		catch (Throwable ex) {
			return false;
		}
	}

	private static @Nullable MethodHandle isVirtualHandle() {
		try {
			// Thread.isVirtual() exists from JDK 21; the main code targets 17.
			return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

}
