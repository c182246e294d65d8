package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * The Python runtime could not be started. Subclasses say why.
 */
public abstract class PythonStartupException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param cause the cause, if any
	 */
	protected PythonStartupException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
