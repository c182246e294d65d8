package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * Observes every Python call made through a {@link PythonSession} of a pool (tracing, timing). Set with
 * {@link PythonPool#setCallObserver(CallObserver)}; with none set the call path pays one null check.
 * <p>
 * Thread contract: {@link #start} and {@link Call#end} are called on the thread that makes the call, in pairs;
 * implementations must be thread-safe.
 */
@FunctionalInterface
public interface CallObserver {

	/**
	 * A call is about to run.
	 * @param pool the pool's name
	 * @param function {@code module.function} for calls, {@code <exec>}/{@code <eval>} for code
	 * @return the handle to end the call with
	 */
	Call start(String pool, String function);

	/**
	 * One observed call.
	 */
	@FunctionalInterface
	interface Call {

		/**
		 * The call ended.
		 * @param outcome how it ended
		 * @param error the exception thrown to the caller, if any
		 */
		void end(CallOutcome outcome, @Nullable Throwable error);

	}

}
