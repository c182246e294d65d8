package dev.embedpython.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} for Python calls. Define a bean of this type to replace
 * {@link DefaultPythonCallObservationConvention}.
 * <p>
 * Thread contract: implementations must be thread-safe.
 */
public interface PythonCallObservationConvention extends ObservationConvention<PythonCallObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof PythonCallObservationContext;
	}

}
