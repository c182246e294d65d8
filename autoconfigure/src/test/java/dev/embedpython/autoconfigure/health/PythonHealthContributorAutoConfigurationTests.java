package dev.embedpython.autoconfigure.health;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.embedpython.InterpreterInfo;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonSession;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.autoconfigure.TestPython;
import dev.embedpython.autoconfigure.observation.PythonObservationAutoConfiguration;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PythonHealthContributorAutoConfiguration} and {@link PythonHealthContributor}, against the real
 * bundled CPython.
 */
class PythonHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PythonAutoConfiguration.class, PythonHealthContributorAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@Test
	void runShouldCreateCompositeContributor() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(PythonHealthContributor.class)
			.hasBean("pythonHealthContributor"));
	}

	@Test
	void runWhenDisabledShouldNotCreateContributor() {
		this.contextRunner.withPropertyValues("management.health.python.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PythonHealthContributor.class));
	}

	@Test
	void runWhenPythonDisabledShouldNotCreateContributor() {
		this.contextRunner.withPropertyValues("python.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PythonHealthContributor.class));
	}

	@Test
	void runWithNonPositiveTimeoutShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("management.health.python.timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("management.health.python.timeout");
		});
	}

	@Test
	void healthShouldHaveTheRuntimeAndOneComponentPerPool() {
		this.contextRunner.withPropertyValues("python.pools.numeric.isolation=main", "python.pools.numeric.size=1")
			.run((context) -> {
				PythonHealthContributor contributor = context.getBean(PythonHealthContributor.class);
				assertThat(contributor.stream().map(HealthContributors.Entry::name)).containsExactly("runtime",
						"default", "numeric");
				Health runtime = health(contributor, "runtime");
				assertThat(runtime.getStatus()).isEqualTo(Status.UP);
				assertThat(runtime.getDetails()).containsEntry("bundled", true).containsKeys("version", "home", "binding");
				Health defaultPool = health(contributor, "default");
				assertThat(defaultPool.getStatus()).isEqualTo(Status.UP);
				assertThat(defaultPool.getDetails()).containsEntry("isolation", "own-gil")
					.containsEntry("probe", "ok")
					.containsEntry("size", 1)
					.containsEntry("maxSize", 1)
					.containsEntry("stuck", 0)
					.doesNotContainKeys("version", "home");
				// Listing the composite started every pool's probe on a probe thread; the counts are read before the
				// indicator joins it, so the probe may still hold the one interpreter.
				assertThat((int) defaultPool.getDetails().get("idle") + (int) defaultPool.getDetails().get("active"))
					.isEqualTo(1);
				assertThat(health(contributor, "numeric").getDetails()).containsEntry("isolation", "main")
					.containsEntry("probe", "ok");
				assertThat(contributor.getContributor("missing")).isNull();
			});
	}

	@Test
	void healthWhenNoInterpreterIsFreeShouldSkipTheProbeWithinTheTimeout() {
		// The bound is far below the acquire timeout (30 s) and wide enough that a loaded build machine still
		// answers within it (200 ms was not: the probe thread itself was late).
		this.contextRunner.withPropertyValues("python.pool.acquire-timeout=30s", "management.health.python.timeout=2s")
			.run((context) -> {
				PythonHealthContributor contributor = context.getBean(PythonHealthContributor.class);
				try (PythonSession session = context.getBean(PythonPool.class).acquire()) {
					long start = System.nanoTime();
					Health health = health(contributor, "default");
					long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
					assertThat(elapsedMillis).isLessThan(10_000);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsEntry("active", 1)
						.containsEntry("idle", 0)
						.containsEntry("probe", "skipped: no interpreter free within 1500 ms");
					assertThat(session.eval("1 + 1")).isEqualTo(2L);
				}
				assertThat(health(contributor, "default").getDetails()).containsEntry("probe", "ok");
			});
	}

	@Test
	@SuppressWarnings("try") // the sessions are held only to keep every interpreter busy
	void probesOfAllPoolsShouldRunAtOnce() {
		this.contextRunner
			.withPropertyValues("management.health.python.timeout=1s", "python.pools.a.size=1",
					"python.pools.b.size=1", "python.pools.c.size=1")
			.run((context) -> {
				PythonHealthContributor contributor = context.getBean(PythonHealthContributor.class);
				List<PythonSession> busy = new ArrayList<>();
				for (PythonPool pool : context.getBeanProvider(PythonPool.class).orderedStream(type -> true).toList()) {
					busy.add(pool.acquire());
				}
				try {
					assertThat(busy).hasSize(4);
					long start = System.nanoTime();
					List<String> probes = contributor.stream()
						.filter((entry) -> !entry.name().equals("runtime"))
						.map((entry) -> (String) ((HealthIndicator) entry.contributor()).health()
							.getDetails()
							.get("probe"))
						.toList();
					long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
					assertThat(probes).hasSize(4).containsOnly("skipped: no interpreter free within 750 ms");
					// One after the other, four probes would take at least 4 x 750 ms; at once, about 1 s.
					assertThat(elapsedMillis).isLessThan(2_500);
				}
				finally {
					busy.forEach(PythonSession::close);
				}
			});
	}

	@Test
	void probesShouldNeitherBeObservedNorCountedAsUses() {
		List<Observation.Context> observed = new ArrayList<>();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				observed.add(context);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(PythonObservationAutoConfiguration.class))
			.withBean(ObservationRegistry.class, () -> observations)
			.withPropertyValues("python.pool.max-uses=1")
			.run((context) -> {
				PythonHealthContributor contributor = context.getBean(PythonHealthContributor.class);
				for (int i = 0; i < 3; i++) {
					assertThat(health(contributor, "default").getDetails()).containsEntry("probe", "ok");
				}
				assertThat(observed).isEmpty();
				PythonPool pool = context.getBean(PythonPool.class);
				assertThat(pool.interpreters()).extracting(InterpreterInfo::uses).containsExactly(0L);
				assertThat(pool.stats().recycled()).isZero();
			});
	}

	@Test
	@SuppressWarnings("try") // the session is held only to keep the pool's one interpreter busy
	void answeredProbeShouldBeReusedOnlyUntilTakenAndNeverOnceOlderThanTheTimeout() {
		this.contextRunner.run((context) -> {
			PythonPool pool = context.getBean(PythonPool.class);
			PoolProbes generous = new PoolProbes(Duration.ofSeconds(30));
			PoolProbes.Probe first = generous.start(pool);
			assertThat(first.result().get(10, TimeUnit.SECONDS)).isTrue();
			assertThat(generous.start(pool)).isSameAs(first);
			generous.taken(pool, first);
			assertThat(generous.start(pool)).isNotSameAs(first);
			generous.close();

			// A probe listed by a health group but never checked: its answer goes stale with the timeout.
			PoolProbes strict = new PoolProbes(Duration.ofMillis(100));
			PoolProbes.Probe unchecked;
			try (PythonSession busy = pool.acquire()) {
				unchecked = strict.start(pool);
				assertThat(unchecked.result().get(10, TimeUnit.SECONDS)).isFalse();
			}
			Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.until(() -> System.nanoTime() - unchecked.startNanos() > Duration.ofMillis(100).toNanos());
			PoolProbes.Probe fresh = strict.start(pool);
			assertThat(fresh).isNotSameAs(unchecked);
			assertThat(fresh.result().get(10, TimeUnit.SECONDS)).isTrue();
			strict.close();
		});
	}

	@Test
	void healthWhenPoolIsClosedShouldBeDown() {
		this.contextRunner.run((context) -> {
			context.getBean(PythonPool.class).close();
			Health health = health(context.getBean(PythonHealthContributor.class), "default");
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("probe", "failed")
				.containsEntry("error", "The pool is closed");
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
	void healthWhenProbeRaisesShouldBeDown() {
		this.contextRunner.withPropertyValues("python.pool.init-script=" + REFUSE_COMPILE).run((context) -> {
			Health health = health(context.getBean(PythonHealthContributor.class), "default");
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("probe", "failed")
				.hasEntrySatisfying("error", (error) -> assertThat(error).asString()
					.contains("PythonException")
					.contains("RuntimeError")
					.contains("refused by the test"));
		});
	}

	@Test
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
			this.contextRunner
				.withPropertyValues("python.pool.init-script=" + blockOnce, "management.health.python.timeout=500ms")
				.run((context) -> {
					PythonHealthContributor contributor = context.getBean(PythonHealthContributor.class);
					long start = System.nanoTime();
					CompletableFuture<Health> request = CompletableFuture.supplyAsync(() -> health(contributor, "default"));
					try (Socket probe = gate.accept()) {
						try {
							// The probe is in flight and blocked: the health request still answers within its bound.
							Health health = request.get(10, TimeUnit.SECONDS);
							assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
							assertThat(health.getStatus()).isEqualTo(Status.UP);
							assertThat(health.getDetails()).containsEntry("probe", "skipped: no answer within 500 ms");
						}
						finally {
							probe.getOutputStream().write(1);
						}
					}
					// Once the call returns, a later probe gets its answer.
					Awaitility.await()
						.atMost(Duration.ofSeconds(30))
						.until(() -> "ok".equals(health(contributor, "default").getDetails().get("probe")));
				});
		}
	}

	private static Health health(PythonHealthContributor contributor, String name) {
		HealthIndicator indicator = (HealthIndicator) contributor.getContributor(name);
		assertThat(indicator).as("component %s", name).isNotNull();
		return indicator.health();
	}

}
