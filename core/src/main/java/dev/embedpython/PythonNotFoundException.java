package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * No usable CPython was found: the configured home is missing, has no standard library or no shared libpython. The message names the paths tried.
 */
public class PythonNotFoundException extends PythonStartupException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param cause the cause, if any
	 */
	public PythonNotFoundException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
