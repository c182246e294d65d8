package dev.embedpython.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import dev.embedpython.PythonExtractionException;
import org.jspecify.annotations.Nullable;

/**
 * Python packages shipped in jars in the JavaCPP presets layout ({@code org.bytedeco:numpy:<version>:linux-x86_64}
 * and the native libraries it needs, {@code org.bytedeco:openblas:<version>:linux-x86_64}): found on the class path,
 * extracted like the runtime ({@link BundledPython}: a versioned tree per jar in the cache directory, private,
 * verified at every start, under the same locks), their native libraries loaded by absolute path, and their
 * {@code python/} directories handed to every interpreter's {@code sys.path}.
 * <p>
 * A jar qualifies when it holds {@code org/bytedeco/<name>/linux-x86_64/python/} (a Python package) or native
 * libraries directly in {@code org/bytedeco/<name>/linux-x86_64/}; libraries-only jars are used only together with
 * a Python package. From each jar only {@code python/} (without {@code tests/} directories) and those libraries are
 * extracted, never the JavaCPP JNI wrappers ({@code libjni*}) nor the C++ runtime the system already provides
 * ({@code libgcc_s}, {@code libstdc++}). A package whose extension modules are built for another CPython version
 * than the runtime's is skipped with a warning.
 * <p>
 * Thread contract: stateless apart from the loaded libraries, which are kept for the life of the JVM; thread-safe.
 */
public final class JarPackages {

	private static final Logger logger = System.getLogger(JarPackages.class.getName());

	private static final String BASE = "org/bytedeco/";

	private static final String PLATFORM = "linux-x86_64";

	/** {@code org/bytedeco/<name>/linux-x86_64/<rest>}. */
	private static final Pattern ENTRY = Pattern
		.compile(Pattern.quote(BASE) + "([a-z0-9][a-z0-9_.\\-]*)/" + PLATFORM + "/(.+)");

	/** A native library directly in the platform directory. */
	private static final Pattern LIBRARY = Pattern.compile("lib[^/]+\\.so(\\.[0-9.]+)?");

	/** The CPython ABI tag of an extension module, e.g. {@code cpython-314}. */
	private static final Pattern ABI_TAG = Pattern.compile("python/.+\\.cpython-3([0-9]+)-[^/]+\\.so");

	/** Not extracted: the JavaCPP JNI wrappers, and the C/C++ runtime the system has already loaded. */
	private static final Pattern SKIPPED_LIBRARY = Pattern.compile("lib(jni.*|gcc_s|stdc\\+\\+)\\.so.*");

	private static final int RTLD_LAZY = 0x1;

	private static final int RTLD_GLOBAL = 0x100;

	/** Loaded libraries, by path: kept so that they stay mapped for the life of the JVM. */
	private static final Map<Path, NativeLibrary> loaded = new HashMap<>();

	private JarPackages() {
	}

	/**
	 * A jar with a Python package or native libraries.
	 *
	 * @param name the artifact's name, e.g. {@code numpy}
	 * @param version the artifact's version, e.g. {@code 2.4.2-1.5.13}
	 * @param jar the jar's base URL ({@code jar:...!/})
	 * @param python whether it holds a {@code python/} directory
	 * @param libraries the native libraries it holds, file names
	 * @param pythonVersions CPython minor versions its extension modules are built for, e.g. {@code 314}
	 */
	public record Found(String name, String version, URL jar, boolean python, List<String> libraries,
			List<Integer> pythonVersions) {

		String where() {
			String text = this.jar.toString();
			text = text.endsWith("!/") ? text.substring(0, text.length() - 2) : text;
			int slash = text.lastIndexOf('/');
			return (slash >= 0) ? text.substring(slash + 1) : text;
		}

	}

	/**
	 * A package ready for Python.
	 *
	 * @param name the artifact's name
	 * @param version its version
	 * @param jar the jar it came from (its file name)
	 * @param tree the extracted tree
	 * @param pythonPath the directory for {@code sys.path}, or {@code null} for a libraries-only jar
	 * @param libraries the native libraries loaded from it, absolute paths
	 * @param extracted whether files were written (false: a valid extraction was reused)
	 */
	public record Installed(String name, String version, String jar, Path tree, @Nullable Path pythonPath,
			List<Path> libraries, boolean extracted) {

		@Override
		public String toString() {
			return this.name + " " + this.version + " (" + this.jar + " -> " + this.tree
					+ ((this.pythonPath == null) ? ", " + this.libraries.size() + " native libraries" : "") + ")";
		}

	}

	/**
	 * Find the package jars on a class loader's class path: the jars that have an {@code org/bytedeco/} directory
	 * entry, but not the bundled CPython's.
	 * @param classLoader the class loader
	 * @return the jars found, by name
	 */
	public static List<Found> find(ClassLoader classLoader) {
		Map<String, Found> found = new LinkedHashMap<>();
		Enumeration<URL> roots;
		try {
			roots = classLoader.getResources(BASE);
		}
		catch (IOException ex) {
			logger.log(Level.WARNING, () -> "Cannot list " + BASE + " on the class path: " + ex);
			return List.of();
		}
		for (URL root : Collections.list(roots)) {
			String text = root.toString();
			if (!text.startsWith("jar:") || !text.endsWith("!/" + BASE)) {
				continue;
			}
			try {
				URL jar = new URL(text.substring(0, text.length() - BASE.length()));
				for (Found one : inspect(jar)) {
					found.putIfAbsent(one.name(), one);
				}
			}
			catch (IOException ex) {
				logger.log(Level.WARNING, () -> "Cannot read the jar of " + root + ": " + ex);
			}
		}
		return List.copyOf(found.values());
	}

	private static List<Found> inspect(URL jarUrl) throws IOException {
		URLConnection connection = jarUrl.openConnection();
		if (!(connection instanceof JarURLConnection jarConnection)) {
			return List.of();
		}
		// The class loader keeps its own copy open; a cached JarFile would be closed under it.
		jarConnection.setUseCaches(false);
		try (JarFile jar = jarConnection.getJarFile()) {
			if (jar.getEntry("META-INF/maven/org.bytedeco/cpython/pom.properties") != null) {
				return List.of();
			}
			Map<String, Boolean> python = new LinkedHashMap<>();
			Map<String, List<String>> libraries = new HashMap<>();
			Map<String, TreeSet<Integer>> versions = new HashMap<>();
			for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
				JarEntry entry = e.nextElement();
				Matcher m = ENTRY.matcher(entry.getName());
				if (!m.matches()) {
					continue;
				}
				String name = m.group(1);
				String rest = m.group(2);
				if (rest.startsWith("python/")) {
					python.put(name, true);
					Matcher abi = ABI_TAG.matcher(rest);
					if (abi.matches()) {
						versions.computeIfAbsent(name, (k) -> new TreeSet<>()).add(Integer.parseInt(abi.group(1)));
					}
				}
				else if (!entry.isDirectory() && LIBRARY.matcher(rest).matches()
						&& !SKIPPED_LIBRARY.matcher(rest).matches()) {
					python.putIfAbsent(name, false);
					libraries.computeIfAbsent(name, (k) -> new ArrayList<>()).add(rest);
				}
			}
			List<Found> result = new ArrayList<>();
			for (Map.Entry<String, Boolean> entry : python.entrySet()) {
				String name = entry.getKey();
				String version = version(jar, name);
				if (version == null) {
					logger.log(Level.WARNING, () -> "Ignoring org/bytedeco/" + name + " in " + jarUrl
							+ ": no META-INF/maven/org.bytedeco/" + name + "/pom.properties with a version");
					continue;
				}
				result.add(new Found(name, version, jarUrl, entry.getValue(),
						List.copyOf(libraries.getOrDefault(name, List.of())),
						List.copyOf(versions.getOrDefault(name, new TreeSet<>()))));
			}
			return result;
		}
	}

	private static @Nullable String version(JarFile jar, String name) throws IOException {
		JarEntry pom = jar.getJarEntry("META-INF/maven/org.bytedeco/" + name + "/pom.properties");
		if (pom == null) {
			return null;
		}
		Properties properties = new Properties();
		try (InputStream in = jar.getInputStream(pom)) {
			properties.load(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1));
		}
		String version = properties.getProperty("version");
		return (version != null && version.matches("[0-9A-Za-z.\\-]+")) ? version : null;
	}

	/**
	 * Extract the packages found into the cache directory and load their native libraries, for a runtime of the
	 * given CPython version. Packages built for another version are skipped with a warning; libraries-only jars
	 * are skipped when no package is left.
	 * @param cacheDir the cache root (as for the runtime)
	 * @param found what {@link #find} found
	 * @param pythonVersion the runtime's {@code major * 100 + minor}, e.g. {@code 314}
	 * @return the packages in use, Python packages first
	 * @throws PythonExtractionException if a jar cannot be extracted or a library cannot be loaded
	 */
	public static List<Installed> install(Path cacheDir, List<Found> found, int pythonVersion) {
		List<Installed> installed = extractAll(cacheDir, found, pythonVersion);
		List<Path> libraries = new ArrayList<>();
		for (Installed one : installed) {
			libraries.addAll(one.libraries());
		}
		load(libraries);
		return installed;
	}

	/**
	 * Extract the packages found, as {@link #install} does, without loading anything (for {@link BundledPython#main}).
	 * @param cacheDir the cache root
	 * @param found what {@link #find} found
	 * @param pythonVersion the runtime's {@code major * 100 + minor}
	 * @return the packages extracted
	 */
	static List<Installed> extractAll(Path cacheDir, List<Found> found, int pythonVersion) {
		List<Found> packages = new ArrayList<>();
		List<Found> natives = new ArrayList<>();
		for (Found one : found) {
			if (!one.python()) {
				natives.add(one);
			}
			else if (!one.pythonVersions().isEmpty() && !one.pythonVersions().contains(pythonVersion % 100)) {
				logger.log(Level.WARNING, () -> "Not using " + one.name() + " " + one.version() + " from "
						+ one.where() + ": its extension modules are built for CPython " + one.pythonVersions()
							.stream().map((v) -> "3." + v).toList()
						+ ", the runtime is " + (pythonVersion / 100) + "." + (pythonVersion % 100)
						+ "; use the artifact version built for this CPython");
			}
			else {
				packages.add(one);
			}
		}
		if (packages.isEmpty()) {
			return List.of();
		}
		List<Installed> installed = new ArrayList<>();
		for (Found one : packages) {
			installed.add(extract(cacheDir, one));
		}
		for (Found one : natives) {
			installed.add(extract(cacheDir, one));
		}
		return List.copyOf(installed);
	}

	private static Installed extract(Path cacheDir, Found one) {
		String resourceRoot = BASE + one.name() + "/" + PLATFORM + "/";
		BundledPython.Artifact artifact = new BundledPython.Artifact(one.name(), one.version(), one.jar(),
				resourceRoot, (relative) -> isNeeded(relative, one.libraries()), (relative) -> false);
		BundledPython.Extraction extraction = BundledPython.extract(cacheDir, artifact,
				BundledPython.LOCK_TIMEOUT, System.nanoTime());
		Path tree = extraction.directory();
		List<Path> libraries = one.libraries().stream().map(tree::resolve).toList();
		return new Installed(one.name(), one.version(), one.where(), tree,
				one.python() ? tree.resolve("python") : null, libraries, extraction.extracted());
	}

	static boolean isNeeded(String relative, List<String> libraries) {
		if (relative.startsWith("python/")) {
			return !relative.contains("/tests/") && !relative.contains("/__pycache__/");
		}
		return libraries.contains(relative);
	}

	/**
	 * Load libraries by absolute path, RTLD_GLOBAL, in dependency order: a library whose dependencies are not
	 * loaded yet fails and is tried again after the others (libgfortran needs libquadmath, libopenblas needs
	 * libgfortran), so that extension modules find them by soname when Python imports them.
	 */
	private static void load(List<Path> libraries) {
		Map<String, Object> options = new HashMap<>();
		options.put(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_GLOBAL);
		synchronized (loaded) {
			List<Path> pending = new ArrayList<>();
			for (Path library : libraries) {
				if (!loaded.containsKey(library)) {
					pending.add(library);
				}
			}
			Map<Path, String> errors = new LinkedHashMap<>();
			boolean progress = true;
			while (!pending.isEmpty() && progress) {
				progress = false;
				errors.clear();
				for (Path library : new ArrayList<>(pending)) {
					try {
						loaded.put(library, NativeLibrary.getInstance(library.toString(), options));
						pending.remove(library);
						progress = true;
					}
					catch (UnsatisfiedLinkError ex) {
						errors.put(library, String.valueOf(ex.getMessage()));
					}
				}
			}
			if (!pending.isEmpty()) {
				throw new PythonExtractionException("Cannot load the native libraries of the Python packages on the "
						+ "class path: " + errors + "; add the artifacts that provide them (e.g. org.bytedeco:openblas "
						+ "with classifier linux-x86_64 for numpy), or remove the package's jar", null);
			}
		}
	}

}
