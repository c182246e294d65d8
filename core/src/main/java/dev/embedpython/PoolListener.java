package dev.embedpython;

/**
 * Receives a {@link PythonPool}'s events, for metrics. Every method has a no-op default.
 * <p>
 * Thread contract: methods are called on whichever thread caused the event (request threads, the pool's
 * housekeeper); implementations must be thread-safe, fast and must not throw.
 */
public interface PoolListener {

	/**
	 * A session was acquired.
	 * @param waitedNanos time spent waiting for an interpreter
	 */
	default void acquired(long waitedNanos) {
	}

	/**
	 * {@link PythonPool#acquire()} gave up.
	 * @param waitedNanos time spent waiting
	 */
	default void acquireTimedOut(long waitedNanos) {
	}

	/**
	 * An interpreter was ended and replaced.
	 * @param reason {@code max-uses}, {@code stuck} or {@code manual}
	 */
	default void recycled(String reason) {
	}

	/**
	 * A call exceeded the call timeout.
	 */
	default void callTimedOut() {
	}

	/**
	 * The pool has closed: its interpreters are ended or ending, and no event follows (metrics remove the pool's
	 * meters).
	 */
	default void closed() {
	}

}
