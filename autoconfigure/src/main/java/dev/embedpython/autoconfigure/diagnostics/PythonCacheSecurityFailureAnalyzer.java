package dev.embedpython.autoconfigure.diagnostics;

import dev.embedpython.PythonCacheSecurityException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PythonCacheSecurityException}: a file or directory of the runtime cache could have been changed
 * by another user, so Python is not started from it.
 * <p>
 * Thread contract: stateless, thread-safe.
 */
class PythonCacheSecurityFailureAnalyzer extends AbstractFailureAnalyzer<PythonCacheSecurityException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PythonCacheSecurityException cause) {
		return new FailureAnalysis(
				"The Python runtime cache is not private, so another user could have planted code in it: "
						+ cause.getMessage(),
				"Fix or delete '" + cause.path() + "' as the message says, or set 'python.cache-dir' to a directory "
						+ "that only the application's user can write (owned by it or root, mode 700, no symbolic "
						+ "links). See SECURITY.md for what the check guarantees.",
				cause);
	}

}
