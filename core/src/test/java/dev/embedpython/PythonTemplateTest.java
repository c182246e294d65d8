package dev.embedpython;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PythonTemplate} shared by many threads at once, and {@link PythonTemplate#execute} keeping one session (one
 * interpreter, shared globals) for the whole callback.
 */
class PythonTemplateTest {

	@Test
	void oneTemplateServesManyThreadsAtOnce() throws Exception {
		int threads = 8;
		int rounds = 200;
		try (PythonRuntime runtime = TestRuntimes.start();
				PythonPool pool = runtime.newPool(PoolOptions.builder().name("template-shared").size(2)
					.acquireTimeout(Duration.ofSeconds(60)).preload(List.of("json")).build())) {
			PythonTemplate template = new PythonTemplate(pool);
			ExecutorService executor = Executors.newFixedThreadPool(threads);
			try {
				CountDownLatch start = new CountDownLatch(1);
				List<Future<Integer>> futures = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					int thread = t;
					futures.add(executor.submit(() -> {
						assertThat(start.await(60, TimeUnit.SECONDS)).isTrue();
						int good = 0;
						for (int i = 0; i < rounds; i++) {
							String token = thread + ":" + i;
							// Several operations in one callback see each other's globals: one interpreter throughout.
							List<?> seen = template.execute((session) -> {
								Object first = session.eval("__import__('_interpreters').get_current()[0]");
								session.set("token", token);
								session.exec("echo = token.upper()");
								Object second = session.eval("__import__('_interpreters').get_current()[0]");
								return List.of(first.equals(second), session.get("echo"));
							});
							boolean single = seen.equals(List.of(true, token.toUpperCase()));
							boolean direct = Long.valueOf(thread * 1000L + i)
								.equals(template.eval(thread * 1000L + " + " + i));
							boolean json = ("[" + thread + ", " + i + "]")
								.equals(template.call("json", "dumps", List.of(thread, i)));
							if (single && direct && json) {
								good++;
							}
						}
						return good;
					}));
				}
				start.countDown();
				for (Future<Integer> future : futures) {
					assertThat(future.get(5, TimeUnit.MINUTES)).isEqualTo(rounds);
				}
			}
			finally {
				executor.shutdownNow();
			}
			template.exec("after = 1");
			assertThat(pool.stats().active()).isZero();
			assertThat(pool.stats().idle()).isEqualTo(2);
			// Both interpreters served: the threads really ran at once over the pool.
			assertThat(pool.interpreters()).allSatisfy((info) -> assertThat(info.uses()).isPositive());
		}
	}

}
