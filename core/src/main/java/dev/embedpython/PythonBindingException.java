package dev.embedpython;

/**
 * The binding asked for ({@link RuntimeOptions#binding()}, {@code python.binding} or the system property
 * {@value Binding#SYSTEM_PROPERTY}) cannot be used: FFM before JDK 22 or in a build without it, an invalid value,
 * or a binding other than the one this JVM already calls CPython through. The message names the way out.
 */
public class PythonBindingException extends PythonStartupException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 */
	public PythonBindingException(String message) {
		super(message, null);
	}

}
