package dev.embedpython;

import java.nio.file.Path;

/**
 * The runtime cache is not private: a file or directory in it is a symbolic link, is owned by another user, is
 * writable by group or others, or was planted there to run at start. Python would run whatever code that other
 * user put there, so the runtime refuses to start. The message names the path and the fix.
 */
public class PythonCacheSecurityException extends PythonStartupException {

	private static final long serialVersionUID = 1L;

	private final transient Path path;

	/**
	 * Create a new instance.
	 * @param message the detail message, naming the path and the fix
	 * @param path the offending file or directory
	 */
	public PythonCacheSecurityException(String message, Path path) {
		super(message, null);
		this.path = path;
	}

	/**
	 * The offending file or directory.
	 * @return the path
	 */
	public Path path() {
		return this.path;
	}

}
