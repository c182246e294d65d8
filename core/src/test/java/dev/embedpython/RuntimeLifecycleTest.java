package dev.embedpython;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The process-wide runtime: reference counting, finalize and re-initialize in one JVM, the owner thread. Runs in a
 * JVM of its own (tag {@code own-jvm}), so that no other test class holds the runtime it finalizes.
 */
@Tag("own-jvm")
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

	@Test
	void pythonMainInitializesCPythonAndCreatesTheInterpreters() throws Exception {
		try (PythonRuntime runtime = TestRuntimes.start();
				PythonPool pool = runtime.newPool(PoolOptions.builder().name("owner").size(1)
					.initScript("CREATED_ON = " + NativeThreads.PYTHON_THREAD_NAME).build())) {
			// Python's main thread is the thread that initialized CPython; ask the C library for its name.
			String initializer = runtime.mainInterpreter().execute((s) -> {
				s.exec("import ctypes, threading\n" + "getname = ctypes.CDLL(None).pthread_getname_np\n"
						+ "getname.argtypes = [ctypes.c_ulong, ctypes.c_char_p, ctypes.c_size_t]\n"
						+ "buffer = ctypes.create_string_buffer(16)\n"
						+ "getname(threading.main_thread().ident, buffer, 16)\n");
				return s.eval("buffer.value.decode()", String.class);
			});
			assertThat(initializer).isEqualTo("python-main");
			// The init script runs on a set-up thread of its own (bounded by the creation timeout), not on python-main,
			// which a preload that never returns would otherwise block for every pool (OS names stop at 15 chars).
			String createdOn = pool.execute((s) -> s.eval("CREATED_ON", String.class));
			assertThat(createdOn).startsWith("python-setup-");
			// Calls run on the calling thread itself (a new one: this test's thread may predate a restart).
			CompletableFuture<String[]> names = new CompletableFuture<>();
			Thread caller = new Thread(() -> {
				try {
					String ranOn = pool.execute((s) -> s.eval(NativeThreads.PYTHON_THREAD_NAME, String.class));
					names.complete(new String[] { NativeThreads.name(NativeThreads.currentId()), ranOn });
				}
				catch (Throwable ex) {
					names.completeExceptionally(ex);
				}
			}, "caller-thread");
			caller.start();
			assertThat(names.get(60, TimeUnit.SECONDS)).containsExactly("caller-thread", "caller-thread");
		}
	}

	@Test
	void threadThatCalledBeforeARestartHandsItsLaterCallsToAWorker() throws Exception {
		String nativeId = "__import__('threading').get_native_id()";
		// One platform thread makes calls in two runtimes, one after the other.
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			PythonRuntime first = TestRuntimes.start();
			try (PythonPool pool = first.newPool(PoolOptions.builder().name("before-restart").size(1).build())) {
				long[] ids = caller.submit(() -> new long[] { NativeThreads.currentId(),
						pool.execute((s) -> s.eval(nativeId, Long.class)) })
					.get(60, TimeUnit.SECONDS);
				assertThat(ids[1]).as("the call ran on the calling thread").isEqualTo(ids[0]);
			}
			first.close();
			assertThat(first.isRunning()).isFalse();
			try (PythonRuntime second = TestRuntimes.start();
					PythonPool pool = second.newPool(PoolOptions.builder().name("after-restart").size(1)
						.acquireTimeout(Duration.ofSeconds(30)).build())) {
				assertThat(second).isNotSameAs(first);
				Object[] seen = caller.submit(() -> {
					long python = pool.execute((s) -> s.eval(nativeId, Long.class));
					return new Object[] { NativeThreads.currentId(), python, NativeThreads.name(python) };
				}).get(60, TimeUnit.SECONDS);
				assertThat(seen[1]).as("the call ran on another thread").isNotEqualTo(seen[0]);
				assertThat((String) seen[2]).startsWith("python-worker-");
				// A thread that never attached before the restart still runs its calls itself.
				CompletableFuture<long[]> fresh = new CompletableFuture<>();
				Thread thread = new Thread(() -> {
					try {
						fresh.complete(new long[] { NativeThreads.currentId(),
								pool.execute((s) -> s.eval(nativeId, Long.class)) });
					}
					catch (Throwable ex) {
						fresh.completeExceptionally(ex);
					}
				});
				thread.start();
				long[] ids = fresh.get(60, TimeUnit.SECONDS);
				assertThat(ids[1]).isEqualTo(ids[0]);
			}
		}
		finally {
			caller.shutdownNow();
		}
	}

}
