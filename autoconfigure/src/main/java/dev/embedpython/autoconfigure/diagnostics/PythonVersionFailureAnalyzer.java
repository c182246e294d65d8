package dev.embedpython.autoconfigure.diagnostics;

import dev.embedpython.PythonVersionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PythonVersionException}: the CPython at {@code python.home} is too old or unusable.
 * <p>
 * Thread contract: stateless, thread-safe.
 */
class PythonVersionFailureAnalyzer extends AbstractFailureAnalyzer<PythonVersionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PythonVersionException cause) {
		return new FailureAnalysis(
				"CPython " + cause.found() + " was found but embedpython needs " + cause.required() + ": "
						+ cause.getMessage(),
				"Install CPython " + cause.required() + " and point 'python.home' at it, or leave 'python.home' "
						+ "unset to use the bundled runtime (embedpython-spring-boot-starter brings it).",
				cause);
	}

}
