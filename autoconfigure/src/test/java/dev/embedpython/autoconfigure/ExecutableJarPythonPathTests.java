package dev.embedpython.autoconfigure;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.embedpython.PythonTemplate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.loader.net.protocol.Handlers;
import org.springframework.boot.loader.net.protocol.jar.JarUrl;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code python.path=classpath*:python/} in an executable jar: modules under {@code BOOT-INF/classes/python/} and
 * in a nested jar of {@code BOOT-INF/lib/}, seen through the {@code jar:nested:} URLs that Spring Boot's launcher
 * gives its class loader. Runs in a JVM of its own because it registers Boot's URL handlers JVM-wide.
 */
@Tag("own-jvm")
class ExecutableJarPythonPathTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@TempDir
	Path temp;

	@BeforeAll
	static void registerUrlHandlers() {
		Handlers.register();
	}

	@Test
	void runWithClasspathPathShouldImportModulesFromClassesAndNestedJars() throws IOException {
		Path lib = TestJars.jar(this.temp.resolve("pylib.jar"),
				Map.of("python/libmod.py", "def where():\n    return 'lib'\n"));
		Path app = TestJars.jar(this.temp.resolve("app.jar"),
				Map.of("BOOT-INF/classes/python/appmod.py", "def where():\n    return 'classes'\n",
						"BOOT-INF/classes/python/apppkg/__init__.py", "", "BOOT-INF/lib/pylib.jar",
						Files.readAllBytes(lib)));
		URL classes = JarUrl.create(app.toFile(), "BOOT-INF/classes/");
		URL nested = JarUrl.create(app.toFile(), "BOOT-INF/lib/pylib.jar");
		try (URLClassLoader classLoader = new URLClassLoader(new URL[] { classes, nested },
				getClass().getClassLoader())) {
			assertThat(classLoader.getResource("python/appmod.py")).hasProtocol("jar")
				.asString()
				.startsWith("jar:nested:");
			this.contextRunner.withClassLoader(classLoader)
				.withPropertyValues("python.path=classpath*:python/")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					PythonTemplate template = context.getBean(PythonTemplate.class);
					assertThat(template.call("appmod", "where")).isEqualTo("classes");
					assertThat(template.call("libmod", "where")).isEqualTo("lib");
					assertThat(template.eval("__import__('apppkg').__name__")).isEqualTo("apppkg");
					String file = (String) template.eval("__import__('libmod').__file__");
					assertThat(Path.of(file)).startsWith(Path.of(TestPython.cacheDir()).toAbsolutePath());
				});
		}
	}

}
