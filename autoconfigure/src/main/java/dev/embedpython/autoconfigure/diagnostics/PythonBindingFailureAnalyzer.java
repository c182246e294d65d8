package dev.embedpython.autoconfigure.diagnostics;

import dev.embedpython.PythonBindingException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PythonBindingException}: the binding asked for cannot call CPython in this JVM.
 * <p>
 * Thread contract: stateless, thread-safe.
 */
class PythonBindingFailureAnalyzer extends AbstractFailureAnalyzer<PythonBindingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PythonBindingException cause) {
		return new FailureAnalysis("CPython cannot be called through the binding asked for: " + cause.getMessage(),
				"Set 'python.binding' (or the system property 'embedpython.binding') to 'auto', which takes FFM on "
						+ "JDK 22+ and JNA before, or to the binding this JVM already uses; 'ffm' needs JDK 22+ and an "
						+ "embedpython-core jar built on JDK 22+.",
				cause);
	}

}
