package dev.embedpython.autoconfigure.health;

import java.util.Map;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonSession;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.autoconfigure.TestPython;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PythonHealthContributorAutoConfiguration} and {@link PythonHealthIndicator}, against the real
 * bundled CPython.
 */
class PythonHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PythonAutoConfiguration.class, PythonHealthContributorAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@Test
	void runShouldCreateIndicator() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(PythonHealthIndicator.class)
			.hasBean("pythonHealthIndicator"));
	}

	@Test
	void runWhenDisabledShouldNotCreateIndicator() {
		this.contextRunner.withPropertyValues("management.health.python.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PythonHealthIndicator.class));
	}

	@Test
	void runWhenPythonDisabledShouldNotCreateIndicator() {
		this.contextRunner.withPropertyValues("python.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PythonHealthIndicator.class));
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthShouldBeUpWithDetailsOfEveryPool() {
		this.contextRunner.withPropertyValues("python.pools.numeric.isolation=main", "python.pools.numeric.size=1")
			.run((context) -> {
				Health health = context.getBean(PythonHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("bundled", true).containsKeys("version", "home");
				Map<String, Map<String, Object>> pools = (Map<String, Map<String, Object>>) health.getDetails()
					.get("pools");
				assertThat(pools).containsOnlyKeys("default", "numeric");
				assertThat(pools.get("default")).containsEntry("isolation", "own-gil")
					.containsEntry("probe", "ok")
					.containsEntry("size", 1)
					.containsEntry("idle", 1)
					.containsEntry("stuck", 0);
				assertThat(pools.get("numeric")).containsEntry("isolation", "main").containsEntry("probe", "ok");
			});
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthWhenNoInterpreterIsIdleShouldReportItWithoutBlocking() {
		this.contextRunner.withPropertyValues("python.pool.acquire-timeout=30s").run((context) -> {
			PythonHealthIndicator indicator = context.getBean(PythonHealthIndicator.class);
			try (PythonSession session = context.getBean(PythonPool.class).acquire()) {
				long start = System.nanoTime();
				Health health = indicator.health();
				long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
				assertThat(elapsedMillis).isLessThan(PythonHealthContributorAutoConfiguration.PROBE_TIMEOUT.toMillis());
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				Map<String, Object> pool = ((Map<String, Map<String, Object>>) health.getDetails().get("pools"))
					.get("default");
				assertThat(pool).containsEntry("active", 1)
					.containsEntry("idle", 0)
					.containsEntry("probe", "skipped: no idle interpreter");
				assertThat(session.eval("1 + 1")).isEqualTo(2L);
			}
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthWhenPoolIsClosedShouldBeDown() {
		this.contextRunner.run((context) -> {
			context.getBean(PythonPool.class).close();
			Health health = context.getBean(PythonHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			Map<String, Object> pool = ((Map<String, Map<String, Object>>) health.getDetails().get("pools"))
				.get("default");
			assertThat(pool).containsEntry("probe", "failed").containsEntry("error", "The pool is closed");
		});
	}

}
