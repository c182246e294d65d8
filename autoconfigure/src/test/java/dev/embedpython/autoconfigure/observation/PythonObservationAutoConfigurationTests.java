package dev.embedpython.autoconfigure.observation;

import java.util.ArrayList;
import java.util.List;

import dev.embedpython.CallObserver;
import dev.embedpython.PythonException;
import dev.embedpython.PythonTemplate;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.autoconfigure.TestPython;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PythonObservationAutoConfiguration}, against the real bundled CPython.
 */
class PythonObservationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PythonAutoConfiguration.class, PythonObservationAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@Test
	void runWithoutObservationRegistryShouldNotCreateObserver() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(CallObserver.class));
	}

	@Test
	void callsShouldBeObservedWithPoolOutcomeAndFunction() {
		this.contextRunner.withUserConfiguration(ObservationConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ObservationCallObserver.class);
			PythonTemplate template = context.getBean(PythonTemplate.class);
			assertThat(template.call("json", "dumps", List.of(1, 2))).isEqualTo("[1, 2]");
			assertThatExceptionOfType(PythonException.class).isThrownBy(() -> template.eval("1 / 0"));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("python.calls").tags("pool", "default", "outcome", "success").timer().count())
				.isEqualTo(1);
			assertThat(meters.get("python.calls").tags("pool", "default", "outcome", "error").timer().count())
				.isEqualTo(1);
			List<PythonCallObservationContext> observed = context.getBean(ObservationConfiguration.class).contexts;
			assertThat(observed).extracting(PythonCallObservationContext::getFunction).contains("json.dumps");
			assertThat(observed.get(0).getHighCardinalityKeyValue("python.function").getValue())
				.isEqualTo("json.dumps");
			assertThat(observed.get(0).getContextualName()).isEqualTo("python json.dumps");
		});
	}

	@Test
	void userConventionShouldReplaceTheDefault() {
		this.contextRunner.withUserConfiguration(ObservationConfiguration.class)
			.withBean(PythonCallObservationConvention.class, () -> new DefaultPythonCallObservationConvention() {

				@Override
				public String getName() {
					return "custom.python";
				}

			})
			.run((context) -> {
				context.getBean(PythonTemplate.class).eval("1");
				assertThat(context.getBean(MeterRegistry.class).find("custom.python").timer()).isNotNull();
				assertThat(context.getBean(MeterRegistry.class).find("python.calls").timer()).isNull();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class ObservationConfiguration {

		final List<PythonCallObservationContext> contexts = new ArrayList<>();

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		ObservationRegistry observationRegistry(MeterRegistry meterRegistry) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meterRegistry));
			registry.observationConfig().observationHandler(new ObservationHandler<PythonCallObservationContext>() {

				@Override
				public void onStop(PythonCallObservationContext context) {
					ObservationConfiguration.this.contexts.add(context);
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return context instanceof PythonCallObservationContext;
				}

			});
			return registry;
		}

	}

}
