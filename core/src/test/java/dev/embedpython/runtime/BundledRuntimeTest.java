package dev.embedpython.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Extraction of the bundled runtime: once, private, verified, repaired when damaged.
 */
class BundledRuntimeTest {

	private final ClassLoader loader = getClass().getClassLoader();

	@Test
	void extractsOnceThenReuses(@TempDir Path cache) throws Exception {
		BundledRuntime.Extraction first = BundledRuntime.extract(cache, this.loader);
		assertThat(first.extracted()).isTrue();
		assertThat(first.directory()).isEqualTo(cache.resolve("cpython-" + first.version()));
		assertThat(first.version()).startsWith("3.14.");
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
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("lib/python3.14/os.py"))))
			.isEqualTo("rw-------");
		BundledRuntime.Extraction second = BundledRuntime.extract(cache, this.loader);
		assertThat(second.extracted()).isFalse();
		assertThat(second.directory()).isEqualTo(home);
	}

	@Test
	void deletedStdlibFileIsRepaired(@TempDir Path cache) throws Exception {
		Path home = BundledRuntime.extract(cache, this.loader).directory();
		Path json = home.resolve("lib/python3.14/json/__init__.py");
		Files.delete(json);
		BundledRuntime.Extraction repaired = BundledRuntime.extract(cache, this.loader);
		assertThat(repaired.extracted()).isTrue();
		assertThat(json).isRegularFile();
	}

	@Test
	void editedMarkerIsRepaired(@TempDir Path cache) throws Exception {
		Path home = BundledRuntime.extract(cache, this.loader).directory();
		Files.writeString(home.resolve(BundledRuntime.MARKER), "forged\n");
		assertThat(BundledRuntime.extract(cache, this.loader).extracted()).isTrue();
		assertThat(BundledRuntime.isValid(home)).isTrue();
	}

	@Test
	void tamperedFileIsRepaired(@TempDir Path cache) throws Exception {
		Path home = BundledRuntime.extract(cache, this.loader).directory();
		Path os = home.resolve("lib/python3.14/os.py");
		String original = Files.readString(os);
		Files.writeString(os, original.replace("import abc", "import abc  # tampered"));
		assertThat(BundledRuntime.isValid(home)).isFalse();
		assertThat(BundledRuntime.extract(cache, this.loader).extracted()).isTrue();
		assertThat(Files.readString(os)).isEqualTo(original);
	}

	@Test
	void partialExtractionWithoutMarkerIsRedone(@TempDir Path cache) throws Exception {
		Path home = BundledRuntime.extract(cache, this.loader).directory();
		Files.delete(home.resolve(BundledRuntime.MARKER));
		assertThat(BundledRuntime.extract(cache, this.loader).extracted()).isTrue();
	}

	@Test
	void concurrentExtractionsProduceOneValidTree(@TempDir Path cache) throws Exception {
		// Both threads are released together, so the second start overlaps the first extraction (~0.5 s).
		CyclicBarrier together = new CyclicBarrier(2);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Callable<BundledRuntime.Extraction> extract = () -> {
				together.await(30, TimeUnit.SECONDS);
				return BundledRuntime.extract(cache, this.loader);
			};
			Future<BundledRuntime.Extraction> a = executor.submit(extract);
			Future<BundledRuntime.Extraction> b = executor.submit(extract);
			BundledRuntime.Extraction first = a.get(2, TimeUnit.MINUTES);
			BundledRuntime.Extraction second = b.get(2, TimeUnit.MINUTES);
			assertThat(first.directory()).isEqualTo(second.directory());
			assertThat(first.extracted() ^ second.extracted()).as("exactly one of the two extracted").isTrue();
			assertThat(BundledRuntime.isValid(first.directory())).isTrue();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void neededEntries() {
		assertThat(BundledRuntime.isNeeded("libpython3.14.so.1.0")).isTrue();
		assertThat(BundledRuntime.isNeeded("libffi.so.8")).isTrue();
		assertThat(BundledRuntime.isNeeded("libjnipython.so")).isFalse();
		assertThat(BundledRuntime.isNeeded("lib/python3.14/json/__init__.py")).isTrue();
		assertThat(BundledRuntime.isNeeded("lib/python3.14/test/test_os.py")).isFalse();
		assertThat(BundledRuntime.isNeeded("include/python3.14/Python.h")).isFalse();
		assertThat(BundledRuntime.isNeeded("bin/python3.14")).isFalse();
	}

}
