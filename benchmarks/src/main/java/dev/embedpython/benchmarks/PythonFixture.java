package dev.embedpython.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.embedpython.Isolation;
import dev.embedpython.PoolOptions;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.RuntimeOptions;

/**
 * Starts the process-wide {@link PythonRuntime} once per benchmark JVM, with the directory holding
 * {@code benchbench.py} and {@code conversionbench.py} on {@code sys.path}. Reference counted so that several JMH states can share it.
 * <p>
 * System property {@code embedpython.cacheDir} overrides where the bundled runtime is extracted.
 */
final class PythonFixture {

	/** The Python module with the benchmarked functions. */
	static final String MODULE = "benchbench";

	/** The Python module with the data and functions of the conversion benchmark. */
	static final String CONVERSION_MODULE = "conversionbench";

	/** The Python module that runs the sample's text analysis ({@code textanalytics}, copied into the jar). */
	static final String ANALYZE_MODULE = "analyzebench";

	/** The sample's package, copied into the jar from sample-app by the build. */
	private static final String[] SAMPLE_PACKAGE = { "textanalytics/__init__.py", "textanalytics/analyze.py",
			"textanalytics/stopwords.json" };

	private static PythonRuntime runtime;

	private static Path moduleDir;

	private static int references;

	private PythonFixture() {
	}

	static synchronized PythonRuntime acquire() {
		if (references++ == 0) {
			try {
				moduleDir = Files.createTempDirectory("embedpython-bench");
				Files.createDirectories(moduleDir.resolve("textanalytics"));
				List<String> files = new java.util.ArrayList<>(List.of(SAMPLE_PACKAGE));
				for (String module : new String[] { MODULE, CONVERSION_MODULE, ANALYZE_MODULE }) {
					files.add(module + ".py");
				}
				for (String file : files) {
					try (InputStream in = PythonFixture.class.getResourceAsStream(file)) {
						if (in == null) {
							throw new IllegalStateException(file + " missing from the benchmark jar");
						}
						Files.copy(in, moduleDir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
					}
				}
			}
			catch (IOException ex) {
				references--;
				throw new UncheckedIOException(ex);
			}
			RuntimeOptions.Builder options = RuntimeOptions.builder().addPath(moduleDir);
			String cacheDir = System.getProperty("embedpython.cacheDir");
			if (cacheDir != null && !cacheDir.isBlank()) {
				options.cacheDir(Path.of(cacheDir));
			}
			long start = System.nanoTime();
			try {
				runtime = PythonRuntime.start(options.build());
			}
			catch (RuntimeException | Error ex) {
				references--;
				throw ex;
			}
			System.out.printf("%n[fixture] Python %s from %s started in %.0f ms%n", runtime.version(), runtime.home(),
					(System.nanoTime() - start) / 1e6);
		}
		return runtime;
	}

	/**
	 * The pool of the request benchmarks: one {@code OWN_GIL} interpreter named {@code bench}, {@value #MODULE}
	 * imported.
	 * @param runtime the runtime from {@link #acquire()}
	 * @return the pool
	 */
	static PythonPool requestPool(PythonRuntime runtime) {
		return runtime.newPool(PoolOptions.builder()
			.name("bench")
			.size(1)
			.isolation(Isolation.OWN_GIL)
			.preload(List.of(MODULE))
			.build());
	}

	/**
	 * Close a benchmark's pool, then release the runtime.
	 * @param pool the pool, or {@code null} if setup failed before creating it
	 */
	static void release(dev.embedpython.@org.jspecify.annotations.Nullable PythonPool pool) {
		try {
			if (pool != null) {
				pool.close();
			}
		}
		finally {
			release();
		}
	}

	static synchronized void release() {
		if (references == 0) {
			return;
		}
		if (--references == 0) {
			try {
				runtime.close();
			}
			finally {
				runtime = null;
				deleteQuietly(moduleDir);
			}
		}
	}

	/**
	 * The 7-item map passed to Python by the conversion benchmark: the same keys and values as
	 * {@code benchbench._DICT7}.
	 * @return a new insertion-ordered map
	 */
	static Map<String, Object> dict7() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("id", 12345);
		map.put("name", "Ada Lovelace");
		map.put("email", "ada@example.org");
		map.put("score", 97.5);
		map.put("active", true);
		map.put("country", "GB");
		map.put("visits", 42);
		return map;
	}

	private static void deleteQuietly(Path dir) {
		if (dir == null) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// a temp dir; never mind
				}
			});
		}
		catch (IOException ex) {
			// never mind
		}
	}

}
