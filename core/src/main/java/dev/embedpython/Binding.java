package dev.embedpython;

import java.util.Locale;

/**
 * How the JVM calls libpython. The binding is process-wide: the first {@link PythonRuntime} started in a JVM fixes
 * it, and the rest of the engine does not know which one runs.
 */
public enum Binding {

	/**
	 * {@link #FFM} on JDK 22 and newer (when this build of embedpython-core contains it), {@link #JNA} before; the
	 * system property {@value #SYSTEM_PROPERTY} ({@code auto}, {@code ffm} or {@code jna}) decides instead when set.
	 * Once a binding is fixed in the JVM, {@code AUTO} accepts it whichever it is.
	 */
	AUTO,

	/**
	 * {@code java.lang.foreign} downcalls (JDK 22+), shipped in the jar's {@code META-INF/versions/22}; needs native
	 * access ({@code --enable-native-access=ALL-UNNAMED}, otherwise JDK 22-25 print a warning).
	 */
	FFM,

	/**
	 * JNA direct mapping: every JDK from 17.
	 */
	JNA;

	/** The system property that chooses the binding when the options say {@link #AUTO}. */
	public static final String SYSTEM_PROPERTY = "embedpython.binding";

	/**
	 * Parse a setting as written in a property: {@code auto}, {@code ffm} or {@code jna}, in any case.
	 * @param key the key the value came from, for the message
	 * @param value the value
	 * @return the binding
	 * @throws IllegalArgumentException naming the key and the accepted values
	 */
	public static Binding parse(String key, String value) {
		try {
			return valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"Invalid value '" + value + "' for '" + key + "': use auto, ffm or jna", ex);
		}
	}

}
