package dev.embedpython;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Regression tests of issue 8 that can run in the shared test JVM: bounded caches, waiters woken by close, the
 * callable cache under concurrent first calls, leak detection, sessions of dead threads, failed replacements
 * retried, and bounded, self-describing interpreter creation.
 */
@org.junit.jupiter.api.Tag("runtime-parity")
class RobustnessTest {

	private static PythonRuntime runtime;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
	}

	@AfterAll
	static void stop() {
		runtime.close();
	}

	@Test
	void linecacheStaysBoundedWithTheCodeCache() {
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("linecache").size(1).build());
				PythonSession session = pool.acquire()) {
			for (int i = 0; i < 1500; i++) {
				session.exec("x = " + i);
			}
			long registered = session.eval(
					"sum(1 for k in __import__('linecache').cache if k.startswith('<embedpython-'))", Long.class);
			// 512 exec + 512 eval code objects at most, each with its source registered.
			assertThat(registered).isLessThanOrEqualTo(1024);
			assertThat(session.eval("x", Long.class)).isEqualTo(1499L);
		}
	}

	@Test
	void closeWakesThreadsWaitingToAcquire() throws Exception {
		PythonPool pool = runtime.newPool(PoolOptions.builder().name("wake").size(1)
			.acquireTimeout(Duration.ofSeconds(60)).drainTimeout(Duration.ofSeconds(30)).build());
		PythonSession held = pool.acquire();
		CountDownLatch waiting = new CountDownLatch(1);
		// A thread each: the common pool may have a single worker, which the waiter would keep from the close.
		java.util.concurrent.Executor threads = (task) -> new Thread(task).start();
		CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
			waiting.countDown();
			return catchThrowable(pool::acquire);
		}, threads);
		waiting.await(10, TimeUnit.SECONDS);
		awaitPending(pool, 1);
		CompletableFuture<Void> closing = CompletableFuture.runAsync(pool::close, threads);
		long start = System.nanoTime();
		Throwable failure = waiter.get(10, TimeUnit.SECONDS);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("'wake' was closed");
		held.close();
		closing.get(30, TimeUnit.SECONDS);
		assertThat(pool.isOpen()).isFalse();
	}

	private static void awaitPending(PythonPool pool, int pending) {
		Await.until("a thread waiting in acquire()", Duration.ofSeconds(10), () -> pool.stats().pending() >= pending);
	}

	@Test
	void concurrentFirstCallsOnTheMainLaneKeepOneReference(@TempDir Path dir) throws Exception {
		Files.writeString(dir.resolve("slow_import_mod.py"), "import time\ntime.sleep(0.3)\ndef f():\n    return 7\n");
		Files.writeString(dir.resolve("fast_import_mod.py"), "def f():\n    return 7\n");
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("main-callables").size(4)
			.isolation(Isolation.MAIN).acquireTimeout(Duration.ofSeconds(30))
			.initScript("import sys\nsys.path.insert(0, " + TestRuntimes.pythonString(dir.toString()) + ")\n").build())) {
			ExecutorService executor = Executors.newFixedThreadPool(4);
			try {
				CountDownLatch ready = new CountDownLatch(4);
				List<Future<Long>> calls = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					calls.add(executor.submit(() -> {
						ready.countDown();
						ready.await();
						return pool.execute((s) -> s.call(Long.class, "slow_import_mod", "f"));
					}));
				}
				for (Future<Long> call : calls) {
					assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo(7L);
				}
			}
			finally {
				executor.shutdownNow();
			}
			long slow = pool.execute((s) -> {
				s.call("fast_import_mod", "f");
				return s.eval("__import__('sys').getrefcount(__import__('slow_import_mod').f)"
						+ " - __import__('sys').getrefcount(__import__('fast_import_mod').f)", Long.class);
			});
			// Both functions are referenced by their module and once by the callable cache.
			assertThat(slow).as("extra references to a callable looked up by 4 threads at once").isZero();
		}
	}

	@Test
	void leakDetectionWarnsWithTheAcquiringStack() throws Exception {
		List<LogRecord> records = new CopyOnWriteArrayList<>();
		Handler handler = collect(records);
		Logger logger = Logger.getLogger("dev.embedpython.pool.InterpreterPool");
		logger.addHandler(handler);
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("leaky").size(1)
			.leakDetectionThreshold(Duration.ofMillis(100)).build())) {
			try (PythonSession session = pool.acquire()) {
				Await.until("leak warning", Duration.ofSeconds(10), () -> records.stream()
					.anyMatch((r) -> r.getMessage().contains("apparent session leak")));
				assertThat(session.eval("1 + 1", Long.class)).isEqualTo(2L);
			}
			LogRecord record = records.stream().filter((r) -> r.getMessage().contains("apparent session leak"))
				.findFirst().orElseThrow();
			assertThat(record.getMessage()).contains("'leaky'").contains(Thread.currentThread().getName());
			assertThat(record.getThrown()).isNotNull();
			assertThat(record.getThrown().getStackTrace()).anySatisfy((frame) -> assertThat(frame.getMethodName())
				.isEqualTo("leakDetectionWarnsWithTheAcquiringStack"));
		}
		finally {
			logger.removeHandler(handler);
		}
	}

	@Test
	void sessionOfADeadThreadIsReclaimed() throws Exception {
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("orphan").size(1)
			.acquireTimeout(Duration.ofSeconds(20)).build())) {
			Thread thread = new Thread(() -> {
				PythonSession session = pool.acquire();
				session.exec("left = 'behind'");
				// Never closed: the thread dies holding it.
			});
			thread.start();
			thread.join(10_000);
			assertThat(thread.isAlive()).isFalse();
			long start = System.nanoTime();
			try (PythonSession session = pool.acquire()) {
				assertThat(session.eval("left", String.class)).isEqualTo("behind");
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		}
	}

	@Test
	void failedReplacementIsRetriedAndShownInStats(@TempDir Path dir) throws Exception {
		Path flag = dir.resolve("refuse");
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("flaky").size(1)
			.acquireTimeout(Duration.ofSeconds(30))
			.initScript("import os\nif os.path.exists(" + TestRuntimes.pythonString(flag.toString())
					+ "):\n    raise RuntimeError('replacement refused')\n")
			.build())) {
			Files.writeString(flag, "");
			pool.recycle();
			Await.until("a missing interpreter", Duration.ofSeconds(20), () -> pool.stats().missing() == 1);
			assertThat(pool.stats().size()).isZero();
			Files.delete(flag);
			Await.until("the replacement retried", Duration.ofSeconds(20), () -> pool.stats().missing() == 0
					&& pool.stats().idle() == 1);
			assertThat((Long) pool.execute((s) -> s.eval("6 * 7", Long.class))).isEqualTo(42L);
		}
	}

	@Test
	void preloadFailureNamesThePoolTheModuleAndCarriesTheTraceback(@TempDir Path dir) throws Exception {
		Files.writeString(dir.resolve("bad_preload_mod.py"), "x = 1\nraise RuntimeError('bad import at module level')\n");
		PythonException failure = (PythonException) catchThrowable(() -> runtime.newPool(PoolOptions.builder()
			.name("preloaded").size(1)
			.initScript("import sys\nsys.path.insert(0, " + TestRuntimes.pythonString(dir.toString())
					+ ")\nimport bad_preload_mod\n")
			.build()));
		assertThat(failure).isNotNull();
		assertThat(failure.getMessage()).contains("'preloaded'").contains("init script")
			.contains("bad import at module level");
		assertThat(failure.pythonTraceback()).contains("bad_preload_mod.py").contains("line 2");
		PythonException preload = (PythonException) catchThrowable(() -> runtime.newPool(PoolOptions.builder()
			.name("preloaded2").size(1).preload(List.of("no_such_module_for_preload")).build()));
		assertThat(preload.getMessage()).contains("'preloaded2'").contains("preload module 'no_such_module_for_preload'");
		assertThat(runtime.pools()).extracting(PythonPool::name).doesNotContain("preloaded", "preloaded2");
	}

	@Test
	void creationThatNeverFinishesFailsWithinItsBound(@TempDir Path dir) throws Exception {
		Files.writeString(dir.resolve("endless_preload_mod.py"), "while True:\n    pass\n");
		long start = System.nanoTime();
		assertThatExceptionOfType(PythonInitializationException.class).isThrownBy(() -> runtime.newPool(PoolOptions
			.builder().name("endless").size(1).creationTimeout(Duration.ofSeconds(1))
			.initScript("import sys\nsys.path.insert(0, " + TestRuntimes.pythonString(dir.toString())
					+ ")\nimport endless_preload_mod\n")
			.build()))
			.withMessageContaining("'endless'")
			.withMessageContaining("init script")
			.withMessageContaining("1000 ms");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		// python-main is free: other pools are created and serve meanwhile.
		try (PythonPool other = runtime.newPool(PoolOptions.builder().name("after-endless").size(1).build())) {
			assertThat((Long) other.execute((s) -> s.eval("6 * 7", Long.class))).isEqualTo(42L);
		}
	}

	private static Handler collect(List<LogRecord> records) {
		return new Handler() {
			@Override
			public void publish(LogRecord record) {
				records.add(record);
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}
		};
	}

}
