package dev.embedpython.autoconfigure.diagnostics;

import dev.embedpython.PythonNotFoundException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PythonNotFoundException}: no usable CPython at {@code python.home}, or no bundled runtime.
 * <p>
 * Thread contract: stateless, thread-safe.
 */
class PythonNotFoundFailureAnalyzer extends AbstractFailureAnalyzer<PythonNotFoundException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PythonNotFoundException cause) {
		return new FailureAnalysis("No usable CPython was found: " + cause.getMessage(),
				"Set 'python.home' to the prefix of a CPython 3.13 or later (the directory holding lib/python3.x and "
						+ "a shared libpython3.x.so, such as /opt/python3.14 or a venv), or leave 'python.home' unset "
						+ "and add the bundled runtime (org.bytedeco:cpython, classifier linux-x86_64, which "
						+ "embedpython-spring-boot-starter brings) to the classpath.",
				cause);
	}

}
