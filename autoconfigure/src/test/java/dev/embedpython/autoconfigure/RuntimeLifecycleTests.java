package dev.embedpython.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import dev.embedpython.PythonExtractionException;
import dev.embedpython.PythonNotFoundException;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonTemplate;
import dev.embedpython.autoconfigure.health.PythonHealthContributorAutoConfiguration;
import dev.embedpython.autoconfigure.health.PythonHealthContributor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Starting and stopping the runtime itself: the last context to close finalizes CPython, a later context starts a
 * fresh runtime, and a runtime that cannot start fails the context with an analyzed failure. Runs in a JVM of its
 * own where no other reference holds the runtime (see {@link SharedRuntimeSessionListener}).
 */
@Tag("own-jvm")
class RuntimeLifecycleTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PythonAutoConfiguration.class, PythonHealthContributorAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@TempDir
	Path temp;

	@Test
	void runWithMissingHomeShouldFailWithAnAnalyzedFailure() {
		this.contextRunner.withPropertyValues("python.home=" + this.temp.resolve("no-python")).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(causes(failure)).hasAtLeastOneElementOfType(PythonNotFoundException.class);
			FailureAnalysis analysis = SpringFactoriesLoader.forDefaultResourceLocation()
				.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, ex) -> {
				}))
				.stream()
				.map((analyzer) -> analyzer.analyze(failure))
				.filter(Objects::nonNull)
				.findFirst()
				.orElseThrow();
			assertThat(analysis.getDescription()).startsWith("No usable CPython was found").contains("no-python");
			assertThat(analysis.getAction()).contains("python.home");
		});
	}

	@Test
	void closingTheLastContextShouldFinalizeAndALaterContextShouldStartAgain() {
		AtomicReference<PythonRuntime> first = new AtomicReference<>();
		AtomicReference<HealthIndicator> indicator = new AtomicReference<>();
		this.contextRunner.run((context) -> {
			first.set(context.getBean(PythonRuntime.class));
			indicator.set((HealthIndicator) context.getBean(PythonHealthContributor.class)
				.getContributor(PythonHealthContributor.RUNTIME));
			assertThat(indicator.get().health().getStatus()).isEqualTo(Status.UP);
		});
		assertThat(first.get().isRunning()).isFalse();
		Health health = indicator.get().health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("error", "The Python runtime is not running");
		this.contextRunner.run((context) -> {
			PythonRuntime second = context.getBean(PythonRuntime.class);
			assertThat(second).isNotSameAs(first.get());
			assertThat(second.isRunning()).isTrue();
			assertThat(context.getBean(PythonTemplate.class).eval("3 * 3")).isEqualTo(9L);
		});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void runWithUnusableCacheDirShouldFailAndPrintTheExtractionAnalysis(CapturedOutput output) throws Exception {
		// A regular file where the cache directory's parent should be: nothing can be created under it.
		Path blocker = Files.writeString(this.temp.resolve("not-a-directory"), "");
		Path cacheDir = blocker.resolve("cache");
		SpringApplicationBuilder application = new SpringApplicationBuilder(RuntimeReferenceTests.TestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("python.cache-dir=" + cacheDir, "python.pool.size=1", "spring.main.banner-mode=off",
					"spring.jmx.enabled=false");
		Throwable failure = catchThrowable(application::run);
		assertThat(causes(failure)).hasAtLeastOneElementOfType(PythonExtractionException.class);
		// What Boot printed: the analyzer's description and action, not a bare stack trace.
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The bundled CPython could not be extracted")
			.contains(cacheDir.toString())
			.contains("Action:")
			.contains("Set 'python.cache-dir' to a directory that is writable");
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

}
