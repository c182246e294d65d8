package dev.embedpython.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import dev.embedpython.PythonExtractionException;
import dev.embedpython.PythonNotFoundException;
import org.jspecify.annotations.Nullable;

/**
 * Extracts the bundled CPython ({@code org.bytedeco:cpython:<version>:linux-x86_64}) from its jar into a private,
 * versioned cache directory, once: {@code <cacheDir>/cpython-<version>}.
 * <p>
 * The extraction is written to a temporary sibling directory, described by a manifest (CRC-32, size and
 * modification time of every file), sealed by a marker holding the manifest's SHA-256 (written last), then moved
 * into place. Every start verifies marker, manifest and each file's size and modification time; a partial or
 * tampered tree is extracted again. A file lock beside
 * the directory keeps two JVMs from extracting at once.
 * <p>
 * Thread contract: thread-safe; concurrent callers in one JVM are serialized.
 */
public final class BundledRuntime {

	/** The jar's resource root. */
	static final String ROOT = "org/bytedeco/cpython/linux-x86_64/";

	private static final String POM_PROPERTIES = "META-INF/maven/org.bytedeco/cpython/pom.properties";

	static final String MANIFEST = ".embedpython-manifest";

	static final String MARKER = ".embedpython-complete";

	private static final String FORMAT = "embedpython-extraction-v2";

	private static final Set<String> EXCLUDED_STDLIB_DIRS = Set.of("test", "idlelib", "tkinter", "ensurepip",
			"turtledemo", "__phello__");

	private static final Object LOCK = new Object();

	private static final Set<PosixFilePermission> DIR_PERMISSIONS = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");

	private static final Set<PosixFilePermission> LIBRARY_PERMISSIONS = PosixFilePermissions.fromString("rwx------");

	private BundledRuntime() {
	}

	/**
	 * The result of {@link #extract(Path, ClassLoader)}.
	 *
	 * @param directory the extracted home
	 * @param version the bundled artifact's version, e.g. {@code 3.14.3-1.5.13}
	 * @param extracted whether files were written (false: a valid extraction was reused)
	 * @param nanos time spent, verification included
	 */
	public record Extraction(Path directory, String version, boolean extracted, long nanos) {
	}

	/**
	 * Make sure a valid extraction exists and return it.
	 * @param cacheDir the cache root
	 * @param classLoader where to find the runtime jar
	 * @return the extraction
	 * @throws PythonNotFoundException if the bundled runtime is not on the class path
	 * @throws PythonExtractionException if the cache cannot be written
	 */
	public static Extraction extract(Path cacheDir, ClassLoader classLoader) {
		long start = System.nanoTime();
		URL pom = classLoader.getResource(POM_PROPERTIES);
		URL probe = classLoader.getResource(ROOT);
		if (pom == null || probe == null) {
			throw new PythonNotFoundException("The bundled CPython runtime (org.bytedeco:cpython, classifier "
					+ "linux-x86_64) is not on the class path: add embedpython-spring-boot-starter or that artifact, "
					+ "or configure the home of an installed CPython 3.13+", null);
		}
		String version = readVersion(pom);
		Path target = cacheDir.toAbsolutePath().normalize().resolve("cpython-" + version);
		synchronized (LOCK) {
			try {
				createPrivateDirectories(cacheDir.toAbsolutePath().normalize());
				Path lockFile = target.resolveSibling("cpython-" + version + ".lock");
				try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
						StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
					if (isValid(target)) {
						return new Extraction(target, version, false, System.nanoTime() - start);
					}
					extractInto(pom, target);
					return new Extraction(target, version, true, System.nanoTime() - start);
				}
			}
			catch (IOException ex) {
				throw new PythonExtractionException("Cannot extract the bundled CPython " + version + " into '"
						+ target + "': " + ex + "; make sure the cache directory is writable and has ~60 MB free, "
						+ "or configure another cache directory", ex);
			}
		}
	}

	private static String readVersion(URL pom) {
		Properties properties = new Properties();
		try (InputStream in = pom.openStream()) {
			properties.load(in);
		}
		catch (IOException ex) {
			throw new PythonExtractionException("Cannot read " + pom + ": " + ex.getMessage(), ex);
		}
		String version = properties.getProperty("version");
		if (version == null || !version.matches("[0-9A-Za-z.\\-]+")) {
			throw new PythonExtractionException("Unexpected version '" + version + "' in " + pom, null);
		}
		return version;
	}

	/**
	 * Whether a directory holds a complete, unmodified extraction.
	 * @param target the directory
	 * @return {@code true} if marker, manifest and every file's size and modification time match
	 */
	static boolean isValid(Path target) {
		try {
			Path manifest = target.resolve(MANIFEST);
			Path marker = target.resolve(MARKER);
			if (!Files.isRegularFile(manifest) || !Files.isRegularFile(marker)) {
				return false;
			}
			byte[] manifestBytes = Files.readAllBytes(manifest);
			String expected = FORMAT + " " + sha256(manifestBytes);
			if (!expected.equals(Files.readString(marker, StandardCharsets.UTF_8).trim())) {
				return false;
			}
			for (String line : new String(manifestBytes, StandardCharsets.UTF_8).split("\n")) {
				if (line.isEmpty()) {
					continue;
				}
				// "crc32 size mtime path": a changed size or modification time marks a file as tampered with (reading
				// every file's content again would cost ~0.5 s per start for ~3,000 files).
				String[] parts = line.split(" ", 4);
				Path file = target.resolve(parts[3]);
				BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
				if (!attributes.isRegularFile() || attributes.size() != Long.parseLong(parts[1])
						|| attributes.lastModifiedTime().toMillis() != Long.parseLong(parts[2])) {
					return false;
				}
			}
			return true;
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	private static void extractInto(URL pom, Path target) throws IOException {
		Path staging = target.resolveSibling(target.getFileName() + ".partial");
		deleteTree(staging);
		deleteTree(target);
		createPrivateDirectories(staging);
		StringBuilder manifest = new StringBuilder();
		URLConnection connection = new URL(pom.toString().replace(POM_PROPERTIES, "")).openConnection();
		if (!(connection instanceof JarURLConnection jarConnection)) {
			throw new IOException("the bundled runtime is not in a jar: " + pom);
		}
		jarConnection.setUseCaches(false);
		byte[] buffer = new byte[1 << 16];
		try (JarFile jar = jarConnection.getJarFile()) {
			List<JarEntry> entries = new ArrayList<>();
			for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
				JarEntry entry = e.nextElement();
				if (!entry.isDirectory() && entry.getName().startsWith(ROOT) && isNeeded(entry.getName().substring(ROOT.length()))) {
					entries.add(entry);
				}
			}
			entries.sort(Comparator.comparing(JarEntry::getName));
			for (JarEntry entry : entries) {
				String relative = entry.getName().substring(ROOT.length());
				Path file = staging.resolve(relative).normalize();
				if (!file.startsWith(staging)) {
					throw new IOException("refusing entry outside the target: " + entry.getName());
				}
				createPrivateDirectories(file.getParent());
				CRC32 crc = new CRC32();
				long size = 0;
				try (InputStream in = jar.getInputStream(entry); OutputStream out = Files.newOutputStream(file)) {
					for (int n; (n = in.read(buffer)) > 0;) {
						out.write(buffer, 0, n);
						crc.update(buffer, 0, n);
						size += n;
					}
				}
				Files.setPosixFilePermissions(file, isLibrary(relative) ? LIBRARY_PERMISSIONS : FILE_PERMISSIONS);
				long modified = Files.getLastModifiedTime(file).toMillis();
				manifest.append(Long.toHexString(crc.getValue())).append(' ').append(size).append(' ')
					.append(modified).append(' ').append(relative).append('\n');
			}
		}
		byte[] manifestBytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
		Files.write(staging.resolve(MANIFEST), manifestBytes);
		Files.writeString(staging.resolve(MARKER), FORMAT + " " + sha256(manifestBytes) + "\n");
		try {
			Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (AtomicMoveNotSupportedException | FileAlreadyExistsException ex) {
			deleteTree(target);
			Files.move(staging, target);
		}
	}

	static boolean isNeeded(String relative) {
		if (relative.indexOf('/') < 0) {
			return relative.startsWith("libpython") || relative.startsWith("libffi.so");
		}
		if (!relative.startsWith("lib/python3.")) {
			return false;
		}
		String[] parts = relative.split("/");
		return !(parts.length > 3 && EXCLUDED_STDLIB_DIRS.contains(parts[2])) && !relative.endsWith(".a");
	}

	private static boolean isLibrary(String relative) {
		return relative.endsWith(".so") || relative.contains(".so.");
	}

	private static void createPrivateDirectories(@Nullable Path dir) throws IOException {
		if (dir == null || Files.isDirectory(dir)) {
			return;
		}
		createPrivateDirectories(dir.getParent());
		try {
			Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_PERMISSIONS));
		}
		catch (FileAlreadyExistsException ex) {
			// created concurrently: fine
		}
	}

	private static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static void deleteTree(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(dir)) {
			for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
				try {
					Files.delete(p);
				}
				catch (NoSuchFileException ex) {
					// gone already
				}
			}
		}
	}

}
