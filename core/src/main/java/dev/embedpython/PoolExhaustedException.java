package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * No interpreter became free within the pool's acquire timeout (or the waiting thread was interrupted, in which
 * case the thread's interrupt flag is set again and the cause is the {@link InterruptedException}).
 */
public class PoolExhaustedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param cause the cause, if any
	 */
	public PoolExhaustedException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
