package dev.embedpython;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The process-wide runtime: reference counting, finalize and re-initialize in one JVM, the owner thread.
 */
class RuntimeLifecycleTest {

	@Test
	void startCloseStartCloseInOneJvm() {
		for (int cycle = 0; cycle < 3; cycle++) {
			PythonRuntime runtime = TestRuntimes.start();
			try (PythonSession session = runtime.mainInterpreter().acquire()) {
				session.exec("import json\nvalue = json.loads('[1, 2, 3]')");
				assertThat(session.eval("sum(value)", Long.class)).isEqualTo(6L);
			}
			runtime.close();
			assertThat(runtime.isRunning()).isFalse();
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(runtime::mainInterpreter);
		}
	}

	@Test
	void startIsReferenceCounted() {
		PythonRuntime first = TestRuntimes.start();
		PythonRuntime second = TestRuntimes.start();
		assertThat(second).isSameAs(first);
		second.close();
		assertThat(first.isRunning()).isTrue();
		Long two = first.mainInterpreter().execute((s) -> s.eval("1 + 1", Long.class));
		assertThat(two).isEqualTo(2L);
		first.close();
		assertThat(first.isRunning()).isFalse();
		first.close();
	}

	@Test
	void concurrentStartsReturnTheSameRuntime() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch go = new CountDownLatch(1);
			Future<PythonRuntime> a = executor.submit(() -> {
				go.await();
				return TestRuntimes.start();
			});
			Future<PythonRuntime> b = executor.submit(() -> {
				go.await();
				return TestRuntimes.start();
			});
			go.countDown();
			PythonRuntime runtimeA = a.get(60, TimeUnit.SECONDS);
			PythonRuntime runtimeB = b.get(60, TimeUnit.SECONDS);
			assertThat(runtimeA).isSameAs(runtimeB);
			runtimeA.close();
			assertThat(runtimeB.isRunning()).isTrue();
			runtimeB.close();
			assertThat(runtimeA.isRunning()).isFalse();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void reportsVersionHomeAndOwnerThread() {
		try (PythonRuntime runtime = TestRuntimes.start()) {
			assertThat(runtime.version()).matches("3\\.1[3-9]\\.\\d+.*");
			assertThat(runtime.home()).isDirectory();
			try (PythonSession session = runtime.mainInterpreter().acquire()) {
				session.exec("import sys, threading, signal");
				assertThat(session.eval("sys.prefix", String.class)).isEqualTo(runtime.home().toString());
				// python-main initialized CPython, so it is Python's main thread; callers are other threads.
				assertThat(session.eval("threading.main_thread().ident != threading.get_ident()", Boolean.class))
					.isTrue();
				assertThat(session.eval("sys.flags.isolated", Long.class)).isEqualTo(1L);
				assertThat(session.eval("signal.getsignal(signal.SIGINT) is not signal.default_int_handler",
						Boolean.class))
					.isTrue();
			}
		}
	}

	@Test
	void extraPathsReachEveryInterpreter(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
		java.nio.file.Files.writeString(dir.resolve("greeting_mod.py"), "def greet(n):\n    return 'hi ' + n\n");
		try (PythonRuntime runtime = PythonRuntime.start(TestRuntimes.options().addPath(dir).build());
				PythonPool pool = runtime.newPool(PoolOptions.builder().name("paths").size(1).preload(
						java.util.List.of("greeting_mod")).build())) {
			Object bob = pool.execute((s) -> s.call("greeting_mod", "greet", "bob"));
			Object ann = runtime.mainInterpreter().execute((s) -> s.call("greeting_mod", "greet", "ann"));
			assertThat(bob).isEqualTo("hi bob");
			assertThat(ann).isEqualTo("hi ann");
		}
	}

}
