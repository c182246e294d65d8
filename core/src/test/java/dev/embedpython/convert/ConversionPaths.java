package dev.embedpython.convert;

/**
 * Lets tests of any package choose the path containers take (the converter's switch is package-private).
 */
public final class ConversionPaths {

	/** The paths, as {@link ValueConverter.ContainerPath}. */
	public enum Path {

		/** Bulk above a few items: what production uses. */
		AUTO,

		/** Every container per object. */
		PER_OBJECT,

		/** Every container the bulk path carries in bulk, whatever its size. */
		BULK,

		/** As {@link #BULK}; a container the bulk path does not carry fails the conversion. */
		BULK_ONLY

	}

	private ConversionPaths() {
	}

	/**
	 * Make every conversion of this JVM take a path until the next call.
	 * @param path the path
	 */
	public static void use(Path path) {
		ValueConverter.containerPath = ValueConverter.ContainerPath.valueOf(path.name());
	}

}
