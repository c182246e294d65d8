package dev.embedpython;

/**
 * How a Python call ended, as reported to a {@link CallObserver}.
 */
public enum CallOutcome {

	/** The call returned normally. */
	SUCCESS,

	/** The call raised a Python exception or its value could not be converted. */
	ERROR,

	/** The call exceeded the pool's call timeout. */
	TIMEOUT

}
