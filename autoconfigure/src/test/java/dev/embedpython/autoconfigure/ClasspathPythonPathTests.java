package dev.embedpython.autoconfigure;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.embedpython.PythonCacheSecurityException;
import dev.embedpython.PythonExtractionException;
import dev.embedpython.PythonTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@code python.path} entries on the classpath: a directory inside a jar is copied to the cache
 * directory, a directory on disk is used in place.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClasspathPythonPathTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@TempDir
	Path temp;

	@Test
	void runWithClasspathPathInAJarShouldImportItsModules() throws IOException {
		Path jar = TestJars.jar(this.temp.resolve("app.jar"), Map.of("python/jarmod.py",
				"def answer():\n    return 42\n", "python/jarpkg/__init__.py", "",
				"python/jarpkg/helpers.py", "def shout(text):\n    return text.upper()\n"));
		try (URLClassLoader classLoader = new URLClassLoader(new URL[] { jar.toUri().toURL() },
				getClass().getClassLoader())) {
			this.contextRunner.withClassLoader(classLoader)
				.withPropertyValues("python.path=classpath:python/")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					PythonTemplate template = context.getBean(PythonTemplate.class);
					assertThat(template.call("jarmod", "answer")).isEqualTo(42L);
					assertThat(template.call("jarpkg.helpers", "shout", "hi")).isEqualTo("HI");
					String file = (String) template.eval("__import__('jarmod').__file__");
					assertThat(Path.of(file)).startsWith(Path.of(TestPython.cacheDir()).toAbsolutePath());
				});
		}
	}

	@Test
	void resolveShouldCopyAJarDirectoryOnceByContent() throws IOException {
		Path jar = TestJars.jar(this.temp.resolve("lib.jar"),
				Map.of("scripts/a.py", "A = 1\n", "scripts/sub/b.py", "B = 2\n"));
		Path cache = this.temp.resolve("cache");
		try (URLClassLoader classLoader = new URLClassLoader(new URL[] { jar.toUri().toURL() }, null)) {
			PythonPathResolver resolver = new PythonPathResolver(new DefaultResourceLoader(classLoader), cache);
			List<Path> first = resolver.resolve(List.of("classpath:scripts"));
			List<Path> second = resolver.resolve(List.of("classpath:scripts/"));
			assertThat(first).hasSize(1).isEqualTo(second);
			Path directory = first.get(0);
			assertThat(directory).startsWith(cache.resolve("classpath"));
			assertThat(directory.resolve("a.py")).hasContent("A = 1");
			assertThat(directory.resolve("sub/b.py")).hasContent("B = 2");
			try (var listing = Files.list(cache.resolve("classpath"))) {
				assertThat(listing).containsExactly(directory);
			}
		}
	}

	@Test
	void resolveShouldKeepEveryRootOfAClasspathStarLocation() throws IOException {
		Path one = TestJars.jar(this.temp.resolve("one.jar"), Map.of("shared/one.py", "X = 1\n"));
		Path two = TestJars.jar(this.temp.resolve("two.jar"), Map.of("shared/two.py", "X = 2\n"));
		try (URLClassLoader classLoader = new URLClassLoader(
				new URL[] { one.toUri().toURL(), two.toUri().toURL() }, null)) {
			PythonPathResolver resolver = new PythonPathResolver(new DefaultResourceLoader(classLoader),
					this.temp.resolve("cache"));
			assertThat(resolver.resolve(List.of("classpath:shared/"))).hasSize(1);
			List<Path> all = resolver.resolve(List.of("classpath*:shared/"));
			assertThat(all).hasSize(2);
			assertThat(all.get(0).resolve("one.py")).exists();
			assertThat(all.get(1).resolve("two.py")).exists();
		}
	}

	@Test
	void resolveShouldUseADirectoryOnDiskInPlace() throws IOException {
		Path classes = Files.createDirectories(this.temp.resolve("classes/python"));
		Files.writeString(classes.resolve("diskmod.py"), "Y = 1\n");
		try (URLClassLoader classLoader = new URLClassLoader(
				new URL[] { this.temp.resolve("classes").toUri().toURL() }, null)) {
			PythonPathResolver resolver = new PythonPathResolver(new DefaultResourceLoader(classLoader),
					this.temp.resolve("cache"));
			assertThat(resolver.resolve(List.of("classpath:python/", classes.toString())))
				.containsExactly(classes.toAbsolutePath().normalize(), classes.toAbsolutePath().normalize());
			assertThat(this.temp.resolve("cache")).doesNotExist();
		}
	}

	@Test
	void resolveShouldRefuseJarEntriesThatEscapeTheirDirectoryNamingJarAndEntry() throws IOException {
		for (String name : List.of("python/../evil.py", "python/sub\\..\\..\\evil.py")) {
			Path jar = TestJars.jar(this.temp.resolve("crafted" + name.length() + ".jar"),
					Map.of("python/ok.py", "OK = 1\n", name, "import os\n"));
			try (URLClassLoader classLoader = new URLClassLoader(new URL[] { jar.toUri().toURL() }, null)) {
				PythonPathResolver resolver = new PythonPathResolver(new DefaultResourceLoader(classLoader),
						this.temp.resolve("cache"));
				assertThatExceptionOfType(PythonExtractionException.class)
					.isThrownBy(() -> resolver.resolve(List.of("classpath:python/")))
					.withMessageContaining(jar.getFileName().toString())
					.withMessageContaining("'" + name + "'")
					.withMessageContaining("python.path[0]");
			}
		}
	}

	@Test
	void resolveShouldWarnWhenClasspathMatchesSeveralRoots(CapturedOutput output) throws IOException {
		Path one = TestJars.jar(this.temp.resolve("one.jar"), Map.of("shared/one.py", "X = 1\n"));
		Path two = TestJars.jar(this.temp.resolve("two.jar"), Map.of("shared/two.py", "X = 2\n"));
		try (URLClassLoader classLoader = new URLClassLoader(
				new URL[] { one.toUri().toURL(), two.toUri().toURL() }, null)) {
			PythonPathResolver resolver = new PythonPathResolver(new DefaultResourceLoader(classLoader),
					this.temp.resolve("cache"));
			assertThat(resolver.resolve(List.of("classpath:shared/"))).hasSize(1);
			assertThat(output).contains("python.path[0] 'classpath:shared/' matches 2 classpath locations")
				.contains("one.jar")
				.contains("two.jar")
				.contains("classpath*:shared/");
		}
	}

	@Test
	void resolveShouldWriteThePrivateCopyWhoeverCreatesTheCache() throws IOException {
		Path jar = TestJars.jar(this.temp.resolve("lib.jar"), Map.of("scripts/a.py", "A = 1\n"));
		Path cache = this.temp.resolve("new/cache");
		try (URLClassLoader classLoader = new URLClassLoader(new URL[] { jar.toUri().toURL() }, null)) {
			Path copy = new PythonPathResolver(new DefaultResourceLoader(classLoader), cache)
				.resolve(List.of("classpath:scripts/"))
				.get(0);
			assertThat(mode(cache)).isEqualTo("rwx------");
			assertThat(mode(cache.resolve("classpath"))).isEqualTo("rwx------");
			assertThat(mode(copy)).isEqualTo("rwx------");
			assertThat(mode(copy.resolve("__pycache__"))).isEqualTo("rwx------");
			assertThat(mode(copy.resolve("a.py"))).isEqualTo("rw-------");
			Files.setPosixFilePermissions(copy.resolve("a.py"), PosixFilePermissions.fromString("rw-rw-rw-"));
			assertThatExceptionOfType(PythonCacheSecurityException.class)
				.isThrownBy(() -> new PythonPathResolver(new DefaultResourceLoader(classLoader), cache)
					.resolve(List.of("classpath:scripts/")))
				.withMessageContaining("'" + copy.resolve("a.py") + "' is writable by group and others");
		}
	}

	@Test
	void resolveWithAReadOnlyCacheShouldCopyToAPrivateTemporaryDirectory() throws Exception {
		Path jar = TestJars.jar(this.temp.resolve("lib.jar"), Map.of("scripts/a.py", "A = 1\n"));
		Path cache = Files.createDirectory(this.temp.resolve("cache"));
		Path readOnly = Files.createDirectory(this.temp.resolve("read-only"));
		boolean mounted = mount("--bind", cache.toString(), readOnly.toString());
		try {
			if (mounted) {
				assertThat(mount("-o", "remount,ro,bind", readOnly.toString())).isTrue();
			}
			else {
				// Not root: a directory without its write bit is read-only to us.
				readOnly = cache;
				Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("r-x------"));
			}
			try (URLClassLoader classLoader = new URLClassLoader(new URL[] { jar.toUri().toURL() }, null)) {
				Path copy = new PythonPathResolver(new DefaultResourceLoader(classLoader), readOnly)
					.resolve(List.of("classpath:scripts/"))
					.get(0);
				assertThat(copy).startsWith(Path.of(System.getProperty("java.io.tmpdir")));
				assertThat(copy.getParent().getFileName().toString()).startsWith("embedpython-classpath-");
				assertThat(mode(copy.getParent())).isEqualTo("rwx------");
				assertThat(copy.resolve("a.py")).hasContent("A = 1");
				try (var listing = Files.list(cache)) {
					assertThat(listing).isEmpty();
				}
			}
		}
		finally {
			if (mounted) {
				new ProcessBuilder("umount", "-l", readOnly.toString()).start().waitFor(30, TimeUnit.SECONDS);
			}
			Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
		}
	}

	private static boolean mount(String... arguments) throws Exception {
		List<String> command = new java.util.ArrayList<>(List.of("mount"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
	}

	private static String mode(Path path) throws IOException {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
	}

}
