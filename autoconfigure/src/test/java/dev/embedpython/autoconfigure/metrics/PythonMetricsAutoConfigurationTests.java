package dev.embedpython.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.embedpython.PoolExhaustedException;
import dev.embedpython.PoolListener;
import dev.embedpython.PythonTimeoutException;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonSession;
import dev.embedpython.PythonTemplate;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.autoconfigure.TestPython;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PythonMetricsAutoConfiguration} and {@link PythonMetrics}, against the real bundled CPython.
 */
class PythonMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class, PythonMetricsAutoConfiguration.class,
				MetricsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues(TestPython.properties());

	@Test
	void runWithoutMeterRegistryShouldNotCreateBinder() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PythonAutoConfiguration.class, PythonMetricsAutoConfiguration.class))
			.withPropertyValues(TestPython.properties())
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PythonMetrics.class));
	}

	@Test
	void runShouldRegisterRuntimeAndPoolMeters() {
		this.contextRunner.withPropertyValues("python.pools.batch.size=2", "python.pools.batch.isolation=shared-gil")
			.run((context) -> {
				assertThat(context).hasSingleBean(PythonMetrics.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				String version = context.getBean(PythonRuntime.class).version();
				assertThat(registry.get("python.runtime.info").tag("version", version).gauge().value()).isEqualTo(1);
				assertThat(interpreters(registry, "default", "idle")).isEqualTo(1);
				assertThat(interpreters(registry, "batch", "idle"))
					.isEqualTo(2);
				assertThat(interpreters(registry, "default", "stuck")).isZero();
				assertThat(registry.get("python.pool.pending").tag("pool", "default").gauge().value()).isZero();
				PythonPool pool = context.getBean(PythonPool.class);
				try (PythonSession session = pool.acquire()) {
					assertThat(interpreters(registry, "default", "active")).isEqualTo(1);
					assertThat(session.eval("1")).isEqualTo(1L);
				}
				assertThat(interpreters(registry, "default", "active"))
					.isZero();
				assertThat(registry.get("python.pool.interpreters").meters()).hasSize(6);
				assertThat(registry.get("python.pool.interpreters.max").tag("pool", "default").gauge().value())
					.isEqualTo(1);
				assertThat(registry.get("python.pool.interpreters.max").tag("pool", "batch").gauge().value())
					.isEqualTo(2);
			});
	}

	@Test
	void closingAPoolShouldRemoveItsMetersOnly() {
		this.contextRunner.withPropertyValues("python.pools.batch.size=1").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("python.pool.interpreters").tag("pool", "batch").meters()).hasSize(3);
			context.getBean("batchPythonPool", PythonPool.class).close();
			for (String name : List.of("python.pool.interpreters", "python.pool.interpreters.max",
					"python.pool.pending", "python.pool.acquire", "python.pool.timeouts", "python.pool.recycled")) {
				assertThat(registry.find(name).tag("pool", "batch").meters()).as(name).isEmpty();
				assertThat(registry.find(name).tag("pool", "default").meters()).as(name).isNotEmpty();
			}
		});
	}

	@Test
	void listenerOfTheUserShouldKeepReceivingEventsNextToTheMetrics() {
		this.contextRunner.run((context) -> {
			PythonPool pool = context.getBean(PythonPool.class);
			AtomicInteger userAcquired = new AtomicInteger();
			pool.setPoolListener(new PoolListener() {

				@Override
				public void acquired(long waitedNanos) {
					userAcquired.incrementAndGet();
				}

			});
			context.getBean(PythonTemplate.class).eval("1");
			assertThat(userAcquired).hasValue(1);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("python.pool.acquire").tag("pool", "default").timer().count()).isEqualTo(1);
		});
	}

	@Test
	void callsShouldBeTimedAtAcquire() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			PythonTemplate template = context.getBean(PythonTemplate.class);
			for (int i = 0; i < 5; i++) {
				template.eval("1 + 1");
			}
			assertThat(registry.get("python.pool.acquire").tag("pool", "default").timer().count()).isEqualTo(5);
		});
	}

	@Test
	void recycleShouldBeCountedByReason() {
		this.contextRunner.withPropertyValues("python.pool.max-uses=2").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			PythonPool pool = context.getBean(PythonPool.class);
			pool.recycle();
			// Replacements are created in the background, on python-main.
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> recycled(registry, "manual") == 1 && pool.stats().idle() == 1);
			PythonTemplate template = context.getBean(PythonTemplate.class);
			for (int i = 0; i < 2; i++) {
				template.eval("1");
			}
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recycled(registry, "max-uses") == 1);
			assertThat(recycled(registry, "stuck")).isZero();
		});
	}

	@Test
	void timeoutsShouldBeCountedByKind() {
		this.contextRunner
			.withPropertyValues("python.pools.limited.size=1", "python.pools.limited.call-timeout=100ms",
					"python.pools.limited.acquire-timeout=0s")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				PythonPool limited = context.getBean("limitedPythonPool", PythonPool.class);
				PythonTemplate template = new PythonTemplate(limited);
				assertThatExceptionOfType(PythonTimeoutException.class)
					.isThrownBy(() -> template.exec("while True:\n    pass\n"));
				try (PythonSession session = limited.acquire()) {
					assertThatExceptionOfType(PoolExhaustedException.class).isThrownBy(limited::acquire);
					assertThat(session.eval("1")).isEqualTo(1L);
				}
				assertThat(timeouts(registry, "call"))
					.isEqualTo(1);
				assertThat(
						timeouts(registry, "acquire"))
					.isEqualTo(1);
			});
	}

	private static double interpreters(MeterRegistry registry, String pool, String state) {
		return registry.get("python.pool.interpreters").tags("pool", pool, "state", state).gauge().value();
	}

	private static double timeouts(MeterRegistry registry, String kind) {
		return registry.get("python.pool.timeouts").tags("pool", "limited", "kind", kind).counter().count();
	}

	private static double recycled(MeterRegistry registry, String reason) {
		return registry.get("python.pool.recycled").tags("pool", "default", "reason", reason).counter().count();
	}

}
