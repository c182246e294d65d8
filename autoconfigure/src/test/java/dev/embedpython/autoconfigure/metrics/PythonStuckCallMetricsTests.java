package dev.embedpython.autoconfigure.metrics;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonTemplate;
import dev.embedpython.PythonTimeoutException;
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

/**
 * A call stuck in C code, with the timeout and grace period set through properties: the interpreter shows as
 * {@code stuck}, is replaced while the call runs, and is counted as {@code recycled{reason="stuck"}} once the call
 * returns.
 */
class PythonStuckCallMetricsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class, PythonMetricsAutoConfiguration.class,
				MetricsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues(TestPython.properties());

	@Test
	void runWithStuckCallShouldReplaceTheInterpreterAndCountItAsStuck() {
		this.contextRunner
			.withPropertyValues("python.pool.call-timeout=200ms", "python.pool.stuck-grace-period=200ms",
					"python.pool.acquire-timeout=30s")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				PythonPool pool = context.getBean(PythonPool.class);
				assertThat(pool.options().stuckGracePeriod()).isEqualTo(Duration.ofMillis(200));
				PythonTemplate template = context.getBean(PythonTemplate.class);
				// sum() over a range is one C loop that never checks for async exceptions: size it to ~2 s here.
				template.exec("import time\nt0 = time.perf_counter()\nsum(range(1_000_000))\nt1 = time.perf_counter()");
				Double seconds = template.eval("t1 - t0", Double.class);
				long n = 1_000_000L * Math.max(1, Math.round(2.0 / Math.max(seconds, 1e-6)));
				CompletableFuture<Throwable> stuck = CompletableFuture.supplyAsync(() -> {
					try {
						template.eval("sum(range(" + n + "))");
						return null;
					}
					catch (RuntimeException ex) {
						return ex;
					}
				});
				Awaitility.await()
					.atMost(Duration.ofSeconds(30))
					.until(() -> interpreters(registry, "stuck") == 1 && interpreters(registry, "idle") == 1);
				assertThat(stuck).isNotDone();
				// The replacement serves while the stuck call still runs.
				assertThat(template.eval("40 + 2")).isEqualTo(42L);
				assertThat(stuck.get(60, TimeUnit.SECONDS)).isInstanceOf(PythonTimeoutException.class);
				Awaitility.await()
					.atMost(Duration.ofSeconds(30))
					.until(() -> recycled(registry, "stuck") == 1 && interpreters(registry, "stuck") == 0);
				assertThat(recycled(registry, "manual")).isZero();
				assertThat(recycled(registry, "max-uses")).isZero();
				assertThat(registry.get("python.pool.timeouts").tags("pool", "default", "kind", "call").counter().count())
					.isEqualTo(1);
				assertThat(pool.stats().created()).isEqualTo(2);
			});
	}

	private static double interpreters(MeterRegistry registry, String state) {
		return registry.get("python.pool.interpreters").tags("pool", "default", "state", state).gauge().value();
	}

	private static double recycled(MeterRegistry registry, String reason) {
		return registry.get("python.pool.recycled").tags("pool", "default", "reason", reason).counter().count();
	}

}
