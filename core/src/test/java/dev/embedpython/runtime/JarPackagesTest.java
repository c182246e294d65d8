package dev.embedpython.runtime;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Python packages in jars ({@code org.bytedeco:numpy} and {@code org.bytedeco:openblas}, test dependencies of this
 * module) are found on the class path and extracted like the runtime: private, verified, versioned.
 */
class JarPackagesTest {

	private final ClassLoader loader = JarPackagesTest.class.getClassLoader();

	@Test
	void findsNumpyAndTheLibrariesOfOpenblasButNotTheRuntime() {
		List<JarPackages.Found> found = JarPackages.find(this.loader);
		assertThat(found).extracting(JarPackages.Found::name).containsExactlyInAnyOrder("numpy", "openblas");
		JarPackages.Found numpy = found.stream().filter((f) -> f.name().equals("numpy")).findFirst().orElseThrow();
		assertThat(numpy.version()).isEqualTo("2.4.2-1.5.13");
		assertThat(numpy.python()).isTrue();
		assertThat(numpy.pythonVersions()).containsExactly(14);
		assertThat(numpy.libraries()).as("the JNI wrapper is not needed").isEmpty();
		JarPackages.Found openblas = found.stream().filter((f) -> f.name().equals("openblas")).findFirst()
			.orElseThrow();
		assertThat(openblas.python()).isFalse();
		assertThat(openblas.libraries()).containsExactlyInAnyOrder("libopenblas.so.0", "libgfortran.so.5",
				"libquadmath.so.0");
	}

	@Test
	void withoutPackageJarsNothingIsFound() throws Exception {
		URL cpython = this.loader.getResource("META-INF/maven/org.bytedeco/cpython/pom.properties");
		String jar = cpython.toString().substring("jar:".length(), cpython.toString().indexOf("!/"));
		try (URLClassLoader onlyRuntime = new URLClassLoader(new URL[] { new URL(jar) }, null)) {
			assertThat(JarPackages.find(onlyRuntime)).isEmpty();
		}
	}

	@Test
	void extractsPrivateVerifiedTreesWithoutTestsAndReusesThem(@TempDir Path cache) throws Exception {
		List<JarPackages.Found> found = JarPackages.find(this.loader);
		List<JarPackages.Installed> first = JarPackages.extractAll(cache, found, 314);
		assertThat(first).extracting(JarPackages.Installed::name).containsExactly("numpy", "openblas");
		assertThat(first).allSatisfy((one) -> assertThat(one.extracted()).isTrue());
		JarPackages.Installed numpy = first.get(0);
		assertThat(numpy.tree()).isEqualTo(cache.toAbsolutePath().resolve("numpy-2.4.2-1.5.13.r1"));
		assertThat(numpy.pythonPath().resolve("numpy/__init__.py")).isRegularFile();
		assertThat(numpy.pythonPath().resolve("numpy/_core/tests")).doesNotExist();
		assertThat(numpy.tree().resolve("libjninumpy.so")).doesNotExist();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(numpy.tree(),
				LinkOption.NOFOLLOW_LINKS))).isEqualTo("rwx------");
		assertThat(BundledPython.verify(numpy.tree())).isNull();
		JarPackages.Installed openblas = first.get(1);
		assertThat(openblas.pythonPath()).isNull();
		assertThat(openblas.libraries()).allSatisfy((library) -> assertThat(library).isRegularFile());
		assertThat(openblas.tree().resolve("libgcc_s.so.1")).as("the system's is used").doesNotExist();
		List<JarPackages.Installed> second = JarPackages.extractAll(cache, found, 314);
		assertThat(second).allSatisfy((one) -> assertThat(one.extracted()).isFalse());
		assertThat(second).extracting(JarPackages.Installed::tree)
			.containsExactlyElementsOf(first.stream().map(JarPackages.Installed::tree).toList());
	}

	@Test
	void packagesBuiltForAnotherPythonAreSkipped(@TempDir Path cache) throws Exception {
		assertThat(JarPackages.extractAll(cache, JarPackages.find(this.loader), 313)).isEmpty();
		try (var files = Files.list(cache)) {
			assertThat(files).isEmpty();
		}
	}

	@Test
	void neededEntries() {
		assertThat(JarPackages.isNeeded("python/numpy/__init__.py", List.of())).isTrue();
		assertThat(JarPackages.isNeeded("python/numpy/_core/tests/test_api.py", List.of())).isFalse();
		assertThat(JarPackages.isNeeded("bin/f2py", List.of())).isFalse();
		assertThat(JarPackages.isNeeded("libopenblas.so.0", List.of("libopenblas.so.0"))).isTrue();
		assertThat(JarPackages.isNeeded("libjniopenblas.so", List.of("libopenblas.so.0"))).isFalse();
	}

}
