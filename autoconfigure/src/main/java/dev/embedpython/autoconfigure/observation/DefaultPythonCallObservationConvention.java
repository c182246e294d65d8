package dev.embedpython.autoconfigure.observation;

import java.util.Locale;

import dev.embedpython.CallOutcome;
import dev.embedpython.autoconfigure.observation.PythonObservationDocumentation.HighCardinalityKeyNames;
import dev.embedpython.autoconfigure.observation.PythonObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The default {@link PythonCallObservationConvention}: observation {@code python.calls}, low-cardinality keys
 * {@code pool} and {@code outcome} ({@code success}, {@code error}, {@code timeout}), high-cardinality key
 * {@code python.function} ({@code module.function}), contextual name {@code python <function>}; the keys are listed
 * in {@link PythonObservationDocumentation#PYTHON_CALL}.
 * <p>
 * Thread contract: stateless, thread-safe.
 */
public class DefaultPythonCallObservationConvention implements PythonCallObservationConvention {

	/**
	 * The name of the observation, and so of the timer that Boot's meter handler derives from it.
	 */
	public static final String NAME = "python.calls";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(PythonCallObservationContext context) {
		return "python " + context.getFunction();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PythonCallObservationContext context) {
		CallOutcome outcome = context.getOutcome();
		return KeyValues.of(LowCardinalityKeyNames.POOL.withValue(context.getPool()), LowCardinalityKeyNames.OUTCOME
			.withValue((outcome != null) ? outcome.name().toLowerCase(Locale.ROOT) : "unknown"));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(PythonCallObservationContext context) {
		return KeyValues.of(HighCardinalityKeyNames.FUNCTION.withValue(context.getFunction()));
	}

}
