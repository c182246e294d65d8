package dev.embedpython.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.embedpython.PythonExtractionException;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternUtils;
import org.springframework.util.ResourceUtils;

/**
 * Turns {@code python.path} entries into directories CPython can import from.
 * <p>
 * A file system path (optionally {@code file:}) is used as it is. A {@code classpath:} location resolves to its
 * first classpath root, a {@code classpath*:} location to every root. A root that is a directory on disk (an
 * exploded build, {@code spring-boot:run}, an IDE) is used in place, so edits are seen on restart; a root inside a
 * jar (nested jars of an executable jar included) is copied to {@code <cache-dir>/classpath/<content hash>}, because
 * CPython cannot import from nested jars. The copy is keyed by a hash of the file names and contents, so it is
 * written once per content and shared by every process using the same cache directory; it is written to a
 * temporary directory first and moved into place atomically.
 * <p>
 * Thread contract: not thread-safe; used once, while the runtime bean is created.
 */
final class PythonPathResolver {

	private static final String CLASSPATH_ALL_URL_PREFIX = ResourcePatternResolver.CLASSPATH_ALL_URL_PREFIX;

	private final ResourcePatternResolver resolver;

	private final Path cacheDir;

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
			for (Resource root : this.resolver.getResources(location)) {
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

	private Path copyToCache(String key, String entry, Resource root) throws IOException {
		Map<String, Resource> files = list(root);
		Path target = this.cacheDir.resolve("classpath").resolve(hash(files));
		if (Files.isDirectory(target)) {
			return target;
		}
		Path temporary = null;
		try {
			Files.createDirectories(target.getParent());
			temporary = Files.createTempDirectory(target.getParent(), target.getFileName() + ".tmp-");
			for (Map.Entry<String, Resource> file : files.entrySet()) {
				Path destination = temporary.resolve(file.getKey()).normalize();
				if (!destination.startsWith(temporary)) {
					throw new IOException("entry '" + file.getKey() + "' points outside its directory");
				}
				Files.createDirectories(destination.getParent());
				try (InputStream in = file.getValue().getInputStream()) {
					Files.copy(in, destination);
				}
			}
			try {
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileAlreadyExistsException | DirectoryNotEmptyException ex) {
				// Another process wrote the same content first: use its copy.
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

	/**
	 * Every file under a classpath root, by path relative to the root, sorted.
	 */
	private Map<String, Resource> list(Resource root) throws IOException {
		String rootUrl = root.getURL().toString();
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
