package dev.embedpython.autoconfigure.observation;

import java.util.Objects;

import dev.embedpython.CallOutcome;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Observation.Context context} of one Python call.
 * <p>
 * Thread contract: confined to the thread that makes the call.
 */
public class PythonCallObservationContext extends Observation.Context {

	private final String pool;

	private final String function;

	private @Nullable CallOutcome outcome;

	/**
	 * Create a context.
	 * @param pool the pool's name
	 * @param function {@code module.function}, or {@code <exec>}/{@code <eval>} for code
	 */
	public PythonCallObservationContext(String pool, String function) {
		this.pool = Objects.requireNonNull(pool, "pool");
		this.function = Objects.requireNonNull(function, "function");
	}

	/**
	 * The name of the pool the call ran in.
	 * @return the pool's name
	 */
	public String getPool() {
		return this.pool;
	}

	/**
	 * What was called.
	 * @return {@code module.function}, or {@code <exec>}/{@code <eval>} for code
	 */
	public String getFunction() {
		return this.function;
	}

	/**
	 * How the call ended.
	 * @return the outcome, {@code null} while the call runs
	 */
	public @Nullable CallOutcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Record how the call ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(@Nullable CallOutcome outcome) {
		this.outcome = outcome;
	}

}
