package dev.embedpython.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.function.Predicate;
import java.util.zip.CRC32;

import dev.embedpython.PrivateTree;
import dev.embedpython.PythonCacheSecurityException;
import dev.embedpython.PythonExtractionException;
import dev.embedpython.PythonNotFoundException;
import dev.embedpython.support.Threads;
import org.jspecify.annotations.Nullable;

/**
 * Extracts the bundled CPython ({@code org.bytedeco:cpython:<version>:linux-x86_64}) from its jar into a private
 * cache directory, once, and verifies it at every start.
 * <p>
 * Layout of the cache directory (every directory {@code 0700}, every file {@code 0600}, libraries {@code 0700}):
 * <pre>
 * cpython-&lt;version&gt;.lock      extraction lock, names the process holding it
 * cpython-&lt;version&gt;.r1/       a runtime tree: the files, .embedpython-manifest, .embedpython-complete,
 *                             .embedpython-in-use (share-locked by every JVM running from the tree)
 * cpython-&lt;version&gt;.r2/       a repaired copy, when r1 was found damaged
 * </pre>
 * A tree is written to a staging directory and renamed into place, so a tree either is complete or does not exist;
 * the newest valid tree is used. A tree is never changed after it is in place: a damaged one is replaced by a new
 * generation, and an old one is deleted only when no JVM holds its in-use lock. Selecting a tree, extracting one and
 * deleting old ones all happen under the extraction lock.
 * <p>
 * Every start checks, without following links, that the cache directory and every entry of the tree are owned by
 * this user (or root), are not writable by group or others and are no symbolic links
 * ({@link PrivateTree}), that the marker holds the manifest's hash, and each file's size and modification time
 * against the manifest. Files that are not in the manifest are reported; {@code .pth} files and
 * {@code sitecustomize}/{@code usercustomize} modules that are not are refused, since Python runs them at start.
 * <p>
 * A cache directory on a read-only file system (a container image) is only verified: nothing is written, and no
 * lock is taken but the in-use lock. {@link #main} extracts at image build time, with the Python packages from
 * jars on the same class path ({@link JarPackages}).
 * <p>
 * Thread contract: thread-safe; concurrent callers in one JVM are serialized.
 */
public final class BundledPython {

	/** The jar's resource root. */
	static final String ROOT = "org/bytedeco/cpython/linux-x86_64/";

	private static final String POM_PROPERTIES = "META-INF/maven/org.bytedeco/cpython/pom.properties";

	static final String MANIFEST = ".embedpython-manifest";

	static final String MARKER = ".embedpython-complete";

	static final String IN_USE = ".embedpython-in-use";

	// v4: bin/python3.X is part of the tree; a v3 tree is replaced by a new generation.
	static final String FORMAT = "embedpython-extraction-v4";

	/** How long to wait for another process's extraction by default. */
	static final Duration LOCK_TIMEOUT = Duration.ofMinutes(2);

	private static final Duration LOCK_LOG_INTERVAL = Duration.ofSeconds(10);

	private static final Set<String> EXCLUDED_STDLIB_DIRS = Set.of("test", "idlelib", "tkinter", "ensurepip",
			"turtledemo", "__phello__");

	private static final Set<PosixFilePermission> LIBRARY_PERMISSIONS = PosixFilePermissions.fromString("rwx------");

	/** Files Python runs at start when it finds them, wherever they come from. */
	private static final Pattern STARTUP_HOOK = Pattern
		.compile("(.*/)?([^/]+\\.pth|(__pycache__/)?(sitecustomize|usercustomize)((\\.[^/]*)?\\.(py|pyc|so)|/.*))");

	private static final int REPORTED_FILES = 10;

	/** The interpreter program, extracted with its exec bit for {@code sys.executable}. */
	static final Pattern EXECUTABLE = Pattern.compile("bin/python3\\.[0-9]+");

	private static final Logger logger = System.getLogger(BundledPython.class.getName());

	private static final Object LOCK = new Object();

	/** In-use locks this JVM holds, by tree; held for the life of the JVM, which keeps libpython mapped. */
	private static final Map<Path, FileChannel> held = new ConcurrentHashMap<>();

	private BundledPython() {
	}

	/**
	 * The result of {@link #extract(Path, ClassLoader)}.
	 *
	 * @param directory the runtime tree
	 * @param version the bundled artifact's version, e.g. {@code 3.14.3-1.5.13}
	 * @param extracted whether files were written (false: a valid extraction was reused)
	 * @param readOnly whether the cache directory is read-only (verified only)
	 * @param nanos time spent, verification included
	 */
	public record Extraction(Path directory, String version, boolean extracted, boolean readOnly, long nanos) {
	}

	/**
	 * Extract the bundled runtime ahead of time, e.g. when a container image is built, so that the application can
	 * run with a read-only cache directory. Run it as the user that runs the application:
	 * {@code java -cp <embedpython-core.jar>:<cpython-...-linux-x86_64.jar> dev.embedpython.runtime.BundledPython
	 * <cache-dir>}. Prints the runtime tree; exits with 1 (and the reason) if it fails, 2 for wrong arguments.
	 * @param args the cache directory
	 */
	public static void main(String[] args) {
		int status = run(args, System.out, System.err);
		if (status != 0) {
			System.exit(status);
		}
	}

	static int run(String[] args, PrintStream out, PrintStream err) {
		if (args.length != 1 || args[0].isBlank() || args[0].startsWith("-")) {
			err.println("Usage: java -cp <embedpython-core jar>:<org.bytedeco cpython linux-x86_64 jar> "
					+ BundledPython.class.getName() + " <cache-dir>");
			return 2;
		}
		try {
			ClassLoader loader = Thread.currentThread().getContextClassLoader();
			ClassLoader classLoader = (loader != null) ? loader : BundledPython.class.getClassLoader();
			Extraction extraction = extract(Path.of(args[0]), classLoader);
			// Python packages from jars on the same class path are extracted too (not loaded).
			List<JarPackages.Found> found = JarPackages.find(classLoader);
			if (!found.isEmpty()) {
				String[] parts = extraction.version().split("[.-]");
				JarPackages.extractAll(Path.of(args[0]), found,
						Integer.parseInt(parts[0]) * 100 + Integer.parseInt(parts[1]));
			}
			out.println(extraction.directory());
			return 0;
		}
		catch (RuntimeException ex) {
			err.println(ex.getMessage());
			return 1;
		}
	}

	/**
	 * Make sure a valid extraction exists and return it.
	 * @param cacheDir the cache root
	 * @param classLoader where to find the runtime jar
	 * @return the extraction
	 * @throws PythonNotFoundException if the bundled runtime is not on the class path
	 * @throws PythonCacheSecurityException if the cache directory or the tree is not private
	 * @throws PythonExtractionException if the cache cannot be written, or is read-only without a valid tree
	 */
	public static Extraction extract(Path cacheDir, ClassLoader classLoader) {
		return extract(cacheDir, classLoader, LOCK_TIMEOUT);
	}

	static Extraction extract(Path cacheDir, ClassLoader classLoader, Duration lockTimeout) {
		long start = System.nanoTime();
		URL pom = classLoader.getResource(POM_PROPERTIES);
		URL probe = classLoader.getResource(ROOT);
		if (pom == null || probe == null) {
			throw new PythonNotFoundException("The bundled CPython runtime (org.bytedeco:cpython, classifier "
					+ "linux-x86_64) is not on the class path: add embedpython-spring-boot-starter or that artifact, "
					+ "or configure the home of an installed CPython 3.13+", null);
		}
		String version = readVersion(pom);
		URL jar;
		try {
			jar = new URL(pom.toString().replace(POM_PROPERTIES, ""));
		}
		catch (java.net.MalformedURLException ex) {
			throw new PythonExtractionException("Cannot read " + pom + ": " + ex.getMessage(), ex);
		}
		Artifact artifact = new Artifact("cpython", version, jar, ROOT, BundledPython::isNeeded,
				(relative) -> EXECUTABLE.matcher(relative).matches());
		return extract(cacheDir, artifact, lockTimeout, start);
	}

	/**
	 * What to extract from one jar: the entries under {@code resourceRoot} that {@code needed} accepts.
	 *
	 * @param name the artifact's name, e.g. {@code cpython}
	 * @param version its version
	 * @param jar the jar's base URL ({@code jar:...!/})
	 * @param resourceRoot the directory in the jar that becomes the tree
	 * @param needed which paths (relative to the resource root) to extract
	 * @param executable which paths get the exec bit (libraries always do)
	 */
	record Artifact(String name, String version, URL jar, String resourceRoot, Predicate<String> needed,
			Predicate<String> executable) {

		String prefix() {
			return this.name + "-" + this.version + ".";
		}

		String describe() {
			return ("cpython".equals(this.name) ? "the bundled CPython " : this.name + " ") + this.version;
		}

	}

	/**
	 * Make sure a valid extraction of an artifact exists under the cache root, with the same lock, checks and
	 * layout as the runtime's.
	 */
	static Extraction extract(Path cacheDir, Artifact artifact, Duration lockTimeout, long start) {
		String version = artifact.version();
		String prefix = artifact.prefix();
		Path root = cacheDir.toAbsolutePath().normalize();
		synchronized (LOCK) {
			try {
				if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
					PrivateTree.createDirectories(root);
				}
				PrivateTree.check(root, "Cache directory",
						"Make it private (chown " + PrivateTree.currentUid() + " '" + root + "' && chmod 700 '" + root
								+ "'), or configure a cache directory that only this user can write.");
				// access(W_OK): false on a read-only mount (EROFS) even for root, and for a directory this user cannot write.
				if (!Files.isWritable(root)) {
					return verifyReadOnly(root, artifact, start);
				}
				Path lockFile = root.resolve(prefix + "lock");
				try (FileChannel channel = openLock(lockFile)) {
					FileLock lock = acquire(channel, lockFile, root, lockTimeout);
					try {
						recordHolder(channel);
						removeStaging(root, prefix);
						Path tree = newestValid(root, prefix);
						boolean extracted = (tree == null);
						if (tree == null) {
							tree = extractInto(artifact, root);
						}
						hold(tree);
						removeUnused(root, prefix, tree);
						return new Extraction(tree, version, extracted, false, System.nanoTime() - start);
					}
					finally {
						lock.release();
					}
				}
			}
			catch (IOException ex) {
				throw new PythonExtractionException("Cannot extract " + artifact.describe() + " into '" + root
						+ "': " + ex + "; make sure the cache directory is writable and has "
						+ ("cpython".equals(artifact.name()) ? "~60 MB" : "room for it") + " free, "
						+ "or configure another cache directory", ex);
			}
		}
	}

	private static Extraction verifyReadOnly(Path root, Artifact artifact, long start) throws IOException {
		Path tree = newestValid(root, artifact.prefix());
		if (tree == null) {
			throw new PythonExtractionException("The cache directory '" + root + "' is read-only and holds no valid "
					+ "extraction of " + artifact.describe() + " (a directory " + artifact.prefix()
					+ "r<n>): extract it when the image is built, as the user that runs the application: java -cp "
					+ "<embedpython-core jar>:<cpython-linux-x86_64 jar>[:<package jars>] "
					+ BundledPython.class.getName() + " '" + root + "'; or configure a writable cache directory",
					null);
		}
		hold(tree);
		return new Extraction(tree, artifact.version(), false, true, System.nanoTime() - start);
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

	// --- the extraction lock ---------------------------------------------------------------------------------

	private static FileChannel openLock(Path lockFile) throws IOException {
		FileChannel channel;
		try {
			// O_NOFOLLOW: a link planted in place of the lock file is refused, never followed.
			channel = FileChannel.open(lockFile,
					Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ,
							LinkOption.NOFOLLOW_LINKS),
					PosixFilePermissions.asFileAttribute(PrivateTree.FILE));
		}
		catch (IOException ex) {
			if (Files.isSymbolicLink(lockFile)) {
				throw new PythonCacheSecurityException("Lock file '" + lockFile + "' is a symbolic link (to '"
						+ Files.readSymbolicLink(lockFile) + "'), which is never followed. Delete the link.", lockFile);
			}
			throw ex;
		}
		try {
			PrivateTree.check(lockFile, "Lock file", "Delete it; it is created again.");
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
		return channel;
	}

	/**
	 * Lock the channel, waiting for another process's extraction at most {@code timeout}, logging while waiting.
	 */
	private static FileLock acquire(FileChannel channel, Path lockFile, Path root, Duration timeout)
			throws IOException {
		FileLock lock = channel.tryLock();
		if (lock != null) {
			return lock;
		}
		// FileChannel.lock() blocks without a timeout: wait for it on a helper thread, for a bounded time; closing
		// the channel ends the wait.
		CompletableFuture<FileLock> future = new CompletableFuture<>();
		Threads.start("embedpython-extraction-lock", () -> {
			try {
				future.complete(channel.lock());
			}
			catch (Throwable ex) {
				future.completeExceptionally(ex);
			}
		});
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean interrupted = false;
		try {
			while (true) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					channel.close();
					throw new PythonExtractionException("Gave up after " + timeout.toSeconds() + " s waiting for "
							+ "another process to extract CPython into '" + root + "': the lock file '" + lockFile
							+ "' is held by " + holder(lockFile) + ". If that process is hung, stop it (fuser -v '"
							+ lockFile + "' lists it) and start again; or configure another cache directory", null);
				}
				logger.log(Level.INFO, () -> "Waiting for another process to extract CPython into '" + root
						+ "' (lock file '" + lockFile + "' held by " + holder(lockFile) + "); giving up in "
						+ TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()) + " s");
				try {
					return future.get(Math.min(left, LOCK_LOG_INTERVAL.toNanos()), TimeUnit.NANOSECONDS);
				}
				catch (TimeoutException ex) {
					// log again, or give up
				}
				catch (InterruptedException ex) {
					interrupted = true;
					channel.close();
					throw new PythonExtractionException("Interrupted while waiting for the lock file '" + lockFile
							+ "'", ex);
				}
				catch (ExecutionException ex) {
					throw (ex.getCause() instanceof IOException io) ? io : new IOException(ex.getCause());
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static void recordHolder(FileChannel channel) throws IOException {
		byte[] text = ("pid " + ProcessHandle.current().pid() + " since " + Instant.now() + "\n")
			.getBytes(StandardCharsets.US_ASCII);
		channel.truncate(0);
		channel.write(ByteBuffer.wrap(text), 0);
	}

	private static String holder(Path lockFile) {
		try {
			String text = Files.readString(lockFile, StandardCharsets.US_ASCII).strip();
			return text.isEmpty() ? "another process" : ((text.length() > 100) ? text.substring(0, 100) : text);
		}
		catch (IOException | RuntimeException ex) {
			return "another process";
		}
	}

	// --- trees ------------------------------------------------------------------------------------------------

	/** The trees of this version, newest first. */
	private static List<Path> trees(Path root, String prefix) throws IOException {
		Pattern name = Pattern.compile(Pattern.quote(prefix) + "r([0-9]{1,9})");
		Map<Path, Integer> generations = new HashMap<>();
		try (Stream<Path> list = Files.list(root)) {
			list.forEach((path) -> {
				Matcher m = name.matcher(path.getFileName().toString());
				if (m.matches()) {
					generations.put(path, Integer.parseInt(m.group(1)));
				}
			});
		}
		List<Path> trees = new ArrayList<>(generations.keySet());
		trees.sort(Comparator.comparing(generations::get, Comparator.reverseOrder()));
		return trees;
	}

	private static @Nullable Path newestValid(Path root, String prefix) throws IOException {
		for (Path tree : trees(root, prefix)) {
			String damage = verify(tree);
			if (damage == null) {
				return tree;
			}
			logger.log(Level.WARNING, () -> "The runtime tree '" + tree + "' is damaged (" + damage
					+ "); it is left to the JVMs that may run from it, and a valid one is used or extracted");
		}
		return null;
	}

	/**
	 * Verify a tree.
	 * @param tree the tree
	 * @return {@code null} if it is complete and unmodified, else what is wrong
	 * @throws PythonCacheSecurityException if it is not private, or holds a startup hook that is not in the
	 * manifest
	 */
	static @Nullable String verify(Path tree) throws IOException {
		String fix = "Delete the runtime tree '" + tree + "' (rm -rf) once no JVM runs from it, so that a fresh "
				+ "copy is extracted, or configure another cache directory.";
		List<PrivateTree.File> files = PrivateTree.walk(tree, "Runtime file", fix);
		Map<String, PrivateTree.File> found = new HashMap<>();
		for (PrivateTree.File file : files) {
			found.put(file.relative(), file);
		}
		if (!found.containsKey(MANIFEST) || !found.containsKey(MARKER)) {
			return "no " + (found.containsKey(MANIFEST) ? MARKER : MANIFEST);
		}
		byte[] manifestBytes = Files.readAllBytes(tree.resolve(MANIFEST));
		String marker = Files.readString(tree.resolve(MARKER), StandardCharsets.UTF_8).trim();
		if (!(FORMAT + " " + sha256(manifestBytes)).equals(marker)) {
			if (!marker.startsWith(FORMAT + " ") && marker.startsWith("embedpython-extraction-")) {
				return "written by an earlier embedpython in the format " + marker.split(" ", 2)[0] + ", not "
						+ FORMAT;
			}
			return MARKER + " does not match " + MANIFEST;
		}
		found.remove(MANIFEST);
		found.remove(MARKER);
		found.remove(IN_USE);
		for (String line : new String(manifestBytes, StandardCharsets.UTF_8).split("\n")) {
			if (line.isEmpty()) {
				continue;
			}
			// "crc32 size mtime path": a changed size or modification time marks a file as changed (reading every
			// file's content again would cost ~0.5 s per start for ~3,000 files).
			String[] parts = line.split(" ", 4);
			if (parts.length != 4) {
				return MANIFEST + " is malformed";
			}
			PrivateTree.File file = found.remove(parts[3]);
			if (file == null) {
				return parts[3] + " is missing";
			}
			if (file.size() != Long.parseLong(parts[1]) || file.modified() != Long.parseLong(parts[2])) {
				return parts[3] + " was changed";
			}
		}
		TreeSet<String> unlisted = new TreeSet<>();
		for (String relative : found.keySet()) {
			if (STARTUP_HOOK.matcher(relative).matches()) {
				throw new PythonCacheSecurityException("Runtime file '" + tree.resolve(relative) + "' is not part of "
						+ "the bundled runtime, and Python would run it at start. Delete it (and find out who put it "
						+ "there), or configure another cache directory.", tree.resolve(relative));
			}
			// Python writes bytecode caches next to the modules it imports.
			if (!(relative.contains("/__pycache__/") && relative.endsWith(".pyc"))) {
				unlisted.add(relative);
			}
		}
		if (!unlisted.isEmpty()) {
			logger.log(Level.WARNING, () -> unlisted.size() + " file(s) in '" + tree + "' are not part of the "
					+ "bundled runtime: " + String.join(", ", unlisted.stream().limit(REPORTED_FILES).toList())
					+ ((unlisted.size() > REPORTED_FILES) ? ", ..." : ""));
		}
		return null;
	}

	/** Take a shared in-use lock on a tree for the life of this JVM. */
	private static void hold(Path tree) {
		held.computeIfAbsent(tree, (key) -> {
			try {
				FileChannel channel = FileChannel.open(key.resolve(IN_USE), StandardOpenOption.READ,
						LinkOption.NOFOLLOW_LINKS);
				try {
					if (channel.tryLock(0, Long.MAX_VALUE, true) == null) {
						logger.log(Level.WARNING, "Could not share-lock '" + key.resolve(IN_USE) + "'");
					}
				}
				catch (OverlappingFileLockException ex) {
					// this JVM holds the same file under another path (a bind mount of the tree)
				}
				return channel;
			}
			catch (IOException ex) {
				// Only a writable cache is ever cleaned up, and there the lock works; keep going without it.
				logger.log(Level.DEBUG, () -> "Cannot share-lock '" + key.resolve(IN_USE) + "': " + ex);
				return null;
			}
		});
	}

	/** Delete the trees of this version that no JVM holds, never the one in use here. */
	private static void removeUnused(Path root, String prefix, Path keep) throws IOException {
		for (Path tree : trees(root, prefix)) {
			if (tree.equals(keep) || held.containsKey(tree)) {
				continue;
			}
			Path inUse = tree.resolve(IN_USE);
			if (!Files.isRegularFile(inUse, LinkOption.NOFOLLOW_LINKS)) {
				continue;
			}
			try (FileChannel channel = FileChannel.open(inUse, StandardOpenOption.READ, StandardOpenOption.WRITE,
					LinkOption.NOFOLLOW_LINKS); FileLock lock = channel.tryLock()) {
				if (lock != null) {
					PrivateTree.delete(tree);
					logger.log(Level.INFO, () -> "Deleted the unused runtime tree '" + tree + "'");
				}
			}
			catch (IOException ex) {
				logger.log(Level.WARNING, () -> "Could not delete the unused runtime tree '" + tree + "': " + ex);
			}
		}
	}

	private static void removeStaging(Path root, String prefix) throws IOException {
		// Staging directories are written under the extraction lock, which this process holds: any is left over.
		try (Stream<Path> list = Files.list(root)) {
			for (Path staging : (Iterable<Path>) list
				.filter((p) -> p.getFileName().toString().startsWith(prefix + "staging-"))::iterator) {
				PrivateTree.delete(staging);
			}
		}
	}

	private static Path extractInto(Artifact artifact, Path root) throws IOException {
		String prefix = artifact.prefix();
		int generation = 1;
		for (Path tree : trees(root, prefix)) {
			generation = Math.max(generation, Integer.parseInt(tree.getFileName().toString()
				.substring(prefix.length() + 1)) + 1);
		}
		Path target = root.resolve(prefix + "r" + generation);
		Path staging = Files.createTempDirectory(root, prefix + "staging-",
				PosixFilePermissions.asFileAttribute(PrivateTree.DIRECTORY));
		boolean moved = false;
		try {
			writeTree(artifact, staging);
			// The rename is the switch: a tree is complete, or not there.
			Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
			moved = true;
			return target;
		}
		finally {
			if (!moved) {
				try {
					PrivateTree.delete(staging);
				}
				catch (IOException ex) {
					logger.log(Level.WARNING, () -> "Could not delete the staging directory '" + staging + "': " + ex);
				}
			}
		}
	}

	private static void writeTree(Artifact artifact, Path staging) throws IOException {
		String resourceRoot = artifact.resourceRoot();
		StringBuilder manifest = new StringBuilder();
		URLConnection connection = artifact.jar().openConnection();
		if (!(connection instanceof JarURLConnection jarConnection)) {
			throw new IOException(artifact.describe() + " is not in a jar: " + artifact.jar());
		}
		jarConnection.setUseCaches(false);
		byte[] buffer = new byte[1 << 16];
		Set<Path> packages = new TreeSet<>();
		try (JarFile jar = jarConnection.getJarFile()) {
			List<JarEntry> entries = new ArrayList<>();
			for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
				JarEntry entry = e.nextElement();
				if (!entry.isDirectory() && entry.getName().startsWith(resourceRoot)
						&& artifact.needed().test(entry.getName().substring(resourceRoot.length()))) {
					entries.add(entry);
				}
			}
			entries.sort(Comparator.comparing(JarEntry::getName));
			for (JarEntry entry : entries) {
				String relative = entry.getName().substring(resourceRoot.length());
				Path file = staging.resolve(relative).normalize();
				if (!file.startsWith(staging) || relative.contains("\\")) {
					throw new IOException("refusing entry outside the target: " + entry.getName());
				}
				PrivateTree.createDirectories(file.getParent());
				CRC32 crc = new CRC32();
				long size = 0;
				Files.createFile(file, PosixFilePermissions.asFileAttribute(
						(isLibrary(relative) || artifact.executable().test(relative)) ? LIBRARY_PERMISSIONS
								: PrivateTree.FILE));
				try (InputStream in = jar.getInputStream(entry);
						OutputStream out = Files.newOutputStream(file, LinkOption.NOFOLLOW_LINKS)) {
					for (int n; (n = in.read(buffer)) > 0;) {
						out.write(buffer, 0, n);
						crc.update(buffer, 0, n);
						size += n;
					}
				}
				if (relative.endsWith(".py")) {
					packages.add(file.getParent());
				}
				long modified = Files.getLastModifiedTime(file).toMillis();
				manifest.append(Long.toHexString(crc.getValue())).append(' ').append(size).append(' ')
					.append(modified).append(' ').append(relative).append('\n');
			}
		}
		// Python creates __pycache__ with mode 0777 less the umask (0775 under a umask of 002), which the next
		// start would refuse as group-writable: create them private beforehand.
		for (Path dir : packages) {
			PrivateTree.createDirectories(dir.resolve("__pycache__"));
		}
		byte[] manifestBytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
		PrivateTree.writeNew(staging.resolve(MANIFEST), manifestBytes);
		PrivateTree.writeNew(staging.resolve(IN_USE), new byte[0]);
		PrivateTree.writeNew(staging.resolve(MARKER),
				(FORMAT + " " + sha256(manifestBytes) + "\n").getBytes(StandardCharsets.UTF_8));
	}

	static boolean isNeeded(String relative) {
		if (EXECUTABLE.matcher(relative).matches()) {
			return true;
		}
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

	private static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
