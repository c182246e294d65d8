package dev.embedpython.autoconfigure.diagnostics;

import dev.embedpython.PythonInitializationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PythonInitializationException}: CPython itself refused to initialize.
 * <p>
 * Thread contract: stateless, thread-safe.
 */
class PythonInitializationFailureAnalyzer extends AbstractFailureAnalyzer<PythonInitializationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PythonInitializationException cause) {
		return new FailureAnalysis("CPython failed to initialize: " + cause.getMessage(),
				"Check that 'python.home' points at a complete installation whose standard library matches its "
						+ "libpython (the 'encodings' module must be importable from it), or leave 'python.home' unset "
						+ "to use the bundled runtime. If the bundled runtime fails, delete the extracted copy under "
						+ "'python.cache-dir' so that it is extracted again.",
				cause);
	}

}
