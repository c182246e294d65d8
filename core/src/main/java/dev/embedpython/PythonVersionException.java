package dev.embedpython;

/**
 * The configured CPython is older than the oldest supported version (or is a build embedpython cannot use).
 */
public class PythonVersionException extends PythonStartupException {

	private static final long serialVersionUID = 1L;

	private final String found;

	private final String required;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param found the version found
	 * @param required the version needed
	 */
	public PythonVersionException(String message, String found, String required) {
		super(message, null);
		this.found = found;
		this.required = required;
	}

	/**
	 * The version found.
	 * @return e.g. {@code 3.11}
	 */
	public String found() {
		return this.found;
	}

	/**
	 * The version needed.
	 * @return e.g. {@code 3.13+}
	 */
	public String required() {
		return this.required;
	}

}
