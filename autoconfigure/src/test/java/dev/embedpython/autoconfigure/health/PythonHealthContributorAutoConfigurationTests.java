package dev.embedpython.autoconfigure.health;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonSession;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.autoconfigure.TestPython;
import org.awaitility.Awaitility;
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

	/**
	 * An audit hook that raises on the next compilation: the probe's {@code eval("1")} is the first code compiled
	 * in the interpreter after its init script.
	 */
	private static final String REFUSE_COMPILE = "import sys\n"
			+ "def refuse(event, args):\n"
			+ "    if event == 'compile':\n"
			+ "        raise RuntimeError('refused by the test')\n"
			+ "sys.addaudithook(refuse)\n";

	@Test
	@SuppressWarnings("unchecked")
	void healthWhenProbeRaisesShouldBeDown() {
		this.contextRunner.withPropertyValues("python.pool.init-script=" + REFUSE_COMPILE).run((context) -> {
			Health health = context.getBean(PythonHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			Map<String, Object> pool = ((Map<String, Map<String, Object>>) health.getDetails().get("pools"))
				.get("default");
			assertThat(pool).containsEntry("probe", "failed")
				.hasEntrySatisfying("error", (error) -> assertThat(error).asString()
					.contains("PythonException")
					.contains("RuntimeError")
					.contains("refused by the test"));
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthWhenProbeGetsNoAnswerInTimeShouldReportABusyPoolWithoutBlocking() throws Exception {
		try (ServerSocket gate = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			gate.setSoTimeout(30_000);
			// The first compilation (the probe's) blocks until the test lets it go: a call that outlasts the bound.
			String blockOnce = "import sys, socket\nblocked = []\n"
					+ "def block(event, args):\n"
					+ "    if event == 'compile' and not blocked:\n"
					+ "        blocked.append(True)\n"
					+ "        socket.create_connection(('127.0.0.1', " + gate.getLocalPort() + ")).recv(1)\n"
					+ "sys.addaudithook(block)\n";
			this.contextRunner.withPropertyValues("python.pool.init-script=" + blockOnce).run((context) -> {
				PythonHealthIndicator indicator = context.getBean(PythonHealthIndicator.class);
				long start = System.nanoTime();
				CompletableFuture<Health> request = CompletableFuture.supplyAsync(indicator::health);
				try (Socket probe = gate.accept()) {
					try {
						// The probe is in flight and blocked: the health request must still answer within its bound.
						Health health = request.get(PythonHealthContributorAutoConfiguration.PROBE_TIMEOUT.toMillis()
								+ 5_000, TimeUnit.MILLISECONDS);
						long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
						assertThat(elapsedMillis)
							.isLessThan(PythonHealthContributorAutoConfiguration.PROBE_TIMEOUT.toMillis() + 5_000);
						assertThat(health.getStatus()).isEqualTo(Status.UP);
						Map<String, Object> pool = ((Map<String, Map<String, Object>>) health.getDetails()
							.get("pools")).get("default");
						assertThat(pool).containsEntry("probe", "skipped: no answer within "
								+ PythonHealthContributorAutoConfiguration.PROBE_TIMEOUT.toMillis() + " ms, pool busy");
					}
					finally {
						probe.getOutputStream().write(1);
					}
				}
				// Once the call returns, the next probe gets its answer.
				Awaitility.await()
					.atMost(Duration.ofSeconds(30))
					.until(() -> "ok".equals(((Map<String, Map<String, Object>>) indicator.health()
						.getDetails()
						.get("pools")).get("default").get("probe")));
			});
		}
	}

}
