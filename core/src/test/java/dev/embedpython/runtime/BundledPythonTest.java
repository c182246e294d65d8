package dev.embedpython.runtime;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

import dev.embedpython.PrivateTree;
import dev.embedpython.PythonCacheSecurityException;
import dev.embedpython.PythonExtractionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Extraction of the bundled runtime: once, private, verified, repaired into a new tree when damaged, refused when
 * someone else could have changed it; against real directories, links, owners, permissions, mounts and a second
 * JVM.
 */
class BundledPythonTest {

	private final ClassLoader loader = getClass().getClassLoader();

	@Test
	void extractsOnceThenReusesWithPrivateModes(@TempDir Path temp) throws Exception {
		Path cache = temp.resolve("new/cache");
		BundledPython.Extraction first = BundledPython.extract(cache, this.loader);
		assertThat(first.extracted()).isTrue();
		assertThat(first.readOnly()).isFalse();
		assertThat(first.version()).startsWith("3.14.");
		assertThat(first.directory()).isEqualTo(cache.toAbsolutePath().resolve("cpython-" + first.version() + ".r1"));
		Path home = first.directory();
		assertThat(home.resolve("lib/python3.14/os.py")).isRegularFile();
		assertThat(home.resolve("lib/python3.14/lib-dynload")).isDirectory();
		assertThat(home.resolve("libffi.so.8")).isRegularFile();
		assertThat(home.resolve("lib/python3.14/test")).doesNotExist();
		assertThat(home.resolve("lib/python3.14/idlelib")).doesNotExist();
		assertThat(home.resolve("lib/python3.14/tkinter")).doesNotExist();
		assertThat(home.resolve("lib/python3.14/ensurepip")).doesNotExist();
		assertThat(home.resolve("include")).doesNotExist();
		try (Stream<Path> libs = Files.list(home)) {
			assertThat(libs.map((p) -> p.getFileName().toString())).anyMatch((n) -> n.startsWith("libpython3.14.so"));
		}
		// Whoever creates them: the cache root and its parents, the tree, the lock, manifest and marker.
		assertThat(mode(temp.resolve("new"))).isEqualTo("rwx------");
		assertThat(mode(cache)).isEqualTo("rwx------");
		assertThat(mode(home)).isEqualTo("rwx------");
		assertThat(mode(home.resolve("lib/python3.14/json/__pycache__"))).isEqualTo("rwx------");
		assertThat(mode(home.resolve("lib/python3.14/os.py"))).isEqualTo("rw-------");
		assertThat(mode(home.resolve(BundledPython.MANIFEST))).isEqualTo("rw-------");
		assertThat(mode(home.resolve(BundledPython.MARKER))).isEqualTo("rw-------");
		assertThat(mode(home.resolve(BundledPython.IN_USE))).isEqualTo("rw-------");
		assertThat(mode(cache.resolve("cpython-" + first.version() + ".lock"))).isEqualTo("rw-------");
		BundledPython.Extraction second = BundledPython.extract(cache, this.loader);
		assertThat(second.extracted()).isFalse();
		assertThat(second.directory()).isEqualTo(home);
	}

	@Test
	void damagedTreeIsRepairedIntoANewTreeLeavingTheOldOneToItsUsers(@TempDir Path cache) throws Exception {
		Path home = BundledPython.extract(cache, this.loader).directory();
		Path json = home.resolve("lib/python3.14/json/__init__.py");
		Files.delete(json);
		BundledPython.Extraction repaired = BundledPython.extract(cache, this.loader);
		assertThat(repaired.extracted()).isTrue();
		assertThat(repaired.directory()).isNotEqualTo(home).hasFileName(home.getFileName().toString()
			.replace(".r1", ".r2"));
		assertThat(repaired.directory().resolve("lib/python3.14/json/__init__.py")).isRegularFile();
		// This JVM holds the first tree: it is neither rewritten nor deleted.
		assertThat(home.resolve("lib/python3.14/os.py")).isRegularFile();
		assertThat(BundledPython.extract(cache, this.loader).directory()).isEqualTo(repaired.directory());
	}

	@Test
	void editedMarkerOrMissingMarkerMeansANewTree(@TempDir Path cache) throws Exception {
		Path home = BundledPython.extract(cache, this.loader).directory();
		Files.writeString(home.resolve(BundledPython.MARKER), "forged\n");
		assertThat(BundledPython.verify(home)).contains(BundledPython.MARKER);
		Path second = BundledPython.extract(cache, this.loader).directory();
		assertThat(BundledPython.verify(second)).isNull();
		Files.delete(second.resolve(BundledPython.MARKER));
		assertThat(BundledPython.extract(cache, this.loader).extracted()).isTrue();
	}

	@Test
	void fileWithChangedContentIsDetected(@TempDir Path cache) throws Exception {
		Path home = BundledPython.extract(cache, this.loader).directory();
		Path os = home.resolve("lib/python3.14/os.py");
		String original = Files.readString(os);
		Files.writeString(os, original.replace("import abc", "import abc  # tampered"));
		assertThat(BundledPython.verify(home)).contains("os.py");
		BundledPython.Extraction repaired = BundledPython.extract(cache, this.loader);
		assertThat(repaired.extracted()).isTrue();
		assertThat(Files.readString(repaired.directory().resolve("lib/python3.14/os.py"))).isEqualTo(original);
	}

	@Test
	void concurrentExtractionsProduceOneValidTree(@TempDir Path cache) throws Exception {
		// Both threads are released together, so the second start overlaps the first extraction (~0.5 s).
		CyclicBarrier together = new CyclicBarrier(2);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Callable<BundledPython.Extraction> extract = () -> {
				together.await(30, TimeUnit.SECONDS);
				return BundledPython.extract(cache, this.loader);
			};
			Future<BundledPython.Extraction> a = executor.submit(extract);
			Future<BundledPython.Extraction> b = executor.submit(extract);
			BundledPython.Extraction first = a.get(2, TimeUnit.MINUTES);
			BundledPython.Extraction second = b.get(2, TimeUnit.MINUTES);
			assertThat(first.directory()).isEqualTo(second.directory());
			assertThat(first.extracted() ^ second.extracted()).as("exactly one of the two extracted").isTrue();
			assertThat(BundledPython.verify(first.directory())).isNull();
		}
		finally {
			executor.shutdownNow();
		}
	}

	// --- point 1: nobody else can plant code ------------------------------------------------------------------

	@Test
	void cacheDirectoryWritableByOthersIsRefused(@TempDir Path cache) throws Exception {
		BundledPython.extract(cache, this.loader);
		Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThatExceptionOfType(PythonCacheSecurityException.class)
			.isThrownBy(() -> BundledPython.extract(cache, this.loader))
			.withMessageContaining("Cache directory '" + cache.toAbsolutePath() + "'")
			.withMessageContaining("writable by group and others (rwxrwxrwx)")
			.withMessageContaining("chmod 700")
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo(cache.toAbsolutePath()));
	}

	@Test
	void cacheDirectoryOwnedByAnotherUserIsRefused(@TempDir Path temp) throws Exception {
		Path cache = Files.createDirectory(temp.resolve("cache"));
		UserPrincipal nobody = nobody();
		Files.setOwner(cache, nobody);
		assertThatExceptionOfType(PythonCacheSecurityException.class)
			.isThrownBy(() -> BundledPython.extract(cache, this.loader))
			.withMessageContaining("'" + cache + "' is owned by nobody, not by this process's user (root) or root");
	}

	@Test
	void cacheDirectoryThatIsALinkIsRefused(@TempDir Path temp) throws Exception {
		Path real = Files.createDirectory(temp.resolve("real"), PosixFilePermissions
			.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Path link = Files.createSymbolicLink(temp.resolve("link"), real);
		assertThatExceptionOfType(PythonCacheSecurityException.class)
			.isThrownBy(() -> BundledPython.extract(link, this.loader))
			.withMessageContaining("'" + link + "' is a symbolic link");
		try (Stream<Path> files = Files.list(real)) {
			assertThat(files).isEmpty();
		}
	}

	@Test
	void treeReplacedByALinkIsRefused(@TempDir Path temp) throws Exception {
		Path elsewhere = BundledPython.extract(temp.resolve("elsewhere"), this.loader).directory();
		Path cache = temp.resolve("cache");
		PrivateTree.createDirectories(cache);
		Path link = Files.createSymbolicLink(cache.resolve(elsewhere.getFileName()), elsewhere);
		assertThatExceptionOfType(PythonCacheSecurityException.class)
			.isThrownBy(() -> BundledPython.extract(cache, this.loader))
			.withMessageContaining("'" + link + "' is a symbolic link");
	}

	@Test
	void linkInsideTheTreeIsRefused(@TempDir Path cache) throws Exception {
		Path home = BundledPython.extract(cache, this.loader).directory();
		Path evil = Files.writeString(cache.resolve("evil.py"), "raise SystemExit('planted')\n");
		Path link = Files.createSymbolicLink(home.resolve("lib/python3.14/evil.py"), evil);
		assertThatExceptionOfType(PythonCacheSecurityException.class)
			.isThrownBy(() -> BundledPython.extract(cache, this.loader))
			.withMessageContaining("'" + link + "' is a symbolic link")
			.withMessageContaining("Delete the runtime tree '" + home + "'");
	}

	@Test
	void plantedModuleWithRegeneratedManifestIsRefusedByItsOwner(@TempDir Path cache) throws Exception {
		// The attack of the review: another user rewrites signal.py and regenerates manifest and marker.
		Path home = BundledPython.extract(cache, this.loader).directory();
		Path signal = home.resolve("lib/python3.14/signal.py");
		Files.writeString(signal, Files.readString(signal) + "\nimport os; os.system('id')\n");
		String manifest = Files.readString(home.resolve(BundledPython.MANIFEST));
		StringBuilder forged = new StringBuilder();
		for (String line : manifest.split("\n")) {
			String[] parts = line.split(" ", 4);
			if (parts[3].equals("lib/python3.14/signal.py")) {
				line = parts[0] + " " + Files.size(signal) + " " + Files.getLastModifiedTime(signal).toMillis() + " "
						+ parts[3];
			}
			forged.append(line).append('\n');
		}
		Files.writeString(home.resolve(BundledPython.MANIFEST), forged);
		Files.writeString(home.resolve(BundledPython.MARKER), BundledPython.FORMAT + " " + HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(forged.toString().getBytes(StandardCharsets.UTF_8)))
				+ "\n");
		assertThat(BundledPython.verify(home)).as("a forgery by this user passes: the check does not defend "
				+ "against the same user").isNull();
		Files.setOwner(signal, nobody());
		assertThatExceptionOfType(PythonCacheSecurityException.class)
			.isThrownBy(() -> BundledPython.extract(cache, this.loader))
			.withMessageContaining("'" + signal + "' is owned by nobody");
	}

	@Test
	void groupWritableFileInTheTreeIsRefused(@TempDir Path cache) throws Exception {
		Path home = BundledPython.extract(cache, this.loader).directory();
		Path dir = home.resolve("lib/python3.14/json");
		Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
		assertThatExceptionOfType(PythonCacheSecurityException.class)
			.isThrownBy(() -> BundledPython.extract(cache, this.loader))
			.withMessageContaining("'" + dir + "' is writable by its group (rwxrwx---)");
	}

	@Test
	void startupHooksOutsideTheManifestAreRefused(@TempDir Path cache) throws Exception {
		Path home = BundledPython.extract(cache, this.loader).directory();
		Path pth = home.resolve("lib/python3.14/site-packages/zz-evil.pth");
		Files.writeString(pth, "import os; os.system('id')\n");
		assertThatExceptionOfType(PythonCacheSecurityException.class)
			.isThrownBy(() -> BundledPython.extract(cache, this.loader))
			.withMessageContaining("'" + pth + "' is not part of the bundled runtime, and Python would run it at start");
		Files.delete(pth);
		Path sitecustomize = home.resolve("lib/python3.14/__pycache__/sitecustomize.cpython-314.pyc");
		Files.write(sitecustomize, new byte[16]);
		assertThatExceptionOfType(PythonCacheSecurityException.class)
			.isThrownBy(() -> BundledPython.extract(cache, this.loader))
			.withMessageContaining(sitecustomize.toString());
		Files.delete(sitecustomize);
		assertThat(BundledPython.extract(cache, this.loader).directory()).isEqualTo(home);
	}

	@Test
	void otherFilesOutsideTheManifestAreReported(@TempDir Path cache) throws Exception {
		Path home = BundledPython.extract(cache, this.loader).directory();
		Files.writeString(home.resolve("lib/python3.14/extra.py"), "x = 1\n");
		Files.write(home.resolve("lib/python3.14/json/__pycache__/decoder.cpython-314.pyc"), new byte[16]);
		List<String> warnings = captureWarnings(() -> {
			BundledPython.Extraction again = BundledPython.extract(cache, this.loader);
			assertThat(again.directory()).isEqualTo(home);
			assertThat(again.extracted()).isFalse();
		});
		assertThat(warnings).singleElement()
			.asString()
			.contains("1 file(s) in '" + home + "' are not part of the bundled runtime: lib/python3.14/extra.py");
	}

	// --- point 2: the lock ----------------------------------------------------------------------------------

	@Test
	void lockFileThatIsALinkIsNeverFollowed(@TempDir Path temp) throws Exception {
		Path cache = temp.resolve("cache");
		PrivateTree.createDirectories(cache);
		String version = version();
		Path victim = temp.resolve("victim");
		Files.writeString(victim, "precious\n");
		Path lockFile = Files.createSymbolicLink(cache.resolve("cpython-" + version + ".lock"), victim);
		assertThatExceptionOfType(PythonCacheSecurityException.class)
			.isThrownBy(() -> BundledPython.extract(cache, this.loader))
			.withMessageContaining("Lock file '" + lockFile + "' is a symbolic link");
		assertThat(victim).hasContent("precious");
	}

	@Test
	void waitingForAnotherProcessIsBoundedAndNamesTheLockFileAndItsHolder(@TempDir Path temp) throws Exception {
		Path cache = temp.resolve("cache");
		PrivateTree.createDirectories(cache);
		String version = version();
		Path lockFile = cache.resolve("cpython-" + version + ".lock");
		try (OtherProcess holder = OtherProcess.start(temp, "lock", lockFile.toString())) {
			assertThat(holder.readLine()).isEqualTo("locked");
			long start = System.nanoTime();
			List<String> logged = new ArrayList<>();
			assertThatExceptionOfType(PythonExtractionException.class)
				.isThrownBy(() -> capture(java.util.logging.Level.INFO, logged,
						() -> BundledPython.extract(cache, this.loader, Duration.ofMillis(500))))
				.withMessageContaining("Gave up after 0 s waiting for another process")
				.withMessageContaining("lock file '" + lockFile + "' is held by pid " + holder.pid());
			assertThat(logged).first()
				.asString()
				.startsWith("Waiting for another process to extract CPython into '" + cache.toAbsolutePath()
						+ "' (lock file '" + lockFile + "' held by pid " + holder.pid());
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
			assertThat(holder.finish()).isZero();
		}
		assertThat(BundledPython.extract(cache, this.loader, Duration.ofMillis(500)).extracted()).isTrue();
	}

	// --- point 3: a tree in use by another JVM ----------------------------------------------------------------

	@Test
	void treeInUseByAnotherJvmIsNeitherDeletedNorRewritten(@TempDir Path temp) throws Exception {
		Path cache = temp.resolve("cache");
		String treeName = "cpython-" + version() + ".r1";
		try (OtherProcess other = OtherProcess.start(temp, "runtime", cache.toString())) {
			assertThat(other.readLine()).isEqualTo("ready " + cache.toAbsolutePath().resolve(treeName));
			Path inUse = cache.toAbsolutePath().resolve(treeName);
			// Touched: this JVM sees a damaged tree and must extract a new one without disturbing the other JVM.
			Path json = inUse.resolve("lib/python3.14/json/decoder.py");
			Files.setLastModifiedTime(json, FileTime.fromMillis(Files.getLastModifiedTime(json).toMillis() - 60_000));
			BundledPython.Extraction here = BundledPython.extract(cache, this.loader);
			assertThat(here.extracted()).isTrue();
			assertThat(here.directory()).isNotEqualTo(inUse);
			assertThat(json).isRegularFile();
			other.send("import json");
			assertThat(other.readLine()).isEqualTo("ok");
			assertThat(other.finish()).as(other.errors()).isZero();
			// No JVM holds the damaged tree any more: the next start deletes it.
			assertThat(BundledPython.extract(cache, this.loader).directory()).isEqualTo(here.directory());
			assertThat(inUse).doesNotExist();
		}
	}

	// --- point 4: read-only images --------------------------------------------------------------------------

	@Test
	void preExtractedCacheRunsReadOnly(@TempDir Path temp) throws Exception {
		Path cache = temp.resolve("image/cache");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		assertThat(BundledPython.run(new String[] { cache.toString() }, new PrintStream(out, true),
				System.err)).isZero();
		Path tree = Path.of(out.toString(StandardCharsets.UTF_8).strip());
		assertThat(tree.getParent()).isEqualTo(cache.toAbsolutePath());
		Path readOnly = temp.resolve("mounted");
		try (ReadOnlyView view = ReadOnlyView.of(cache, readOnly)) {
			assertThat(Files.isWritable(view.path())).isFalse();
			BundledPython.Extraction extraction = BundledPython.extract(view.path(), this.loader);
			assertThat(extraction.readOnly()).isTrue();
			assertThat(extraction.extracted()).isFalse();
			assertThat(extraction.directory()).isEqualTo(view.path().toAbsolutePath().resolve(tree.getFileName()));
			try (OtherProcess other = OtherProcess.start(temp, "runtime", view.path().toString())) {
				assertThat(other.readLine()).isEqualTo("ready " + extraction.directory());
				other.send("import json");
				assertThat(other.readLine()).isEqualTo("ok");
				assertThat(other.finish()).as(other.errors()).isZero();
			}
		}
	}

	@Test
	void readOnlyCacheWithoutATreeSaysHowToExtractAtBuildTime(@TempDir Path temp) throws Exception {
		Path cache = Files.createDirectory(temp.resolve("cache"));
		try (ReadOnlyView view = ReadOnlyView.of(cache, temp.resolve("mounted"))) {
			assertThatExceptionOfType(PythonExtractionException.class)
				.isThrownBy(() -> BundledPython.extract(view.path(), this.loader))
				.withMessageContaining("is read-only and holds no valid extraction")
				.withMessageContaining("dev.embedpython.runtime.BundledPython '" + view.path().toAbsolutePath());
		}
	}

	@Test
	void mainWithoutACacheDirectoryPrintsUsage() {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		assertThat(BundledPython.run(new String[0], System.out, new PrintStream(err, true))).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Usage: java -cp");
	}

	// --- point 5: failed extraction -------------------------------------------------------------------------

	@Test
	void failedExtractionLeavesNoStagingDirectory(@TempDir Path temp) throws Exception {
		Path small = Files.createDirectory(temp.resolve("small"));
		assumeTrue(Mounts.run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", small.toString()),
				"needs root to mount a small tmpfs");
		try {
			assertThatExceptionOfType(PythonExtractionException.class)
				.isThrownBy(() -> BundledPython.extract(small, this.loader))
				.withMessageContaining("No space left on device")
				.withMessageContaining("~60 MB free");
			try (Stream<Path> left = Files.list(small)) {
				assertThat(left.map((p) -> p.getFileName().toString())).singleElement()
					.asString()
					.endsWith(".lock");
			}
		}
		finally {
			Mounts.run("umount", "-l", small.toString());
		}
	}

	@Test
	void neededEntries() {
		assertThat(BundledPython.isNeeded("libpython3.14.so.1.0")).isTrue();
		assertThat(BundledPython.isNeeded("libffi.so.8")).isTrue();
		assertThat(BundledPython.isNeeded("libjnipython.so")).isFalse();
		assertThat(BundledPython.isNeeded("lib/python3.14/json/__init__.py")).isTrue();
		assertThat(BundledPython.isNeeded("lib/python3.14/test/test_os.py")).isFalse();
		assertThat(BundledPython.isNeeded("include/python3.14/Python.h")).isFalse();
		assertThat(BundledPython.isNeeded("bin/python3.14")).isTrue();
		assertThat(BundledPython.isNeeded("bin/python3.14-config")).isFalse();
		assertThat(BundledPython.isNeeded("bin/pip3")).isFalse();
	}

	private String version() throws Exception {
		java.util.Properties pom = new java.util.Properties();
		try (java.io.InputStream in = this.loader
			.getResourceAsStream("META-INF/maven/org.bytedeco/cpython/pom.properties")) {
			pom.load(in);
		}
		return pom.getProperty("version");
	}

	private static String mode(Path path) throws Exception {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
	}

	private static UserPrincipal nobody() throws Exception {
		assumeTrue(PrivateTree.currentUid() == 0, "giving a file away to another user needs root");
		return java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
	}

	private static List<String> captureWarnings(Runnable action) {
		List<String> messages = new ArrayList<>();
		capture(java.util.logging.Level.WARNING, messages, action);
		return messages;
	}

	private static void capture(java.util.logging.Level level, List<String> messages, Runnable action) {
		java.util.logging.Logger logger = java.util.logging.Logger.getLogger(BundledPython.class.getName());
		Handler handler = new Handler() {
			@Override
			public void publish(LogRecord record) {
				if (record.getLevel().intValue() >= level.intValue()) {
					messages.add(record.getMessage());
				}
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}
		};
		logger.addHandler(handler);
		try {
			action.run();
		}
		finally {
			logger.removeHandler(handler);
		}
	}

}
