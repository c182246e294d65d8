package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * CPython refused to initialize; the message is CPython's own (`PyInitConfig_GetError` or `PyStatus`).
 */
public class PythonInitializationException extends PythonStartupException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param cause the cause, if any
	 */
	public PythonInitializationException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
