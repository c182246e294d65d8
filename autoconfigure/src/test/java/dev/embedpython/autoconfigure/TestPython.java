package dev.embedpython.autoconfigure;

/**
 * Settings every test context shares, so that all of them use the one extracted runtime under {@code target/}.
 */
public final class TestPython {

	private TestPython() {
	}

	/**
	 * The cache directory of the test runtime, set by the build.
	 * @return the directory
	 */
	public static String cacheDir() {
		return System.getProperty("embedpython.test.cache", "target/embedpython-cache");
	}

	/**
	 * The properties every test context starts from: the test cache directory, and a default pool of one
	 * interpreter (creating one costs 10-20 ms).
	 * @return the properties
	 */
	public static String[] properties() {
		return new String[] { "python.cache-dir=" + cacheDir(), "python.pool.size=1" };
	}

}
