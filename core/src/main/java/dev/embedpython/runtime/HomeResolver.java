package dev.embedpython.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.embedpython.PythonNotFoundException;
import dev.embedpython.PythonVersionException;
import org.jspecify.annotations.Nullable;

/**
 * Resolves a configured Python home (a prefix of a shared CPython build, or a venv on top of one) to a
 * {@link PythonHome}, before anything is loaded, so that a wrong or too old Python fails with a clear message.
 * <p>
 * Thread contract: stateless; any thread.
 */
public final class HomeResolver {

	/** The oldest supported minor version: own-GIL interpreters crash on 3.12. */
	public static final String MINIMUM_VERSION = "3.13";

	private static final Pattern STDLIB_DIR = Pattern.compile("python(3\\.\\d+)(t?)");

	private HomeResolver() {
	}

	/**
	 * Resolve an external home.
	 * @param configured the configured directory
	 * @return the resolved installation
	 * @throws PythonNotFoundException if no standard library or shared libpython is there
	 * @throws PythonVersionException if the version is older than {@value #MINIMUM_VERSION} or free-threaded
	 */
	public static PythonHome resolve(Path configured) {
		return resolve(configured, false);
	}

	/**
	 * Resolve the extracted bundled runtime.
	 * @param extracted the extraction directory
	 * @return the resolved installation
	 */
	public static PythonHome resolveBundled(Path extracted) {
		return resolve(extracted, true);
	}

	static PythonHome resolve(Path configured, boolean bundled) {
		Path dir = configured.toAbsolutePath().normalize();
		if (!Files.isDirectory(dir)) {
			throw new PythonNotFoundException("Python home '" + dir + "' does not exist or is not a directory; "
					+ "set it to the prefix of a CPython " + MINIMUM_VERSION + "+ shared build (or a venv), "
					+ "or leave it unset to use the bundled CPython", null);
		}
		List<Path> sitePackages = new ArrayList<>();
		Path prefix = dir;
		Path venvConfig = dir.resolve("pyvenv.cfg");
		if (Files.isRegularFile(venvConfig)) {
			Map<String, String> venv = readVenvConfig(venvConfig);
			String baseBin = venv.get("home");
			if (baseBin == null) {
				throw new PythonNotFoundException("'" + venvConfig + "' has no 'home' key naming the base Python", null);
			}
			Path base = Path.of(baseBin).toAbsolutePath().normalize();
			prefix = (base.getFileName() != null && base.getFileName().toString().equals("bin")
					&& base.getParent() != null) ? base.getParent() : base;
			try (Stream<Path> libs = list(dir.resolve("lib"))) {
				libs.filter((p) -> STDLIB_DIR.matcher(p.getFileName().toString()).matches())
					.map((p) -> p.resolve("site-packages"))
					.filter(Files::isDirectory)
					.forEach(sitePackages::add);
			}
		}
		List<String> tried = new ArrayList<>();
		Path stdlib = findStdlib(prefix, tried);
		if (stdlib == null) {
			throw new PythonNotFoundException("No CPython standard library found under '" + prefix + "' (tried "
					+ String.join(", ", tried) + "); set the Python home to the prefix of a CPython "
					+ MINIMUM_VERSION + "+ installation, the directory that holds lib/python3.X/", null);
		}
		Matcher matcher = STDLIB_DIR.matcher(stdlib.getFileName().toString());
		matcher.matches();
		String version = matcher.group(1);
		if (!matcher.group(2).isEmpty()) {
			throw new PythonVersionException("CPython " + version + "t at '" + prefix
					+ "' is a free-threaded build, which embedpython does not support; use a regular (GIL) build of "
					+ "CPython " + MINIMUM_VERSION + " or newer", version + "t", MINIMUM_VERSION + "+ (GIL build)");
		}
		if (PythonHome.versionNumber(version) < PythonHome.versionNumber(MINIMUM_VERSION)) {
			throw new PythonVersionException("CPython " + version + " found at '" + prefix + "', but embedpython needs "
					+ "CPython " + MINIMUM_VERSION + " or newer (own-GIL sub-interpreters crash on older versions); "
					+ "point the Python home at a " + MINIMUM_VERSION + "+ installation or use the bundled runtime",
					version, MINIMUM_VERSION + "+");
		}
		List<Path> candidates = new ArrayList<>();
		String soname = "libpython" + version + ".so";
		for (Path libDir : List.of(prefix, prefix.resolve("lib"), prefix.resolve("lib64"),
				prefix.resolve("lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"))) {
			candidates.add(libDir.resolve(soname + ".1.0"));
			candidates.add(libDir.resolve(soname));
		}
		Path library = candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
		if (library == null) {
			throw new PythonNotFoundException("CPython " + version + " at '" + prefix + "' has no shared library "
					+ "(tried " + candidates + "); embedpython needs a shared build (configure --enable-shared) or "
					+ "the bundled runtime", null);
		}
		Path libffi = prefix.resolve("libffi.so.8");
		return new PythonHome(prefix, library, version, Files.isRegularFile(libffi) ? libffi : null,
				List.copyOf(sitePackages), bundled, dir);
	}

	private static @Nullable Path findStdlib(Path prefix, List<String> tried) {
		tried.add(prefix.resolve("lib/python3.*/os.py").toString());
		try (Stream<Path> libs = list(prefix.resolve("lib"))) {
			return libs.filter((p) -> STDLIB_DIR.matcher(p.getFileName().toString()).matches())
				.filter((p) -> Files.isRegularFile(p.resolve("os.py")))
				.max(Comparator.comparingInt((Path p) -> {
					Matcher m = STDLIB_DIR.matcher(p.getFileName().toString());
					m.matches();
					return PythonHome.versionNumber(m.group(1));
				}))
				.orElse(null);
		}
	}

	private static Stream<Path> list(Path dir) {
		if (!Files.isDirectory(dir)) {
			return Stream.empty();
		}
		try {
			return Files.list(dir);
		}
		catch (IOException ex) {
			return Stream.empty();
		}
	}

	private static Map<String, String> readVenvConfig(Path file) {
		Map<String, String> values = new LinkedHashMap<>();
		try {
			for (String line : Files.readAllLines(file)) {
				int eq = line.indexOf('=');
				if (eq > 0) {
					values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
				}
			}
		}
		catch (IOException ex) {
			throw new PythonNotFoundException("Cannot read '" + file + "': " + ex.getMessage(), ex);
		}
		return values;
	}

}
