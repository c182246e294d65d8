package dev.embedpython;

import java.nio.file.Path;

/**
 * How tests start the runtime: the bundled 3.14 by default, or the home named by the system property
 * {@code embedpython.test.home} (the build's second surefire run points it at an unpacked CPython 3.13).
 */
final class TestRuntimes {

	private TestRuntimes() {
	}

	static RuntimeOptions.Builder options() {
		RuntimeOptions.Builder builder = RuntimeOptions.builder().cacheDir(cacheDir());
		String home = System.getProperty("embedpython.test.home");
		if (home != null && !home.isBlank()) {
			builder.home(Path.of(home));
		}
		return builder;
	}

	static Path cacheDir() {
		String cache = System.getProperty("embedpython.test.cache");
		return (cache != null) ? Path.of(cache) : Path.of("target", "embedpython-cache");
	}

	static PythonRuntime start() {
		return PythonRuntime.start(options().build());
	}

	static String expectedMinorVersion() {
		return (System.getProperty("embedpython.test.home", "").isBlank()) ? "3.14" : "3.13";
	}

	/**
	 * A single-quoted Python string literal of a text (a path, usually), with backslashes and quotes escaped.
	 * @param text the text
	 * @return the literal
	 */
	static String pythonString(String text) {
		return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
	}

}
