package dev.embedpython;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Virtual threads never attach a thread state: their calls run on the interpreter's platform worker, so a virtual
 * thread that parks (sleeps) between two calls of one session cannot move a thread state to another carrier.
 */
class VirtualThreadTest {

	@Test
	void tenThousandVirtualThreadsCallThroughAPool() throws Exception {
		try (PythonRuntime runtime = TestRuntimes.start();
				PythonPool pool = runtime.newPool(PoolOptions.builder().name("virtual").size(4)
					.acquireTimeout(Duration.ofSeconds(120))
					.initScript("import threading\ndef ident():\n    return threading.get_ident()\n"
							+ "def add(a, b):\n    return a + b\n")
					.build())) {
			AtomicInteger correct = new AtomicInteger();
			try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
				List<Future<?>> futures = new ArrayList<>();
				for (int i = 0; i < 10_000; i++) {
					int n = i;
					futures.add(executor.submit(() -> {
						try (PythonSession session = pool.acquire()) {
							Object first = session.call("__main__", "add", n, 1);
							if (n % 10 == 0) {
								// Park the virtual thread between two calls of one session.
								Thread.sleep(1);
							}
							Object second = session.call("__main__", "add", n, 2);
							if (Long.valueOf(n + 1L).equals(first) && Long.valueOf(n + 2L).equals(second)) {
								correct.incrementAndGet();
							}
						}
						return null;
					}));
				}
				for (Future<?> future : futures) {
					future.get(5, TimeUnit.MINUTES);
				}
			}
			assertThat(correct).hasValue(10_000);
			assertThat(pool.stats().active()).isZero();
		}
	}

	@Test
	void virtualThreadSeesTheSameErrorsAndTimeouts() throws Exception {
		try (PythonRuntime runtime = TestRuntimes.start();
				PythonPool pool = runtime.newPool(PoolOptions.builder().name("virtual-errors").size(1)
					.callTimeout(Duration.ofMillis(300)).build())) {
			Thread thread = Thread.ofVirtual().unstarted(() -> {
				try (PythonSession session = pool.acquire()) {
					try {
						session.eval("1 / 0");
					}
					catch (PythonException ex) {
						assertThat(ex.pythonType()).isEqualTo("ZeroDivisionError");
					}
					try {
						session.exec("while True:\n    pass\n");
					}
					catch (PythonTimeoutException ex) {
						assertThat(ex.pythonType()).isEqualTo("TimeoutError");
					}
					assertThat(session.eval("2 + 2", Long.class)).isEqualTo(4L);
				}
			});
			AtomicInteger failures = new AtomicInteger();
			thread.setUncaughtExceptionHandler((t, ex) -> failures.incrementAndGet());
			thread.start();
			thread.join();
			assertThat(failures).hasValue(0);
			assertThat(pool.stats().timeouts()).isEqualTo(1);
		}
	}

}
