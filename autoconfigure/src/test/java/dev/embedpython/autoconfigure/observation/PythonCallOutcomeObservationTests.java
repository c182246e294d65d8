package dev.embedpython.autoconfigure.observation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.embedpython.CallOutcome;
import dev.embedpython.PythonException;
import dev.embedpython.PythonTemplate;
import dev.embedpython.PythonTimeoutException;
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
 * The tag values of the {@code python.calls} timer for each outcome ({@code success}, {@code error},
 * {@code timeout}) with Micrometer's {@code error} tag, and the function named on a failed call's observation.
 */
class PythonCallOutcomeObservationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PythonAutoConfiguration.class, PythonObservationAutoConfiguration.class))
		.withPropertyValues(TestPython.properties())
		.withUserConfiguration(RecordingConfiguration.class);

	@Test
	void callsShouldBeTaggedWithTheirOutcomeAndError() {
		// json is imported at creation: on a loaded machine its import alone could outlast the call timeout.
		this.contextRunner.withPropertyValues("python.pool.call-timeout=500ms", "python.pool.preload=json").run((context) -> {
			PythonTemplate template = context.getBean(PythonTemplate.class);
			assertThat(template.call("json", "dumps", 1)).isEqualTo("1");
			assertThatExceptionOfType(PythonException.class).isThrownBy(() -> template.call("json", "loads", "{"));
			assertThatExceptionOfType(PythonTimeoutException.class)
				.isThrownBy(() -> template.exec("while True:\n    pass\n"));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(count(meters, "success", "none")).isEqualTo(1);
			assertThat(count(meters, "error", "PythonException")).isEqualTo(1);
			assertThat(count(meters, "timeout", "PythonTimeoutException")).isEqualTo(1);
			assertThat(meters.get("python.calls").timers()).hasSize(3);
			List<PythonCallObservationContext> observed = context.getBean(RecordingConfiguration.class).contexts;
			assertThat(observed).extracting(PythonCallObservationContext::getOutcome)
				.containsExactly(CallOutcome.SUCCESS, CallOutcome.ERROR, CallOutcome.TIMEOUT);
			PythonCallObservationContext failed = observed.get(1);
			assertThat(failed.getFunction()).isEqualTo("json.loads");
			assertThat(failed.getContextualName()).isEqualTo("python json.loads");
			assertThat(failed.getHighCardinalityKeyValue("python.function").getValue()).isEqualTo("json.loads");
			assertThat(failed.getError()).isInstanceOf(PythonException.class)
				.satisfies((error) -> assertThat(((PythonException) error).pythonType()).isEqualTo("json.decoder.JSONDecodeError"));
			assertThat(observed.get(2).getFunction()).isEqualTo("<exec>");
			assertThat(observed.get(2).getError()).isInstanceOf(PythonTimeoutException.class);
		});
	}

	private static long count(MeterRegistry meters, String outcome, String error) {
		return meters.get("python.calls").tags("pool", "default", "outcome", outcome, "error", error).timer().count();
	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingConfiguration {

		final List<PythonCallObservationContext> contexts = new CopyOnWriteArrayList<>();

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
					RecordingConfiguration.this.contexts.add(context);
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
