package dev.embedpython.autoconfigure.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of embedpython and their key names, for documentation generators and for conventions that
 * build on the default one.
 * <p>
 * Thread contract: constants, thread-safe.
 */
public enum PythonObservationDocumentation implements ObservationDocumentation {

	/**
	 * One Python call made through a pooled session ({@code python.calls}); health probes are not observed.
	 */
	PYTHON_CALL {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultPythonCallObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

	};

	/**
	 * Low-cardinality keys of a Python call: they become meter tags.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/**
		 * Name of the pool the call ran in.
		 */
		POOL {

			@Override
			public String asString() {
				return "pool";
			}

		},

		/**
		 * How the call ended: {@code success}, {@code error} or {@code timeout}.
		 */
		OUTCOME {

			@Override
			public String asString() {
				return "outcome";
			}

		}

	}

	/**
	 * High-cardinality keys of a Python call: on spans, never on meters.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/**
		 * What was called: {@code module.function}, or {@code <exec>}/{@code <eval>} for code.
		 */
		FUNCTION {

			@Override
			public String asString() {
				return "python.function";
			}

		}

	}

}
