package dev.embedpython.pool;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Objects;

import dev.embedpython.CallObserver;
import dev.embedpython.CallOutcome;
import dev.embedpython.PythonException;
import dev.embedpython.PythonSession;
import dev.embedpython.PythonTimeoutException;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.PythonErrors;
import dev.embedpython.convert.ValueConverter;
import dev.embedpython.interpreter.CallerThread;
import dev.embedpython.interpreter.Interpreter;
import dev.embedpython.interpreter.ThreadState;
import org.jspecify.annotations.Nullable;

/**
 * A session on one borrowed pool entry. Each operation attaches the calling platform thread's cached thread state,
 * runs, and detaches; a session of a virtual thread hands each operation to the entry's platform worker.
 * <p>
 * Thread contract: confined to the acquiring thread (checked on every call); {@link #close()} is idempotent.
 */
final class PooledSession implements PythonSession {

	private static final @Nullable MethodHandle IS_VIRTUAL = isVirtualHandle();

	private final InterpreterPool pool;

	private final PoolEntry entry;

	private final Thread owner;

	/** Whether calls are handed to the entry's platform worker instead of attaching the owner thread. */
	private final boolean virtual;

	private final ValueConverter converter;

	/** Whether the pool's call observer sees this session's calls: not for health probes. */
	private final boolean observed;

	/** Whether this session runs set-up work, whose calls have the set-up bound rather than the call timeout. */
	private final boolean setUp;

	/** How long each call may run, 0 for no limit. */
	private final long callTimeoutNanos;

	private boolean closed;

	PooledSession(InterpreterPool pool, PoolEntry entry, ValueConverter converter, boolean observed, boolean setUp) {
		this.observed = observed;
		this.setUp = setUp;
		this.pool = pool;
		this.entry = entry;
		this.callTimeoutNanos = pool.callTimeoutNanos(setUp);
		// The housekeeper reads the bound only while a call of this borrow runs, after this write.
		entry.callTimeoutNanos = this.callTimeoutNanos;
		this.owner = Thread.currentThread();
		// Virtual threads, and threads whose CPython thread-local state predates this runtime, never attach.
		this.virtual = isVirtual(this.owner) || CallerThread.mustHandOff(entry.interpreter().generation());
		this.converter = converter;
		if (!this.virtual) {
			CallerThread.releaseRetired();
		}
	}

	@Override
	public void exec(String code) {
		Objects.requireNonNull(code, "code");
		run("<exec>", null, (interpreter) -> {
			interpreter.exec(code);
			return null;
		});
	}

	@Override
	public @Nullable Object eval(String expression) {
		return eval(expression, Object.class);
	}

	@Override
	public <T> @Nullable T eval(String expression, Class<T> type) {
		Objects.requireNonNull(expression, "expression");
		return run("<eval>", null, (interpreter) -> toJava(interpreter.eval(expression), type));
	}

	@Override
	public @Nullable Object call(String module, String function, @Nullable Object... args) {
		return call(Object.class, module, function, args);
	}

	@Override
	public <T> @Nullable T call(Class<T> type, String module, String function, @Nullable Object... args) {
		Objects.requireNonNull(module, "module");
		Objects.requireNonNull(function, "function");
		Object[] arguments = (args != null) ? args : new Object[] { null };
		return run(function, module, (interpreter) -> {
			long callable = interpreter.callable(module, function);
			long[] argv = new long[arguments.length];
			try {
				for (int i = 0; i < arguments.length; i++) {
					argv[i] = this.converter.toPython(arguments[i]);
				}
				return toJava(interpreter.call(callable, argv), type);
			}
			finally {
				for (long arg : argv) {
					this.converter.release(arg);
				}
			}
		});
	}

	@Override
	public void set(String name, @Nullable Object value) {
		Objects.requireNonNull(name, "name");
		run("<set>", null, (interpreter) -> {
			long object = this.converter.toPython(value);
			try {
				interpreter.set(name, object);
			}
			finally {
				this.converter.release(object);
			}
			return null;
		});
	}

	@Override
	public @Nullable Object get(String name) {
		return get(name, Object.class);
	}

	@Override
	public <T> @Nullable T get(String name, Class<T> type) {
		Objects.requireNonNull(name, "name");
		return run("<get>", null, (interpreter) -> toJava(interpreter.get(name), type));
	}

	private <T> @Nullable T toJava(long object, Class<T> type) {
		try {
			return this.converter.toJava(object, type);
		}
		finally {
			this.converter.release(object);
		}
	}

	/**
	 * Run one operation; {@code module} is {@code null} for code, where {@code name} says which kind.
	 */
	private <T> @Nullable T run(String name, @Nullable String module, Operation<T> operation) {
		check();
		CallObserver observer = this.observed ? this.pool.callObserver() : null;
		CallObserver.Call call = (observer != null)
				? observer.start(this.pool.name(), (module != null) ? module + "." + name : name) : null;
		try {
			T result = this.virtual ? this.entry.runOnWorker(() -> runAttached(operation))
					: runAttached(operation);
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
	}

	private <T> @Nullable T runAttached(Operation<T> operation) {
		Interpreter interpreter = this.entry.interpreter();
		ThreadState threadState = interpreter.attach();
		try {
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
					throw PythonErrors.timeout(null, timeoutDetail(start) + "; it ran in code that cannot be "
							+ "interrupted and its result was discarded");
				}
				return result;
			}
			catch (PythonException ex) {
				if (this.entry.firedSeq == seq && !(ex instanceof PythonTimeoutException)
						&& "TimeoutError".equals(ex.pythonType())) {
					throw PythonErrors.timeout(ex, timeoutDetail(start));
				}
				throw ex;
			}
			finally {
				this.entry.callStartNanos = 0;
				this.entry.running = null;
				this.entry.callEnded();
				if (this.entry.firedSeq == seq) {
					// A TimeoutError set after the last bytecode ran would fire in this thread's next call: drop it.
					CPython.PyThreadState_SetAsyncExc(threadState.ident(), 0);
				}
			}
		}
		finally {
			interpreter.detach();
		}
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

	@FunctionalInterface
	private interface Operation<T> {

		@Nullable T run(Interpreter interpreter);

	}

}
