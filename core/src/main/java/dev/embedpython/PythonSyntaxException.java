package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * A {@code SyntaxError} (or subclass such as {@code IndentationError}) with the position Python reported.
 */
public class PythonSyntaxException extends PythonException {

	private static final long serialVersionUID = 1L;

	private final int line;

	private final int column;

	/**
	 * Create a new instance.
	 * @param pythonType the exception's type name
	 * @param pythonMessage {@code str(exception)}
	 * @param pythonTraceback the formatted traceback
	 * @param cause the Python cause, if any
	 * @param line the 1-based line, 0 if unknown
	 * @param column the 1-based column, 0 if unknown
	 */
	public PythonSyntaxException(String pythonType, String pythonMessage, String pythonTraceback,
			@Nullable Throwable cause, int line, int column) {
		super(pythonType, pythonMessage, pythonTraceback, cause);
		this.line = line;
		this.column = column;
	}

	/**
	 * The line of the error, 1-based.
	 * @return the line, 0 if Python did not report one
	 */
	public int line() {
		return this.line;
	}

	/**
	 * The column (Python's {@code offset}) of the error, 1-based.
	 * @return the column, 0 if Python did not report one
	 */
	public int column() {
		return this.column;
	}

}
