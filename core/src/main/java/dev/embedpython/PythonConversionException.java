package dev.embedpython;

/**
 * A value cannot cross between Java and Python: the message names the Java class or the Python type.
 */
public class PythonConversionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 */
	public PythonConversionException(String message) {
		super(message);
	}

}
