package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * A call exceeded its pool's call timeout and was interrupted with a Python {@code TimeoutError}.
 */
public class PythonTimeoutException extends PythonException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param pythonType the exception's type name
	 * @param pythonMessage the message
	 * @param pythonTraceback the formatted traceback
	 * @param cause the Python cause, if any
	 */
	public PythonTimeoutException(String pythonType, String pythonMessage, String pythonTraceback,
			@Nullable Throwable cause) {
		super(pythonType, pythonMessage, pythonTraceback, cause);
	}

}
