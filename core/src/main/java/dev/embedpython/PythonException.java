package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * A Python exception raised by code run through a {@link PythonSession}. The Java cause chain follows Python's
 * ({@code raise ... from ...} and implicit context). The interpreter stays usable after it.
 */
public class PythonException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String pythonType;

	private final String pythonMessage;

	private final String pythonTraceback;

	/**
	 * Create a new instance.
	 * @param pythonType the exception's type name, e.g. {@code ZeroDivisionError}
	 * @param pythonMessage {@code str(exception)}
	 * @param pythonTraceback the formatted traceback ({@code traceback.format_exception})
	 * @param cause the Python cause or context, if any
	 */
	public PythonException(String pythonType, String pythonMessage, String pythonTraceback,
			@Nullable Throwable cause) {
		super(pythonMessage.isEmpty() ? pythonType : pythonType + ": " + pythonMessage, cause);
		this.pythonType = pythonType;
		this.pythonMessage = pythonMessage;
		this.pythonTraceback = pythonTraceback;
	}

	/**
	 * Python's name of the exception's type: the qualified name for builtins (e.g. {@code ZeroDivisionError}),
	 * {@code module.QualName} for other classes (e.g. {@code __main__.InsufficientFunds}).
	 * @return the type name
	 */
	public String pythonType() {
		return this.pythonType;
	}

	/**
	 * The exception's message, {@code str(exception)}.
	 * @return the message, possibly empty
	 */
	public String pythonMessage() {
		return this.pythonMessage;
	}

	/**
	 * The full traceback as Python formats it, ending with the {@code Type: message} line.
	 * @return the traceback text
	 */
	public String pythonTraceback() {
		return this.pythonTraceback;
	}

}
