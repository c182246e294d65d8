package dev.embedpython;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.embedpython.runtime.HomeResolver;
import dev.embedpython.runtime.PythonHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An external home is checked before anything is loaded. (The second surefire run starts the real 3.13 home and
 * runs the value, exception and stdlib tests against it.)
 */
class ExternalHomeTest {

	@Test
	void emptyDirectoryNamesThePathsTried(@TempDir Path empty) {
		assertThatExceptionOfType(PythonNotFoundException.class)
			.isThrownBy(() -> PythonRuntime.start(RuntimeOptions.builder().home(empty).build()))
			.withMessageContaining(empty.toString())
			.withMessageContaining("lib/python3.*/os.py");
	}

	@Test
	void missingDirectory(@TempDir Path dir) {
		Path missing = dir.resolve("nope");
		assertThatExceptionOfType(PythonNotFoundException.class)
			.isThrownBy(() -> PythonRuntime.start(RuntimeOptions.builder().home(missing).build()))
			.withMessageContaining(missing.toString())
			.withMessageContaining("does not exist");
	}

	@Test
	void python311IsRefusedWithBothVersions(@TempDir Path home) throws Exception {
		Path stdlib = Files.createDirectories(home.resolve("lib/python3.11"));
		Files.writeString(stdlib.resolve("os.py"), "");
		Files.writeString(home.resolve("lib/libpython3.11.so.1.0"), "");
		PythonVersionException ex = org.assertj.core.api.Assertions.catchThrowableOfType(PythonVersionException.class,
				() -> PythonRuntime.start(RuntimeOptions.builder().home(home).build()));
		assertThat(ex.found()).isEqualTo("3.11");
		assertThat(ex.required()).isEqualTo("3.13+");
		assertThat(ex).hasMessageContaining("3.11").hasMessageContaining("3.13 or newer");
	}

	@Test
	void python312IsRefusedBecauseOwnGilInterpretersCrashThere(@TempDir Path home) throws Exception {
		Path stdlib = Files.createDirectories(home.resolve("lib/python3.12"));
		Files.writeString(stdlib.resolve("os.py"), "");
		Files.writeString(home.resolve("lib/libpython3.12.so.1.0"), "");
		PythonVersionException ex = org.assertj.core.api.Assertions.catchThrowableOfType(PythonVersionException.class,
				() -> PythonRuntime.start(RuntimeOptions.builder().home(home).build()));
		assertThat(ex.found()).isEqualTo("3.12");
		assertThat(ex.required()).isEqualTo("3.13+");
		assertThat(ex).hasMessageContaining("3.12").hasMessageContaining("3.13 or newer");
	}

	@Test
	void debianSystemPython311IsRefused() {
		Path usr = Path.of("/usr");
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(usr.resolve("lib/python3.11/os.py"))
				&& !Files.isDirectory(usr.resolve("lib/python3.13")) && !Files.isDirectory(usr.resolve("lib/python3.14")));
		assertThatExceptionOfType(PythonVersionException.class).isThrownBy(() -> HomeResolver.resolve(usr))
			.withMessageContaining("3.11");
	}

	@Test
	void staticOnlyBuildNamesTheLibrariesTried(@TempDir Path home) throws Exception {
		Path stdlib = Files.createDirectories(home.resolve("lib/python3.13"));
		Files.writeString(stdlib.resolve("os.py"), "");
		assertThatExceptionOfType(PythonNotFoundException.class).isThrownBy(() -> HomeResolver.resolve(home))
			.withMessageContaining("libpython3.13.so")
			.withMessageContaining("--enable-shared");
	}

	@Test
	void freeThreadedBuildIsRefused(@TempDir Path home) throws Exception {
		Path stdlib = Files.createDirectories(home.resolve("lib/python3.13t"));
		Files.writeString(stdlib.resolve("os.py"), "");
		assertThatExceptionOfType(PythonVersionException.class).isThrownBy(() -> HomeResolver.resolve(home))
			.withMessageContaining("free-threaded");
	}

	@Test
	void real313HomeResolves() {
		Path home = Path.of(System.getProperty("embedpython.test.home313"));
		PythonHome resolved = HomeResolver.resolve(home);
		assertThat(resolved.minorVersion()).isEqualTo("3.13");
		assertThat(resolved.library().getFileName().toString()).isEqualTo("libpython3.13.so.1.0");
		assertThat(resolved.libffi()).isNotNull();
		assertThat(resolved.bundled()).isFalse();
	}

	@Test
	void venvOnTopOf313AddsItsSitePackages(@TempDir Path venv) throws Exception {
		Path base = Path.of(System.getProperty("embedpython.test.home313"));
		Path sitePackages = Files.createDirectories(venv.resolve("lib/python3.13/site-packages"));
		Files.writeString(venv.resolve("pyvenv.cfg"),
				"home = " + base.resolve("bin") + "\ninclude-system-site-packages = false\nversion = 3.13.5\n");
		PythonHome resolved = HomeResolver.resolve(venv);
		assertThat(resolved.home()).isEqualTo(base.toAbsolutePath().normalize());
		assertThat(resolved.minorVersion()).isEqualTo("3.13");
		assertThat(resolved.sitePackages()).containsExactly(sitePackages);
		assertThat(resolved.configuredHome()).isEqualTo(venv);
	}

	@Test
	void executableIsTheVenvsOrTheHomesInterpreterWhenItIsExecutable(@TempDir Path temp) throws Exception {
		Path home = temp.resolve("home");
		Files.createDirectories(home.resolve("lib/python3.13"));
		Files.writeString(home.resolve("lib/python3.13/os.py"), "");
		Files.writeString(home.resolve("libpython3.13.so"), "");
		Path program = Files.createDirectories(home.resolve("bin")).resolve("python3.13");
		Files.writeString(program, "");
		assertThat(HomeResolver.resolve(home).executable()).as("no exec bit").isNull();
		Files.setPosixFilePermissions(program, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
		assertThat(HomeResolver.resolve(home).executable()).isEqualTo(program);
		Path venv = Files.createDirectories(temp.resolve("venv/bin"));
		Files.writeString(venv.resolveSibling("pyvenv.cfg"), "home = " + home.resolve("bin") + "\n");
		assertThat(HomeResolver.resolve(venv.getParent()).executable()).as("the venv has none").isEqualTo(program);
		Path venvProgram = Files.createFile(venv.resolve("python3"),
				java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
						java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
		assertThat(HomeResolver.resolve(venv.getParent()).executable()).isEqualTo(venvProgram);
	}

}
