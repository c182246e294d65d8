package dev.embedpython.autoconfigure;

import dev.embedpython.CallObserver;
import dev.embedpython.PythonTemplate;
import dev.embedpython.autoconfigure.endpoint.PythonEndpoint;
import dev.embedpython.autoconfigure.endpoint.PythonEndpointAutoConfiguration;
import dev.embedpython.autoconfigure.health.PythonHealthContributorAutoConfiguration;
import dev.embedpython.autoconfigure.health.PythonHealthContributor;
import dev.embedpython.autoconfigure.metrics.PythonMetrics;
import dev.embedpython.autoconfigure.metrics.PythonMetricsAutoConfiguration;
import dev.embedpython.autoconfigure.observation.PythonObservationAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the health, metrics, observation and endpoint parts back off cleanly when their libraries are
 * missing, and that all of them work together with Boot's own auto-configurations.
 */
class OptionalIntegrationsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class,
				PythonHealthContributorAutoConfiguration.class, PythonMetricsAutoConfiguration.class,
				PythonObservationAutoConfiguration.class, PythonEndpointAutoConfiguration.class,
				MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				ObservationAutoConfiguration.class))
		.withPropertyValues(TestPython.properties())
		.withPropertyValues("management.endpoints.web.exposure.include=python");

	@Test
	void runWithEveryLibraryShouldConfigureEveryPart() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(PythonHealthContributor.class)
				.hasSingleBean(PythonMetrics.class)
				.hasSingleBean(CallObserver.class)
				.hasSingleBean(PythonEndpoint.class);
			context.getBean(PythonTemplate.class).call("math", "sqrt", 16.0);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("python.calls").tags("pool", "default", "outcome", "success").timer().count())
				.isEqualTo(1);
			assertThat(registry.get("python.pool.acquire").tag("pool", "default").timer().count()).isEqualTo(1);
		});
	}

	@Test
	void runWithoutHealthShouldBackOffHealthOnly() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(PythonTemplate.class)
				.doesNotHaveBean(PythonHealthContributor.class)
				.hasSingleBean(PythonMetrics.class)
				.hasSingleBean(PythonEndpoint.class));
	}

	@Test
	void runWithoutMicrometerShouldBackOffMetricsAndObservations() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(PythonTemplate.class)
				.doesNotHaveBean(PythonMetrics.class)
				.doesNotHaveBean(CallObserver.class)
				.doesNotHaveBean(ObservationRegistry.class)
				.hasSingleBean(PythonHealthContributor.class));
	}

	@Test
	void runWithoutActuatorShouldBackOffTheEndpoint() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(PythonTemplate.class)
				.doesNotHaveBean(PythonEndpoint.class)
				.hasSingleBean(PythonHealthContributor.class));
	}

	@Test
	void runWithoutAnyOptionalLibraryShouldStillStart() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.health", "io.micrometer",
					"org.springframework.boot.actuate"))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(PythonHealthContributor.class)
					.doesNotHaveBean(PythonMetrics.class)
					.doesNotHaveBean(CallObserver.class)
					.doesNotHaveBean(PythonEndpoint.class);
				assertThat(context.getBean(PythonTemplate.class).eval("'ok'")).isEqualTo("ok");
			});
	}

}
