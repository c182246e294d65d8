package dev.embedpython;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8's crash and hang paths, each in a child JVM: before the fixes these aborted the JVM
 * ({@code free(): invalid pointer}), hung it (finalization under a running call, a Python thread that never
 * ends) or left the next start unusable. Each scenario prints {@code OK} as its last act.
 */
@org.junit.jupiter.api.Tag("runtime-parity")
class CrashRegressionTest {

	private static final Duration BOUND = Duration.ofSeconds(90);

	/** A sqlite3 function: sqlite calls {@code PyGILState_Ensure} to run it and to free it. */
	static final String SQLITE_UDF = """
			import sqlite3
			c = sqlite3.connect(':memory:')
			c.create_function('f', 1, lambda x: x * 2)
			assert c.execute('select f(21)').fetchone()[0] == 42
			c.close()
			""";

	@Test
	void deletingDeadThreadsStatesLeavesTheDeletingThreadWorking() {
		assertThat(ChildJvm.run(SqliteAfterDeadThreads.class, BOUND).assertClean().output()).contains("OK");
	}

	@Test
	void endingAnInterpreterAfterDeadThreadsRunsItsDestructorsSafely() {
		// CPython 3.13.5 itself aborts here now and then (free(): invalid pointer inside Py_EndInterpreter, ~1 run in
		// 4 with three rounds), with or without this engine's thread-state handling; 3.14 never did in our runs.
		org.junit.jupiter.api.Assumptions.assumeFalse(TestRuntimes.expectedMinorVersion().equals("3.13"),
				"CPython 3.13 aborts ending interpreters whose sqlite3 functions ran on many threads (see DESIGN notes)");
		assertThat(ChildJvm.run(SqliteAtInterpreterEnd.class, BOUND).assertClean().output()).contains("OK");
	}

	@Test
	void runtimeCloseDuringAMainLaneCallDoesNotFinalizeUnderIt() {
		String output = ChildJvm.run(CloseDuringMainCall.class, BOUND).assertClean().output();
		assertThat(output).contains("Not finalizing CPython").contains("'main-slow'").contains("OK");
	}

	@Test
	void aPythonThreadThatNeverEndsBlocksNeitherOtherPoolsNorClose() {
		String output = ChildJvm.run(EndlessPythonThread.class, BOUND).assertClean().output();
		assertThat(output).contains("Pool 'spawner': interpreter").contains("forever").contains("OK");
	}

	@Test
	void aPythonThreadThatEndsLaterLetsItsInterpreterEndThen() {
		String output = ChildJvm.run(LatePythonThread.class, BOUND).assertClean().output();
		assertThat(output).contains("OK");
	}

	@Test
	void aSessionNeverClosedLeavesARuntimeTheNextStartCanUse() {
		String output = ChildJvm.run(UnclosedSession.class, BOUND).assertClean().output();
		assertThat(output).contains("never closed").contains("Continuing with CPython").contains("OK");
	}

	static PythonRuntime start() {
		return TestRuntimes.start();
	}

	static void check(boolean condition, String what) {
		if (!condition) {
			throw new AssertionError(what);
		}
	}

	/** Twenty threads use an interpreter and die; the next purge must not break sqlite on the purging thread. */
	static final class SqliteAfterDeadThreads {

		public static void main(String[] args) throws Exception {
			try (PythonRuntime runtime = start();
					PythonPool pool = runtime.newPool(PoolOptions.builder().name("udf").size(1).build())) {
				runIn(pool);
				for (int round = 0; round < 3; round++) {
					List<Thread> threads = new ArrayList<>();
					for (int i = 0; i < 20; i++) {
						Thread thread = new Thread(() -> pool.execute((s) -> s.eval("1")));
						thread.start();
						threads.add(thread);
					}
					for (Thread thread : threads) {
						thread.join();
					}
					for (int i = 0; i < 3; i++) {
						runIn(pool);
					}
					pool.execute((s) -> {
						s.exec(SQLITE_UDF);
						return null;
					});
				}
			}
			System.out.println("OK");
		}

		private static void runIn(PythonPool pool) throws Exception {
			CompletableFuture.runAsync(() -> pool.execute((s) -> {
				s.exec(SQLITE_UDF);
				return null;
			}), (r) -> new Thread(r).start()).get(30, TimeUnit.SECONDS);
		}

	}

	/** A connection with a function lives until the interpreter ends, after threads that used it died. */
	static final class SqliteAtInterpreterEnd {

		public static void main(String[] args) throws Exception {
			try (PythonRuntime runtime = start()) {
				for (int round = 0; round < 3; round++) {
					PythonPool pool = runtime.newPool(PoolOptions.builder().name("udf-end-" + round).size(1).build());
					Thread owner = new Thread(() -> pool.execute((s) -> {
						s.exec("import sqlite3\nkeep = sqlite3.connect(':memory:', check_same_thread=False)\n"
								+ "keep.create_function('f', 1, lambda x: x * 2)\n"
								+ "assert keep.execute('select f(21)').fetchone()[0] == 42\n");
						return null;
					}));
					owner.start();
					owner.join();
					List<Thread> threads = new ArrayList<>();
					// Fewer than the 16 registrations that trigger a purge on a request thread: python-main deletes them.
					for (int i = 0; i < 10; i++) {
						Thread thread = new Thread(() -> pool.execute((s) -> s.eval("keep.execute('select f(1)')"
								+ ".fetchone()[0]")));
						thread.start();
						threads.add(thread);
					}
					for (Thread thread : threads) {
						thread.join();
					}
					pool.close();
					try (PythonPool next = runtime.newPool(PoolOptions.builder().name("next-" + round).size(1).build())) {
						next.execute((s) -> {
							s.exec(SQLITE_UDF);
							return null;
						});
					}
				}
			}
			check(PythonRuntime.unfinalizedReason() == null, "finalized: " + PythonRuntime.unfinalizedReason());
			System.out.println("OK");
		}

	}

	/** The runtime closes while a MAIN-isolation call outlives the pool's drain timeout. */
	static final class CloseDuringMainCall {

		public static void main(String[] args) throws Exception {
			PythonRuntime runtime = start();
			PythonPool pool = runtime.newPool(PoolOptions.builder().name("main-slow").size(1)
				.isolation(Isolation.MAIN).drainTimeout(Duration.ofMillis(200)).build());
			// The call says when it runs in CPython: a borrowed session (stats().active()) has not started its call
			// yet, and a pool closed in between refuses the call instead (failed once in 3.13's run).
			Path started = Files.createTempDirectory("close-during-main-call").resolve("started");
			String code = "open(" + TestRuntimes.pythonString(started.toString())
					+ ", 'w').close() or __import__('time').sleep(3) or 'slept'";
			CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
				try {
					return pool.execute((s) -> s.eval(code));
				}
				catch (RuntimeException ex) {
					return ex;
				}
			}, (r) -> new Thread(r, "caller").start());
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (!Files.exists(started)) {
				check(System.nanoTime() < deadline, "call started");
				check(!call.isDone(), "call ended early: " + call.getNow(null));
				Thread.onSpinWait();
			}
			runtime.close();
			check(PythonRuntime.unfinalizedReason() != null, "finalization refused");
			Object result = call.get(30, TimeUnit.SECONDS);
			// The sleep is not interruptible: the call ends with its result or with the drain's TimeoutError.
			check("slept".equals(result) || result instanceof PythonTimeoutException, "result: " + result);
			Files.deleteIfExists(started);
			Files.deleteIfExists(started.getParent());
			try (PythonRuntime again = start()) {
				check(again.mainInterpreter().execute((s) -> s.eval("6 * 7", Long.class)) == 42L, "continues");
			}
			check(PythonRuntime.unfinalizedReason() == null, "finalized at last: " + PythonRuntime.unfinalizedReason());
			System.out.println("OK");
		}

	}

	/** A pool's Python thread sleeps for an hour. */
	static final class EndlessPythonThread {

		public static void main(String[] args) throws Exception {
			PythonRuntime runtime = start();
			PythonPool spawner = runtime.newPool(PoolOptions.builder().name("spawner").size(1).build());
			spawner.execute((s) -> {
				s.exec("import threading, time\nthreading.Thread(target=time.sleep, args=(3600,), name='forever')"
						+ ".start()\n");
				return null;
			});
			long start = System.nanoTime();
			spawner.close();
			try (PythonPool other = runtime.newPool(PoolOptions.builder().name("other").size(2).build())) {
				check(other.execute((s) -> s.eval("6 * 7", Long.class)) == 42L, "other pool serves");
			}
			runtime.close();
			check(PythonRuntime.unfinalizedReason() != null, "finalization refused");
			check(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "closed in time");
			try (PythonRuntime again = start();
					PythonPool pool = again.newPool(PoolOptions.builder().name("again").size(1).build())) {
				check(pool.execute((s) -> s.eval("6 * 7", Long.class)) == 42L, "continues");
			}
			System.out.println("OK");
		}

	}

	/** A pool's Python thread outlives the pool by a second. */
	static final class LatePythonThread {

		public static void main(String[] args) throws Exception {
			try (PythonRuntime runtime = start()) {
				PythonPool spawner = runtime.newPool(PoolOptions.builder().name("late").size(1).build());
				// From a thread that then dies, so no live Java thread holds a thread state of the interpreter.
				Thread user = new Thread(() -> spawner.execute((s) -> {
					s.exec("import threading, time\nthreading.Thread(target=time.sleep, args=(1,), name='late')"
							+ ".start()\n");
					return null;
				}));
				user.start();
				user.join();
				spawner.close();
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
				while (runtime.retiredInterpreterCount() > 0) {
					check(System.nanoTime() < deadline, "ended once its thread finished");
					Thread.onSpinWait();
				}
			}
			check(PythonRuntime.unfinalizedReason() == null, "finalized: " + PythonRuntime.unfinalizedReason());
			System.out.println("OK");
		}

	}

	/** The main thread keeps a session open across runtime close. */
	static final class UnclosedSession {

		public static void main(String[] args) throws Exception {
			PythonRuntime runtime = start();
			PythonPool pool = runtime.newPool(PoolOptions.builder().name("unclosed").size(1)
				.drainTimeout(Duration.ofMillis(100)).build());
			PythonSession leaked = pool.acquire();
			leaked.exec("x = 1");
			long start = System.nanoTime();
			runtime.close();
			check(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "closed in time");
			check(PythonRuntime.unfinalizedReason() != null, "finalization refused");
			System.out.println("refused: " + PythonRuntime.unfinalizedReason());
			try (PythonRuntime again = start();
					PythonPool next = again.newPool(PoolOptions.builder().name("next").size(1).build())) {
				// This thread's next session releases its thread state of the retired interpreter.
				check(next.execute((s) -> s.eval("6 * 7", Long.class)) == 42L, "continues");
				try {
					leaked.eval("x");
				}
				catch (IllegalStateException ex) {
					System.out.println("leaked session: " + ex.getMessage());
				}
				leaked.close();
			}
			check(PythonRuntime.unfinalizedReason() == null, "finalized at last: " + PythonRuntime.unfinalizedReason());
			System.out.println("OK");
		}

	}

}
