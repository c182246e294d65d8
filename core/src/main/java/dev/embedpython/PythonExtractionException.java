package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * The bundled CPython could not be extracted or loaded from its cache directory (disk full, permissions, a noexec mount, the runtime jar missing). The message names the directory.
 */
public class PythonExtractionException extends PythonStartupException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param cause the cause, if any
	 */
	public PythonExtractionException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
