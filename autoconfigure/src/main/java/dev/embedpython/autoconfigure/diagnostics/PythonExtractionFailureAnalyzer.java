package dev.embedpython.autoconfigure.diagnostics;

import dev.embedpython.PythonExtractionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PythonExtractionException}: the bundled runtime (or a classpath {@code python.path} entry)
 * could not be written to, or loaded from, the cache directory.
 * <p>
 * Thread contract: stateless, thread-safe.
 */
class PythonExtractionFailureAnalyzer extends AbstractFailureAnalyzer<PythonExtractionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PythonExtractionException cause) {
		return new FailureAnalysis(
				"The bundled CPython could not be extracted to, or loaded from, its cache directory: "
						+ cause.getMessage(),
				"Set 'python.cache-dir' to a directory that is writable by the application, has about 100 MB free "
						+ "and is on a filesystem mounted with exec (not a noexec /tmp or volume), or set "
						+ "'python.home' to an installed CPython 3.13 or later. For a read-only image, extract the "
						+ "runtime when the image is built (java -cp ... dev.embedpython.runtime.BundledPython "
						+ "<cache-dir>, see SECURITY.md).",
				cause);
	}

}
