package dev.embedpython;

import java.time.Duration;
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
	 * Borrow an interpreter exclusively if one is free now or becomes free within {@code timeout}; never waits
	 * longer, and running out of time is an answer rather than an error. Counted like {@link #acquire()} (uses,
	 * listener) when it succeeds; a miss is not reported as an acquire timeout.
	 * @param timeout the longest wait; zero or negative for none
	 * @return the session (close it to give the interpreter back), or {@code null} if none became free in time or
	 * the thread was interrupted (its interrupt flag is set again)
	 * @throws IllegalStateException if the pool is closed
	 */
	@Nullable PythonSession tryAcquire(Duration timeout);

	/**
	 * Check that the pool answers: borrow an interpreter if one becomes free within {@code timeout}, evaluate
	 * {@code 1} in it and give it back. A probe is not a user call: the {@link CallObserver} and the
	 * {@link PoolListener listeners} do not see it, and it does not count towards {@code maxUses}.
	 * @param timeout the longest wait for an interpreter; zero or negative for none
	 * @return {@code true} if an interpreter answered, {@code false} if none became free in time (or the thread was
	 * interrupted: its interrupt flag is set again)
	 * @throws PythonException if the interpreter could not evaluate the expression
	 * @throws IllegalStateException if the pool is closed or the interpreter answered something else than 1
	 */
	boolean probe(Duration timeout);

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
	 * Run set-up work with one borrowed session, as {@link #execute} does, except that its calls are bounded by the
	 * creation timeout, the bound of the preloads and the init script (or by the call timeout where that is longer),
	 * instead of by the call timeout. For work that is not a request, such as checking at start-up that a module
	 * imports: a first import may rightly take longer than a request may. A call past that bound is interrupted with
	 * {@code TimeoutError} like any call that overruns. Borrowing waits up to the acquire timeout; the session is
	 * counted and observed like one of {@link #acquire()}.
	 * <p>
	 * Thread contract: thread-safe; the callback runs on the calling thread, which owns the session.
	 * @param <T> the result type
	 * @param callback the work
	 * @return the callback's result
	 * @throws PoolExhaustedException if no interpreter became free in time or the thread was interrupted
	 * @throws PythonTimeoutException if a call of the callback ran past the bound
	 * @throws IllegalStateException if the pool is closed
	 */
	<T extends @Nullable Object> T executeSetUp(PythonCallback<T> callback);

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
	 * Add a listener that receives pool events along with the one set by {@link #setPoolListener} and every other
	 * added one, in the order they were added. Adding the same listener twice has no effect.
	 * @param listener the listener
	 */
	void addPoolListener(PoolListener listener);

	/**
	 * Remove a listener added with {@link #addPoolListener}; does nothing if it was not added.
	 * @param listener the listener
	 */
	void removePoolListener(PoolListener listener);

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
