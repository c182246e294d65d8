package dev.embedpython;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A call stuck in C code in a {@link Isolation#MAIN} pool: the main interpreter can be neither ended nor replaced,
 * so its session is taken out of rotation while the call runs and comes back when it returns.
 */
class MainPoolStuckCallTest {

	@Test
	void stuckCallInMainPoolComesBackWithoutEndingTheMainInterpreter() throws Exception {
		try (PythonRuntime runtime = TestRuntimes.start();
				PythonPool pool = runtime.newPool(PoolOptions.builder().name("main-stuck").size(2)
					.isolation(Isolation.MAIN).callTimeout(Duration.ofMillis(200))
					.stuckGracePeriod(Duration.ofMillis(200)).acquireTimeout(Duration.ofSeconds(30)).build())) {
			// sum() over a range is one C loop that never checks for async exceptions: size it to ~2 s here.
			long microsPerMillion = pool.execute((s) -> {
				s.exec("import time\nt0 = time.perf_counter()\nsum(range(1_000_000))\nt1 = time.perf_counter()");
				return Math.max(1L, Math.round(s.eval("(t1 - t0) * 1_000_000", Double.class)));
			});
			long n = 1_000_000L * Math.max(1, 2_000_000 / microsPerMillion);
			ExecutorService executor = Executors.newSingleThreadExecutor();
			try {
				Future<PythonTimeoutException> stuckCall = executor
					.submit(() -> catchThrowableOfType(PythonTimeoutException.class,
							() -> pool.execute((s) -> s.eval("sum(range(" + n + "))"))));
				Await.until("the session to be marked stuck", Duration.ofSeconds(30), () -> pool.stats().stuck() == 1);
				assertThat(pool.interpreters()).extracting(InterpreterInfo::state).containsExactlyInAnyOrder("stuck",
						"idle");
				assertThat(stuckCall.get(60, TimeUnit.SECONDS)).isInstanceOf(PythonTimeoutException.class)
					.hasMessageContaining("pool 'main-stuck'");
			}
			finally {
				executor.shutdownNow();
			}
			// Back in rotation, nothing ended, nothing created or counted as recycled.
			Await.until("the stuck session to come back", Duration.ofSeconds(10),
					() -> pool.stats().stuck() == 0 && pool.stats().idle() == 2);
			assertThat(pool.interpreters()).hasSize(2).extracting(InterpreterInfo::state).containsOnly("idle");
			assertThat(pool.stats().created()).isEqualTo(2);
			assertThat(pool.stats().recycled()).isZero();
			assertThat(pool.stats().timeouts()).isEqualTo(1);
			Long id = pool.execute((s) -> s.eval("__import__('_interpreters').get_current()[0]", Long.class));
			assertThat(id).isZero();
			Long answer = runtime.mainInterpreter().execute((s) -> s.eval("40 + 2", Long.class));
			assertThat(answer).isEqualTo(42L);
		}
	}

}
