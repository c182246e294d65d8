package dev.embedpython.autoconfigure.observation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.embedpython.CallObserver;
import dev.embedpython.PythonException;
import dev.embedpython.PythonTemplate;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.autoconfigure.TestPython;
import io.micrometer.common.KeyValue;
import io.micrometer.common.docs.KeyName;
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
import org.springframework.core.annotation.Order;

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

	@Test
	void userCallObserversShouldWorkTogetherWithTheObservationOneInOrder() {
		this.contextRunner.withUserConfiguration(ObservationConfiguration.class, UserObserversConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(ObservationCallObserver.class);
				List<String> events = context.getBean(UserObserversConfiguration.class).events;
				context.getBean(PythonTemplate.class).call("json", "dumps", 1);
				assertThat(events).containsExactly("first:start json.dumps", "last:start json.dumps (observed)",
						"last:end SUCCESS", "first:end SUCCESS");
				assertThat(context.getBean(MeterRegistry.class)
					.get("python.calls")
					.tags("pool", "default", "outcome", "success")
					.timer()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void observedKeysShouldBeTheDocumentedOnes() {
		this.contextRunner.withUserConfiguration(ObservationConfiguration.class).run((context) -> {
			context.getBean(PythonTemplate.class).eval("1");
			PythonCallObservationContext observed = context.getBean(ObservationConfiguration.class).contexts.get(0);
			assertThat(observed.getLowCardinalityKeyValues().stream().map(KeyValue::getKey)).containsExactlyInAnyOrder(
					Arrays.stream(PythonObservationDocumentation.PYTHON_CALL.getLowCardinalityKeyNames())
						.map(KeyName::asString)
						.toArray(String[]::new));
			assertThat(observed.getHighCardinalityKeyValues().stream().map(KeyValue::getKey)).containsExactly(
					Arrays.stream(PythonObservationDocumentation.PYTHON_CALL.getHighCardinalityKeyNames())
						.map(KeyName::asString)
						.toArray(String[]::new));
			assertThat(PythonObservationDocumentation.PYTHON_CALL.getDefaultConvention())
				.isEqualTo(DefaultPythonCallObservationConvention.class);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserObserversConfiguration {

		final List<String> events = new ArrayList<>();

		@Bean
		CallObserver lastObserver(ObservationRegistry registry) {
			return (pool, function) -> {
				this.events.add("last:start " + function
						+ ((registry.getCurrentObservation() != null) ? " (observed)" : " (not observed)"));
				return (outcome, error) -> this.events.add("last:end " + outcome);
			};
		}

		@Bean
		@Order(-10)
		CallObserver firstObserver() {
			return (pool, function) -> {
				this.events.add("first:start " + function);
				return (outcome, error) -> this.events.add("first:end " + outcome);
			};
		}

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
