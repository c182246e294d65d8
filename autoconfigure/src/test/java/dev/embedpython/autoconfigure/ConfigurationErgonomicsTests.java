package dev.embedpython.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import dev.embedpython.PythonRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configuration ergonomics of {@link PythonAutoConfiguration}: {@code Path} properties with placeholders, the
 * configuration metadata, and the startup line every application logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationErgonomicsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@Test
	void runShouldBindCacheDirAsPathWithPlaceholders() {
		Path cacheDir = Path.of(TestPython.cacheDir()).toAbsolutePath();
		String withPlaceholder = "${user.dir}/" + Path.of(System.getProperty("user.dir")).relativize(cacheDir);
		this.contextRunner.withPropertyValues("python.cache-dir=" + withPlaceholder).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PythonProperties.class).getCacheDir()).isEqualTo(cacheDir);
			assertThat(context.getBean(PythonRuntime.class).isRunning()).isTrue();
		});
	}

	@Test
	void runWithTildeInHomeShouldFailNamingTheKeyAndThePlaceholder() {
		this.contextRunner.withPropertyValues("python.home=~/python3.14").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("python.home")
				.hasMessageContaining("${user.home}/python3.14");
		});
	}

	@Test
	void runWithEmptyHomeShouldUseTheBundledRuntime() {
		this.contextRunner.withPropertyValues("python.home=")
			.run((context) -> assertThat(context.getBean(PythonRuntime.class).isBundled()).isTrue());
	}

	@Test
	void readyApplicationShouldLogWherePythonComesFromEveryPoolAndTheTime(CapturedOutput output) {
		this.contextRunner.withPropertyValues("python.pools.numeric.isolation=main").run((context) -> {
			ConfigurableApplicationContext source = context.getSourceApplicationContext(ConfigurableApplicationContext.class);
			source.publishEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0], source,
					Duration.ofMillis(1234)));
			PythonRuntime runtime = context.getBean(PythonRuntime.class);
			assertThat(output).contains("Python " + runtime.version() + " from bundled runtime extracted to "
					+ runtime.home() + "; pools 'default': 1 own-gil, 'numeric': 1 main interpreters; ready in 1234 ms");
		});
	}

	@Test
	void metadataShouldDescribePathsPoolsAndHealthTimeout() throws IOException {
		String metadata = ownMetadata();
		assertThat(types(metadata, "python.home")).containsExactly("java.nio.file.Path");
		assertThat(types(metadata, "python.cache-dir")).containsExactly("java.nio.file.Path");
		assertThat(types(metadata, "management.health.python.timeout")).containsExactly("java.time.Duration");
		assertThat(types(metadata, "python.binding")).containsExactly("dev.embedpython.Binding");
		List<Object> bindingDefault = JsonPath.read(metadata,
				"$.properties[?(@.name == 'python.binding')].defaultValue");
		assertThat(bindingDefault).containsExactly("auto");
		List<Object> handleAs = JsonPath.read(metadata,
				"$.hints[?(@.name == 'python.path')].providers[?(@.name == 'handle-as')].parameters.target");
		assertThat(handleAs).containsExactly("java.util.List<org.springframework.core.io.Resource>");
		List<Object> poolKeys = JsonPath.read(metadata, "$.hints[?(@.name == 'python.pools.keys')].values[*].value");
		assertThat(poolKeys).contains("numeric");
		List<Object> poolsDescription = JsonPath.read(metadata,
				"$.properties[?(@.name == 'python.pools')].description");
		assertThat(poolsDescription).singleElement().asString().contains("inherited from 'python.pool'");
	}

	private static List<Object> types(String metadata, String name) {
		return JsonPath.read(metadata, "$.properties[?(@.name == '" + name + "')].type");
	}

	private static String ownMetadata() throws IOException {
		for (URL url : Collections.list(ConfigurationErgonomicsTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				if (content.contains("\"python.pool.size\"")) {
					return content;
				}
			}
		}
		throw new IllegalStateException("No configuration metadata of embedpython on the class path");
	}

}
