package dev.embedpython;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A pool of interpreters that Java threads borrow with {@link #acquire()}. Created by
 * {@link PythonRuntime#newPool(PoolOptions)}; {@link PythonRuntime#mainInterpreter()} is the pool of the
 * {@link Isolation#MAIN} lane.
 * <p>
 * Thread contract: every method is thread-safe. Sessions are confined to the thread that acquired them.
 */
public interface PythonPool extends AutoCloseable {

	/**
	 * The pool's name, used in messages, metrics and health.
	 * @return the name
	 */
	String name();

	/**
	 * The options the pool was created with.
	 * @return the options
	 */
	PoolOptions options();

	/**
	 * Borrow an interpreter exclusively, waiting up to the acquire timeout.
	 * @return the session; close it to give the interpreter back
	 * @throws PoolExhaustedException if none became free in time or the thread was interrupted
	 * @throws IllegalStateException if the pool is closed
	 */
	PythonSession acquire();

	/**
	 * Run a callback with one borrowed session, giving it back afterwards.
	 * @param <T> the result type
	 * @param callback the work
	 * @return the callback's result
	 */
	default <T extends @Nullable Object> T execute(PythonCallback<T> callback) {
		try (PythonSession session = acquire()) {
			return callback.doInPython(session);
		}
	}

	/**
	 * A snapshot of the pool's counters.
	 * @return the stats
	 */
	PoolStats stats();

	/**
	 * A snapshot of each interpreter in the pool, stuck ones included.
	 * @return one entry per interpreter
	 */
	List<InterpreterInfo> interpreters();

	/**
	 * Replace every interpreter gracefully: idle ones at once, busy ones when their session is closed. Calls in
	 * flight finish on their current interpreter. Does nothing for the {@link Isolation#MAIN} lane.
	 */
	void recycle();

	/**
	 * Whether the pool accepts work.
	 * @return {@code false} once closing has begun
	 */
	boolean isOpen();

	/**
	 * Set the listener that receives pool events (metrics).
	 * @param listener the listener, {@code null} for none
	 */
	void setPoolListener(@Nullable PoolListener listener);

	/**
	 * Set the observer notified around every call (tracing, timing).
	 * @param observer the observer, {@code null} for none
	 */
	void setCallObserver(@Nullable CallObserver observer);

	/**
	 * Stop accepting work, let calls in flight finish up to the drain timeout, interrupt the rest and end every
	 * interpreter. Idempotent.
	 */
	@Override
	void close();

}
