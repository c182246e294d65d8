package dev.embedpython.autoconfigure;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import dev.embedpython.PythonTemplate;
import dev.embedpython.autoconfigure.metrics.PythonMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code python.dev.reload}: pools recycle when files under a {@code python.path} directory change, against the
 * real bundled CPython.
 */
@ExtendWith(OutputCaptureExtension.class)
class PythonSourceReloaderTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@TempDir
	Path sources;

	@Test
	void runByDefaultShouldNotWatch() {
		this.contextRunner.withPropertyValues("python.path=" + this.sources)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PythonSourceReloader.class));
	}

	@Test
	void runWithReloadOffShouldNotWatchEvenWithDevtools() throws IOException {
		this.contextRunner.withClassLoader(classLoaderWithDevtools())
			.withPropertyValues("python.path=" + this.sources, "python.dev.reload=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PythonSourceReloader.class));
	}

	@Test
	void runWithDevtoolsShouldWatchThePathDirectories() throws IOException {
		this.contextRunner.withClassLoader(classLoaderWithDevtools())
			.withPropertyValues("python.path=" + this.sources)
			.run((context) -> {
				assertThat(context).hasSingleBean(PythonSourceReloader.class);
				PythonSourceReloader reloader = context.getBean(PythonSourceReloader.class);
				assertThat(reloader.getDirectories()).containsExactly(this.sources.toRealPath());
				assertThat(reloader.isRunning()).isTrue();
			});
	}

	@Test
	void runWithNonPositiveQuietPeriodShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("python.dev.reload=true", "python.dev.quiet-period=0ms")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("python.dev.quiet-period"));
	}

	@Test
	void changedSourcesShouldBeSeenByTheNextCallAfterOneDebouncedReload(CapturedOutput output) throws IOException {
		Files.writeString(this.sources.resolve("reloadme.py"), "VALUE = 1\n");
		Files.writeString(this.sources.resolve("helper.py"), "HELP = 'a'\n");
		this.contextRunner.withConfiguration(AutoConfigurations.of(PythonMetricsAutoConfiguration.class,
				MetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("python.path=" + this.sources, "python.pool.preload=reloadme,helper",
					"python.dev.reload=true", "python.dev.quiet-period=200ms", "python.pools.batch.size=1")
			.run((context) -> {
				PythonTemplate template = context.getBean(PythonTemplate.class);
				PythonTemplate batch = context.getBean("batchPythonTemplate", PythonTemplate.class);
				assertThat(template.eval("__import__('reloadme').VALUE")).isEqualTo(1L);
				// Several files saved at once: one reload. The new text differs in size, which is what CPython's
				// bytecode cache checks besides the modification time in seconds.
				Files.writeString(this.sources.resolve("reloadme.py"), "VALUE = 2  # edited\n");
				Files.writeString(this.sources.resolve("helper.py"), "HELP = 'b'  # edited\n");
				Awaitility.await()
					.atMost(Duration.ofSeconds(20))
					.until(() -> Long.valueOf(2).equals(template.eval("__import__('reloadme').VALUE")));
				Awaitility.await()
					.atMost(Duration.ofSeconds(20))
					.until(() -> "b".equals(batch.eval("__import__('helper').HELP")));
				PythonSourceReloader reloader = context.getBean(PythonSourceReloader.class);
				assertThat(reloader.reloadCount()).isEqualTo(1);
				assertThat(output).contains("Python sources changed [helper.py, reloadme.py]; reload 1: recycled "
						+ "pools 'default' (1), 'batch' (1)");
				assertThat(context.getBean(MeterRegistry.class).get("python.dev.reloads").functionCounter().count())
					.isEqualTo(1);
			});
	}

	/**
	 * A class loader on which spring-boot-devtools appears present: its marker class, compiled here.
	 */
	private ClassLoader classLoaderWithDevtools() throws IOException {
		Path root = Files.createTempDirectory(this.sources, "devtools");
		Path source = root.resolve("org/springframework/boot/devtools/restart/Restarter.java");
		Files.createDirectories(source.getParent());
		Files.writeString(source, "package org.springframework.boot.devtools.restart;\npublic class Restarter {}\n",
				StandardCharsets.UTF_8);
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		assertThat(compiler.run(null, null, null, "-d", root.toString(), source.toString())).isZero();
		return new URLClassLoader(new URL[] { root.toUri().toURL() }, getClass().getClassLoader());
	}

}
