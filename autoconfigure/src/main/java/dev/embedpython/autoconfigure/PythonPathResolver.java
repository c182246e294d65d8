package dev.embedpython.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import dev.embedpython.PythonExtractionException;
import dev.embedpython.PrivateTree;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternUtils;
import org.springframework.util.ResourceUtils;

/**
 * Turns {@code python.path} entries into directories CPython can import from.
 * <p>
 * A file system path (optionally {@code file:}) is used as it is. A {@code classpath:} location resolves to its
 * first classpath root (with a warning when there are several: which is first depends on the class path order), a
 * {@code classpath*:} location to every root. A root that is a directory on disk (an
 * exploded build, {@code spring-boot:run}, an IDE) is used in place, so edits are seen on restart; a root inside a
 * jar (nested jars of an executable jar included) is copied to {@code <cache-dir>/classpath/<content hash>}, because
 * CPython cannot import from nested jars. The copy is keyed by a hash of the file names and contents, so it is
 * written once per content and shared by every process using the same cache directory; it is written to a
 * temporary directory first and moved into place atomically. Like the runtime cache, the copy is private
 * ({@code 0700}/{@code 0600}, checked at every start without following links), and a jar entry whose name could
 * escape the copy ({@code ..}, a backslash, an absolute path) fails start-up naming the jar and the entry.
 * <p>
 * Thread contract: not thread-safe; used once, while the runtime bean is created.
 */
final class PythonPathResolver {

	private static final String CLASSPATH_ALL_URL_PREFIX = ResourcePatternResolver.CLASSPATH_ALL_URL_PREFIX;

	private static final Log logger = LogFactory.getLog(PythonPathResolver.class);

	private final ResourcePatternResolver resolver;

	private final Path cacheDir;

	private @Nullable Path temporaryCopies;

	PythonPathResolver(ResourceLoader resourceLoader, Path cacheDir) {
		this.resolver = ResourcePatternUtils.getResourcePatternResolver(resourceLoader);
		this.cacheDir = cacheDir;
	}

	/**
	 * Resolve every entry, in order.
	 * @param entries the values of {@code python.path}
	 * @return the directories (or zip files) to prepend to {@code sys.path}
	 * @throws InvalidConfigurationPropertyValueException naming the entry that does not exist
	 * @throws PythonExtractionException if a classpath root could not be copied to the cache directory
	 */
	List<Path> resolve(List<String> entries) {
		List<Path> paths = new ArrayList<>();
		for (int i = 0; i < entries.size(); i++) {
			String key = "python.path[" + i + "]";
			String entry = entries.get(i);
			if (entry == null || entry.isBlank()) {
				throw new InvalidConfigurationPropertyValueException(key, entry, "must not be empty");
			}
			entry = entry.strip();
			if (entry.startsWith(CLASSPATH_ALL_URL_PREFIX) || entry.startsWith(ResourceUtils.CLASSPATH_URL_PREFIX)) {
				paths.addAll(resolveClasspath(key, entry));
			}
			else {
				paths.add(resolveFile(key, entry));
			}
		}
		return paths;
	}

	private Path resolveFile(String key, String entry) {
		Path path;
		try {
			path = entry.startsWith(ResourceUtils.FILE_URL_PREFIX) ? ResourceUtils.getFile(entry).toPath()
					: PythonAutoConfiguration.expandHome(entry);
		}
		catch (IOException | RuntimeException ex) {
			throw new InvalidConfigurationPropertyValueException(key, entry, "is not a valid path: " + ex.getMessage());
		}
		if (!Files.exists(path)) {
			throw new InvalidConfigurationPropertyValueException(key, entry, "'" + path + "' does not exist");
		}
		return path.toAbsolutePath().normalize();
	}

	private List<Path> resolveClasspath(String key, String entry) {
		String location = entry.endsWith("/") ? entry : entry + "/";
		List<Path> paths = new ArrayList<>();
		try {
			Resource[] roots = this.resolver.getResources(location);
			if (!location.startsWith(CLASSPATH_ALL_URL_PREFIX)) {
				warnIfAmbiguous(key, entry, location);
			}
			for (Resource root : roots) {
				if (!root.exists()) {
					continue;
				}
				if (ResourceUtils.isFileURL(root.getURL())) {
					paths.add(root.getFile().toPath().toAbsolutePath().normalize());
				}
				else {
					paths.add(copyToCache(key, entry, root));
				}
			}
		}
		catch (IOException ex) {
			throw new PythonExtractionException(
					"Could not read " + entry + " (" + key + ") from the classpath: " + ex.getMessage(), ex);
		}
		if (paths.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(key, entry,
					"no such directory on the classpath (a jar must hold an entry for the directory itself)");
		}
		return paths;
	}

	/**
	 * {@code classpath:} takes the first root only, whichever jar comes first on the class path: say so when there
	 * are several.
	 */
	private void warnIfAmbiguous(String key, String entry, String location) throws IOException {
		String all = CLASSPATH_ALL_URL_PREFIX + location.substring(ResourceUtils.CLASSPATH_URL_PREFIX.length());
		List<String> roots = new ArrayList<>();
		for (Resource root : this.resolver.getResources(all)) {
			if (root.exists()) {
				roots.add(root.getURL().toString());
			}
		}
		if (roots.size() > 1) {
			logger.warn(key + " '" + entry + "' matches " + roots.size() + " classpath locations " + roots
					+ "; 'classpath:' uses the first only, so which one depends on the order of the class path. Use '"
					+ all + "' to put every one on sys.path, or give the directories distinct names");
		}
	}

	private Path copyToCache(String key, String entry, Resource root) throws IOException {
		Map<String, Resource> files = list(key, entry, root);
		String hash = hash(files);
		Path classpath = this.cacheDir.resolve("classpath");
		String fix = "Delete it (it is copied again), or set python.cache-dir to a directory only this user can write.";
		if (Files.isDirectory(classpath.resolve(hash), LinkOption.NOFOLLOW_LINKS) || isWritable(this.cacheDir)) {
			PrivateTree.createDirectories(classpath);
			PrivateTree.check(this.cacheDir, "Cache directory", fix);
			PrivateTree.check(classpath, "Cache directory", fix);
		}
		else {
			// A read-only cache (a container image): copy to a private temporary directory for this JVM instead.
			classpath = temporaryCopies();
			logger.info("The cache directory '" + this.cacheDir + "' is read-only: copying " + entry + " (" + key
					+ ") to '" + classpath + "' for this run");
		}
		Path target = classpath.resolve(hash);
		if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(target)) {
			// Written once by content; what matters now is that no one else can have changed it since.
			PrivateTree.walk(target, "Copy of " + entry, fix);
			return target;
		}
		Path temporary = null;
		try {
			temporary = Files.createTempDirectory(classpath, target.getFileName() + ".tmp-",
					PosixFilePermissions.asFileAttribute(PrivateTree.DIRECTORY));
			for (Map.Entry<String, Resource> file : files.entrySet()) {
				Path destination = temporary.resolve(file.getKey()).normalize();
				if (!destination.startsWith(temporary)) {
					throw new IOException("entry '" + file.getKey() + "' points outside its directory");
				}
				PrivateTree.createDirectories(destination.getParent());
				if (file.getKey().endsWith(".py")) {
					// Python would create it 0777 less the umask, group-writable under 002.
					PrivateTree.createDirectories(destination.resolveSibling("__pycache__"));
				}
				try (InputStream in = file.getValue().getInputStream()) {
					PrivateTree.writeNew(destination, in.readAllBytes());
				}
			}
			try {
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileAlreadyExistsException | DirectoryNotEmptyException ex) {
				// Another process wrote the same content first: use its copy.
				PrivateTree.walk(target, "Copy of " + entry, fix);
			}
			return target;
		}
		catch (IOException | UncheckedIOException ex) {
			throw new PythonExtractionException("Could not copy " + entry + " (" + key + ") from " + root.getURL()
					+ " to " + target + ": " + ex.getMessage(), ex);
		}
		finally {
			if (temporary != null) {
				deleteQuietly(temporary);
			}
		}
	}

	private static boolean isWritable(Path dir) throws IOException {
		Path existing = dir;
		while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
			existing = existing.getParent();
		}
		return existing != null && Files.isWritable(existing) && !Files.getFileStore(existing).isReadOnly();
	}

	private Path temporaryCopies() throws IOException {
		Path dir = this.temporaryCopies;
		if (dir == null) {
			dir = Files.createTempDirectory("embedpython-classpath-",
					PosixFilePermissions.asFileAttribute(PrivateTree.DIRECTORY));
			Path created = dir;
			Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(created), "embedpython-classpath-cleanup"));
			this.temporaryCopies = dir;
		}
		return dir;
	}

	/**
	 * Every file under a classpath root, by path relative to the root, sorted. A root inside a jar is listed from
	 * the jar's entries, so that a crafted name is reported as such.
	 */
	private Map<String, Resource> list(String key, String entry, Resource root) throws IOException {
		String rootUrl = root.getURL().toString();
		URLConnection connection = root.getURL().openConnection();
		if (connection instanceof JarURLConnection jarConnection) {
			jarConnection.setUseCaches(false);
			String prefix = (jarConnection.getEntryName() != null) ? jarConnection.getEntryName() : "";
			Map<String, Resource> files = new TreeMap<>();
			try (JarFile jar = jarConnection.getJarFile()) {
				for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
					JarEntry jarEntry = entries.nextElement();
					String name = jarEntry.getName();
					if (jarEntry.isDirectory() || !name.startsWith(prefix)) {
						continue;
					}
					String relative = name.substring(prefix.length());
					if (!isPlainRelativePath(relative)) {
						throw new PythonExtractionException("The jar " + jarConnection.getJarFileURL() + " holds the "
								+ "entry '" + name + "' under " + entry + " (" + key + "): a name with '..', '.', "
								+ "empty segments, a backslash or a leading '/' could be written outside the copy, so "
								+ "it is refused. Rename or remove that entry, or take the jar off the class path.",
								null);
					}
					if (!relative.contains("__pycache__/") && !relative.endsWith(".pyc")) {
						// Read now: the jar is closed once listed.
						try (InputStream in = jar.getInputStream(jarEntry)) {
							files.put(relative, new ByteArrayResource(in.readAllBytes(), rootUrl + relative));
						}
					}
				}
			}
			return files;
		}
		Map<String, Resource> files = new TreeMap<>();
		for (Resource resource : this.resolver.getResources(rootUrl + "**")) {
			String url = resource.getURL().toString();
			if (url.endsWith("/") || !url.startsWith(rootUrl)) {
				continue;
			}
			String relative = url.substring(rootUrl.length());
			if (!relative.contains("__pycache__/") && !relative.endsWith(".pyc")) {
				files.put(relative, resource);
			}
		}
		return files;
	}

	static boolean isPlainRelativePath(String relative) {
		if (relative.isEmpty() || relative.startsWith("/") || relative.indexOf('\\') >= 0
				|| relative.indexOf('\0') >= 0) {
			return false;
		}
		for (String segment : relative.split("/", -1)) {
			if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
				return false;
			}
		}
		return true;
	}

	private static String hash(Map<String, Resource> files) throws IOException {
		MessageDigest digest = sha256();
		byte[] buffer = new byte[8192];
		for (Map.Entry<String, Resource> file : files.entrySet()) {
			digest.update(file.getKey().getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			long length = 0;
			try (InputStream in = new DigestInputStream(file.getValue().getInputStream(), digest)) {
				for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
					length += read;
				}
			}
			// The length ends each file so that no two different trees hash alike.
			digest.update(Long.toString(length).getBytes(StandardCharsets.US_ASCII));
			digest.update((byte) 0);
		}
		return HexFormat.of().formatHex(digest.digest(), 0, 16);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	}

	private static void deleteQuietly(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(directory)) {
			walk.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// best effort: a leftover temporary directory is harmless
		}
	}

}
