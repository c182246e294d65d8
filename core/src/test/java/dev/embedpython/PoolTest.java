package dev.embedpython;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.embedpython.pool.PoolFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The sub-interpreter pool against real CPython: parallelism, isolation, concurrency, thread-state hygiene,
 * timeouts, stuck calls, recycling, lanes and close.
 */
class PoolTest {

	private static PythonRuntime runtime;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
	}

	@AfterAll
	static void stop() {
		runtime.close();
	}

	private static PythonPool pool(PoolOptions.Builder builder) {
		return runtime.newPool(builder.build());
	}

	/**
	 * Two threads spin pure Python for 600 ms, each writing its own counter to a shared mmap and reading the other's.
	 * An "overlap event" is seeing the other counter move between two consecutive reads less than 100 µs apart:
	 * that is only possible while both interpreters execute Python at the same moment. With a shared GIL the other
	 * thread can only move while this one waits for the GIL (a switch interval, 5 ms), so there are none.
	 */
	private static final String RACE = """
			import mmap, struct, time
			def race(path, slot, ms):
			    with open(path, 'r+b') as f:
			        mm = mmap.mmap(f.fileno(), 16)
			    mine, other = slot * 8, 8 - slot * 8
			    end = time.perf_counter_ns() + ms * 1_000_000
			    n = events = 0
			    last_other = struct.unpack_from('q', mm, other)[0]
			    last_t = time.perf_counter_ns()
			    while True:
			        n += 1
			        struct.pack_into('q', mm, mine, n)
			        t = time.perf_counter_ns()
			        o = struct.unpack_from('q', mm, other)[0]
			        if o != last_other and t - last_t < 100_000:
			            events += 1
			        last_other, last_t = o, t
			        if t > end:
			            break
			    mm.close()
			    return [events, n]
			""";

	private static long[] race(Isolation isolation, java.nio.file.Path dir) throws Exception {
		java.nio.file.Path file = dir.resolve(isolation + ".bin");
		java.nio.file.Files.write(file, new byte[16]);
		try (PythonPool pool = pool(PoolOptions.builder().name("race-" + isolation).size(2).isolation(isolation)
			.initScript(RACE))) {
			ExecutorService executor = Executors.newFixedThreadPool(2);
			try {
				CountDownLatch ready = new CountDownLatch(2);
				List<Future<List<?>>> futures = new ArrayList<>();
				for (int slot = 0; slot < 2; slot++) {
					int mine = slot;
					futures.add(executor.submit(() -> pool.execute((s) -> {
						ready.countDown();
						try {
							ready.await();
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
						return s.call(List.class, "__main__", "race", file.toString(), mine, 600);
					})));
				}
				List<?> a = futures.get(0).get(30, TimeUnit.SECONDS);
				List<?> b = futures.get(1).get(30, TimeUnit.SECONDS);
				return new long[] { (Long) a.get(0) + (Long) b.get(0), (Long) a.get(1), (Long) b.get(1) };
			}
			finally {
				executor.shutdownNow();
			}
		}
	}

	/**
	 * The same race with two plain Java threads: the share of iterations in which the other thread was seen moving
	 * shows how much parallelism the machine offers right now.
	 */
	private static double javaOverlapShare() throws Exception {
		java.util.concurrent.atomic.AtomicLongArray counters = new java.util.concurrent.atomic.AtomicLongArray(2);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch ready = new CountDownLatch(2);
			List<Future<long[]>> futures = new ArrayList<>();
			for (int slot = 0; slot < 2; slot++) {
				int mine = slot;
				futures.add(executor.submit(() -> {
					ready.countDown();
					ready.await();
					long end = System.nanoTime() + 600_000_000L;
					long n = 0;
					long events = 0;
					long lastOther = counters.get(1 - mine);
					long lastT = System.nanoTime();
					while (true) {
						counters.set(mine, ++n);
						long t = System.nanoTime();
						long other = counters.get(1 - mine);
						if (other != lastOther && t - lastT < 100_000) {
							events++;
						}
						lastOther = other;
						lastT = t;
						if (t > end) {
							return new long[] { events, n };
						}
						for (int i = 0; i < 200; i++) {
							Thread.onSpinWait();
						}
					}
				}));
			}
			long[] a = futures.get(0).get(30, TimeUnit.SECONDS);
			long[] b = futures.get(1).get(30, TimeUnit.SECONDS);
			return (double) (a[0] + b[0]) / (a[1] + b[1]);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void ownGilInterpretersRunPythonAtTheSameTime(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
			throws Exception {
		double machine = javaOverlapShare();
		org.junit.jupiter.api.Assumptions.assumeTrue(machine > 0.5,
				"two Java threads overlapped in only " + machine + " of their iterations: the machine is too busy to "
						+ "observe parallelism");
		long[] own = race(Isolation.OWN_GIL, dir);
		long[] shared = race(Isolation.SHARED_GIL, dir);
		double ownShare = (double) own[0] / (own[1] + own[2]);
		double sharedShare = (double) shared[0] / (shared[1] + shared[2]);
		assertThat(own[1]).as("iterations of thread 1").isPositive();
		assertThat(own[2]).as("iterations of thread 2").isPositive();
		// A shared GIL only lets edge effects through (the moment one thread finishes); own GILs overlap throughout.
		assertThat(sharedShare).as("overlap share with a shared GIL (the control); own GILs: " + ownShare
				+ ", Java threads: " + machine).isLessThan(0.01);
		assertThat(ownShare).as("overlap share with own GILs; shared GIL: " + sharedShare + ", Java threads: "
				+ machine).isGreaterThan(0.3);
	}

	@Test
	void interpretersAreIsolated() {
		try (PythonPool pool = pool(PoolOptions.builder().name("isolated").size(2));
				PythonSession first = pool.acquire();
				PythonSession second = pool.acquire()) {
			first.exec("secret = 42\nimport sys, json\nsys.modules['marker_module'] = json\njson.flag = 'set'");
			assertThat(first.eval("secret", Long.class)).isEqualTo(42L);
			assertThat(second.eval("'secret' in globals()", Boolean.class)).isFalse();
			assertThat(second.eval("'marker_module' in __import__('sys').modules", Boolean.class)).isFalse();
			assertThat(second.eval("hasattr(__import__('json'), 'flag')", Boolean.class)).isFalse();
			assertThat(first.eval("__import__('_interpreters').get_current()[0]", Long.class))
				.isNotEqualTo(second.eval("__import__('_interpreters').get_current()[0]", Long.class));
		}
	}

	@Test
	void manyThreadsManyCallsOnFourInterpreters() throws Exception {
		try (PythonPool pool = pool(PoolOptions.builder().name("busy").size(4).acquireTimeout(Duration.ofSeconds(60))
			.initScript("def mul(a, b):\n    return a * b\n"))) {
			int threads = 64;
			int calls = 1000;
			ExecutorService executor = Executors.newFixedThreadPool(threads);
			AtomicInteger wrong = new AtomicInteger();
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					int thread = t;
					futures.add(executor.submit(() -> {
						for (int i = 0; i < calls; i++) {
							int arg = i;
							Object result = pool.execute((s) -> s.call("__main__", "mul", thread, arg));
							if (!Long.valueOf((long) thread * i).equals(result)) {
								wrong.incrementAndGet();
							}
						}
					}));
				}
				for (Future<?> future : futures) {
					future.get(5, TimeUnit.MINUTES);
				}
			}
			finally {
				executor.shutdownNow();
			}
			assertThat(wrong).hasValue(0);
			PoolStats stats = pool.stats();
			assertThat(stats.size()).isEqualTo(4);
			assertThat(stats.active()).isZero();
			assertThat(stats.idle()).isEqualTo(4);
			assertThat(stats.pending()).isZero();
			assertThat(stats.created()).isEqualTo(4);
			assertThat(stats.recycled()).isZero();
			assertThat(pool.interpreters()).hasSize(4)
				.allSatisfy((info) -> assertThat(info.state()).isEqualTo("idle"));
			assertThat(pool.interpreters().stream().mapToLong(InterpreterInfo::uses).sum())
				.isEqualTo((long) threads * calls);
		}
	}

	@Test
	void threadStatesOfDeadThreadsAreDeleted() throws Exception {
		try (PythonPool pool = pool(PoolOptions.builder().name("churn").size(2).acquireTimeout(Duration.ofSeconds(60)))) {
			int total = 10_000;
			int batch = 50;
			AtomicInteger ok = new AtomicInteger();
			for (int started = 0; started < total; started += batch) {
				List<Thread> threads = new ArrayList<>();
				for (int i = 0; i < batch; i++) {
					Thread thread = new Thread(() -> {
						Long value = pool.execute((s) -> s.eval("6 * 7", Long.class));
						if (value == 42L) {
							ok.incrementAndGet();
						}
					});
					thread.start();
					threads.add(thread);
				}
				for (Thread thread : threads) {
					thread.join();
				}
				// Purging is lazy, on borrow: the count stays bounded by live threads plus one batch.
				assertThat(pool.stats().threadStates()).isLessThanOrEqualTo(2 * (batch + 16 + 2));
			}
			assertThat(ok).hasValue(total);
			PoolFixtures.purgeDeadThreadStates(pool);
			// The only live thread that holds a thread state per interpreter: python-main, which created it.
			assertThat(pool.stats().threadStates()).isEqualTo(2);
		}
	}

	@Test
	void acquireTimeoutMessageDiagnosesItself() throws Exception {
		try (PythonPool pool = pool(PoolOptions.builder().name("tiny").size(1).acquireTimeout(Duration.ofMillis(200)));
				PythonSession held = pool.acquire()) {
			AtomicReference<Throwable> failure = new AtomicReference<>();
			Thread waiter = new Thread(() -> {
				try {
					pool.acquire().close();
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
			});
			long start = System.nanoTime();
			waiter.start();
			waiter.join();
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(190);
			assertThat(failure.get()).isInstanceOf(PoolExhaustedException.class)
				.hasMessageStartingWith("tiny - no interpreter available after ")
				.hasMessageContaining("total=1, active=1, idle=0, waiting=");
			assertThat(held.eval("1", Long.class)).isEqualTo(1L);
		}
	}

	@Test
	void interruptWhileWaitingRestoresTheFlag() throws Exception {
		try (PythonPool pool = pool(PoolOptions.builder().name("interrupt").size(1).acquireTimeout(Duration.ofSeconds(30)));
				PythonSession held = pool.acquire()) {
			AtomicReference<Throwable> failure = new AtomicReference<>();
			AtomicReference<Boolean> flag = new AtomicReference<>();
			Thread waiter = new Thread(() -> {
				try {
					pool.acquire().close();
				}
				catch (Throwable ex) {
					failure.set(ex);
					flag.set(Thread.currentThread().isInterrupted());
				}
			});
			waiter.start();
			Await.until("the waiter to be pending", Duration.ofSeconds(10), () -> pool.stats().pending() == 1);
			waiter.interrupt();
			waiter.join();
			assertThat(failure.get()).isInstanceOf(PoolExhaustedException.class)
				.hasCauseInstanceOf(InterruptedException.class)
				.hasMessageContaining("interrupted");
			assertThat(flag.get()).isTrue();
			assertThat(held.eval("2", Long.class)).isEqualTo(2L);
		}
	}

	@Test
	void callTimeoutInterruptsAPurePythonLoop() {
		try (PythonPool pool = pool(PoolOptions.builder().name("timeout").size(1).callTimeout(Duration.ofMillis(300)));
				PythonSession session = pool.acquire()) {
			long start = System.nanoTime();
			PythonTimeoutException ex = catchThrowableOfType(PythonTimeoutException.class,
					() -> session.exec("while True:\n    pass\n"));
			long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(ex.pythonType()).isEqualTo("TimeoutError");
			assertThat(ex).hasMessageContaining("pool 'timeout'").hasMessageContaining("call timeout of 300 ms");
			assertThat(elapsedMs).isGreaterThanOrEqualTo(290).isLessThan(1000);
			assertThat(session.eval("21 * 2", Long.class)).isEqualTo(42L);
			assertThat(pool.stats().timeouts()).isEqualTo(1);
			// A user's own TimeoutError stays a plain PythonException.
			PythonException own = catchThrowableOfType(PythonException.class, () -> session.exec("raise TimeoutError('mine')"));
			assertThat(own).isNotInstanceOf(PythonTimeoutException.class);
		}
	}

	@Test
	void setUpWorkRunsPastTheCallTimeout() {
		try (PythonPool pool = pool(PoolOptions.builder().name("setup").size(1).callTimeout(Duration.ofMillis(20)))) {
			// time.sleep is C code that TimeoutError reaches only when it returns: 100 ms is five call timeouts.
			Long answer = pool.executeSetUp((s) -> {
				s.exec("import time\ntime.sleep(0.1)");
				return s.eval("42", Long.class);
			});
			assertThat(answer).isEqualTo(42L);
			assertThat(pool.stats().timeouts()).isZero();
			// The next borrow of the same interpreter is a request again, under the call timeout.
			PythonTimeoutException ex = catchThrowableOfType(PythonTimeoutException.class,
					() -> pool.execute((s) -> s.eval("__import__('time').sleep(0.1)")));
			assertThat(ex).hasMessageContaining("call timeout of 20 ms");
			assertThat(pool.stats().timeouts()).isEqualTo(1);
		}
	}

	@Test
	void setUpWorkIsBoundedByTheCreationTimeoutEvenWithoutACallTimeout() {
		try (PythonPool pool = pool(PoolOptions.builder().name("setup-bound").size(1)
			.creationTimeout(Duration.ofMillis(200)))) {
			long start = System.nanoTime();
			PythonTimeoutException ex = catchThrowableOfType(PythonTimeoutException.class,
					() -> pool.executeSetUp((s) -> {
						s.exec("while True:\n    pass\n");
						return null;
					}));
			long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(ex.pythonType()).isEqualTo("TimeoutError");
			assertThat(ex).hasMessageContaining("pool 'setup-bound'")
				.hasMessageContaining("set-up work exceeded the creation timeout of 200 ms");
			assertThat(elapsedMs).isGreaterThanOrEqualTo(190).isLessThan(5000);
			Long answer = pool.execute((s) -> s.eval("21 * 2", Long.class));
			assertThat(answer).isEqualTo(42L);
		}
	}

	@Test
	void callStuckInCIsReplacedAndEndedWhenItReturns() throws Exception {
		try (PythonPool pool = pool(PoolOptions.builder().name("stuck").size(1).callTimeout(Duration.ofMillis(200))
			.stuckGracePeriod(Duration.ofMillis(200)).acquireTimeout(Duration.ofSeconds(10)))) {
			// sum() over a range is one C loop that never checks for async exceptions: size it to ~2 s here.
			long microsPerMillion = runtime.mainInterpreter().execute((s) -> {
				s.exec("import time\nt0 = time.perf_counter()\nsum(range(1_000_000))\nt1 = time.perf_counter()");
				return Math.max(1L, Math.round(s.eval("(t1 - t0) * 1_000_000", Double.class)));
			});
			// Aim at ~2 s of C loop.
			long n = 1_000_000L * Math.max(1, 2_000_000 / microsPerMillion);
			ExecutorService executor = Executors.newSingleThreadExecutor();
			try {
				Future<Throwable> stuckCall = executor.submit(() -> catchThrowableOfType(PythonTimeoutException.class,
						() -> pool.execute((s) -> s.eval("sum(range(" + n + "))"))));
				Await.until("the interpreter to be marked stuck", Duration.ofSeconds(10),
						() -> pool.stats().stuck() == 1);
				assertThat(pool.interpreters()).extracting(InterpreterInfo::state).contains("stuck");
				// The replacement serves while the stuck call still runs.
				Await.until("a replacement", Duration.ofSeconds(10), () -> pool.stats().idle() == 1);
				Long answer = pool.execute((s) -> s.eval("40 + 2", Long.class));
				assertThat(answer).isEqualTo(42L);
				assertThat(stuckCall.isDone()).isFalse();
				assertThat(stuckCall.get(60, TimeUnit.SECONDS)).isInstanceOf(PythonTimeoutException.class);
				Await.until("the stuck interpreter to end", Duration.ofSeconds(10),
						() -> pool.stats().stuck() == 0 && pool.interpreters().size() == 1);
				assertThat(pool.stats().created()).isEqualTo(2);
				assertThat(pool.stats().recycled()).isEqualTo(1);
			}
			finally {
				executor.shutdownNow();
			}
		}
	}

	@Test
	void maxUsesRecyclesInterpreters() {
		try (PythonPool pool = pool(PoolOptions.builder().name("maxuses").size(1).maxUses(3)
			.acquireTimeout(Duration.ofSeconds(10)))) {
			List<Long> counters = new ArrayList<>();
			for (int i = 0; i < 7; i++) {
				counters.add(pool.execute((s) -> {
					s.exec("n = globals().get('n', 0) + 1");
					return s.get("n", Long.class);
				}));
			}
			assertThat(counters).containsExactly(1L, 2L, 3L, 1L, 2L, 3L, 1L);
			Await.until("two recycles", Duration.ofSeconds(10), () -> pool.stats().recycled() == 2);
			assertThat(pool.stats().created()).isEqualTo(3);
		}
	}

	@Test
	void recycleUnderLoadLosesNoCall() throws Exception {
		try (PythonPool pool = pool(PoolOptions.builder().name("recycle").size(2).acquireTimeout(Duration.ofSeconds(30))
			.initScript("def square(x):\n    return x * x\n"))) {
			List<Long> original = pool.interpreters().stream().map(InterpreterInfo::id).toList();
			ExecutorService executor = Executors.newFixedThreadPool(5);
			try {
				// A session the test holds open across the recycle: its interpreter is in use when recycle() runs,
				// must go on serving the session, and only then be replaced.
				CountDownLatch holding = new CountDownLatch(1);
				CountDownLatch recycleRequested = new CountDownLatch(1);
				Future<List<Object>> held = executor.submit(() -> {
					try (PythonSession session = pool.acquire()) {
						Object before = session.call("__main__", "square", 3);
						holding.countDown();
						assertThat(recycleRequested.await(60, TimeUnit.SECONDS)).isTrue();
						return List.of(before, session.call("__main__", "square", 4));
					}
				});
				assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();
				List<Future<Integer>> futures = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					futures.add(executor.submit(() -> {
						int good = 0;
						for (int i = 0; i < 300; i++) {
							int arg = i;
							if (Long.valueOf((long) i * i).equals(pool.execute((s) -> s.call("__main__", "square", arg)))) {
								good++;
							}
						}
						return good;
					}));
				}
				pool.recycle();
				// The held interpreter stays lent to its session until the session closes.
				assertThat(pool.interpreters()).extracting(InterpreterInfo::state).contains("active");
				recycleRequested.countDown();
				assertThat(held.get(2, TimeUnit.MINUTES)).containsExactly(9L, 16L);
				for (Future<Integer> future : futures) {
					assertThat(future.get(2, TimeUnit.MINUTES)).isEqualTo(300);
				}
			}
			finally {
				executor.shutdownNow();
			}
			// Each of the two original interpreters is replaced exactly once, the held one included.
			Await.until("both original interpreters replaced", Duration.ofSeconds(30),
					() -> pool.stats().recycled() == 2 && pool.stats().idle() == 2);
			assertThat(pool.interpreters()).extracting(InterpreterInfo::id).doesNotContainAnyElementsOf(original)
				.hasSize(2);
			assertThat(pool.stats().created()).isEqualTo(4);
			assertThat(pool.stats().recycled()).isEqualTo(2);
		}
	}

	@Test
	void singlePhaseExtensionsNeedSharedGilOrMainLane() {
		try (PythonPool own = pool(PoolOptions.builder().name("own").size(1))) {
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> own.execute((s) -> s.eval("__import__('_testsinglephase')")));
			assertThat(ex.pythonType()).isEqualTo("ImportError");
			assertThat(ex).hasMessageContaining("SHARED_GIL or MAIN");
		}
		try (PythonPool shared = pool(PoolOptions.builder().name("shared").size(1).isolation(Isolation.SHARED_GIL))) {
			Object name = shared.execute((s) -> s.eval("__import__('_testsinglephase').__name__"));
			assertThat(name).isEqualTo("_testsinglephase");
		}
		Object name = runtime.mainInterpreter().execute((s) -> s.eval("__import__('_testsinglephase').__name__"));
		assertThat(name).isEqualTo("_testsinglephase");
	}

	@Test
	void mainLaneIsTheMainInterpreter() {
		PythonPool main = runtime.mainInterpreter();
		assertThat(main.options().isolation()).isEqualTo(Isolation.MAIN);
		Long id = main.execute((s) -> s.eval("__import__('_interpreters').get_current()[0]", Long.class));
		assertThat(id).isZero();
		try (PythonPool lane = pool(PoolOptions.builder().name("numeric").size(2).isolation(Isolation.MAIN)
			.preload(List.of("json")))) {
			Object value = lane.execute((s) -> s.eval("json.dumps([1])"));
			assertThat(value).isEqualTo("[1]");
		}
		assertThat(runtime.mainInterpreter().isOpen()).isTrue();
	}

	@Test
	void forkIsRefusedUnlessAllowed() {
		try (PythonPool pool = pool(PoolOptions.builder().name("nofork").size(1).allowFork(false))) {
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> pool.execute((s) -> s.eval("__import__('os').fork()")));
			assertThat(ex.pythonType()).isEqualTo("RuntimeError");
			assertThat(ex.pythonMessage()).contains("fork");
		}
	}

	@Test
	void preloadFailureFailsPoolCreation() {
		assertThatExceptionOfType(PythonException.class)
			.isThrownBy(() -> pool(PoolOptions.builder().name("broken").size(1).preload(List.of("no_such_module_xyz"))))
			.withMessageContaining("no_such_module_xyz");
		assertThat(runtime.pools()).extracting(PythonPool::name).doesNotContain("broken");
	}

	@Test
	void closeLetsCallsInFlightFinishThenInterruptsTheRest() throws Exception {
		PythonPool pool = pool(PoolOptions.builder().name("closing").size(2).drainTimeout(Duration.ofMillis(500)));
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch started = new CountDownLatch(2);
			Future<Object> quick = executor.submit(() -> pool.execute((s) -> {
				started.countDown();
				return s.eval("__import__('time').sleep(0.2) or 'done'");
			}));
			Future<Throwable> endless = executor.submit(() -> catchThrowableOfType(PythonException.class,
					() -> pool.execute((s) -> {
						started.countDown();
						s.exec("while True:\n    pass\n");
						return null;
					})));
			started.await();
			pool.close();
			assertThat(quick.get(10, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(endless.get(10, TimeUnit.SECONDS)).isInstanceOf(PythonTimeoutException.class);
			assertThat(pool.isOpen()).isFalse();
			// The pool is named "closing": match the whole message, not the name.
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(pool::acquire)
				.withMessage("Python pool 'closing' is closed");
			Await.until("interpreters ended", Duration.ofSeconds(10), () -> pool.interpreters().isEmpty());
			pool.close();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void retiredInterpreterWaitsUntilLiveThreadsReleaseTheirThreadStates() throws Exception {
		// Deleting a live thread's thread state from another thread would leave CPython's per-thread memory of it
		// dangling; the owner deletes it itself, before its next call, or the reaper once the owner has died.
		Await.until("earlier tests' retired interpreters to end", Duration.ofSeconds(10),
				() -> runtime.retiredInterpreterCount() == 0);
		PythonPool first = pool(PoolOptions.builder().name("retire-first").size(1));
		PythonPool second = pool(PoolOptions.builder().name("retire-second").size(1));
		ExecutorService user = Executors.newSingleThreadExecutor();
		try {
			user.submit(() -> first.execute((s) -> s.eval("1"))).get();
			first.close();
			assertThat(runtime.retiredInterpreterCount()).isEqualTo(1);
			user.submit(() -> second.execute((s) -> s.eval("2"))).get();
			Await.until("the first pool's interpreter to end", Duration.ofSeconds(10),
					() -> runtime.retiredInterpreterCount() == 0);
			Thread shortLived = new Thread(() -> second.execute((s) -> s.eval("3")));
			shortLived.start();
			shortLived.join();
			second.close();
			assertThat(runtime.retiredInterpreterCount()).isEqualTo(1);
			// Both threads that used the second pool die without another call.
			user.shutdown();
			assertThat(user.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			Await.until("the reaper to end the second pool's interpreter", Duration.ofSeconds(10),
					() -> runtime.retiredInterpreterCount() == 0);
		}
		finally {
			user.shutdownNow();
			first.close();
			second.close();
		}
	}

	@Test
	void templateIsAThreadSafeFacade() throws Exception {
		try (PythonPool pool = pool(PoolOptions.builder().name("template").size(2).preload(List.of("json")))) {
			PythonTemplate template = new PythonTemplate(pool);
			template.exec("x = 1");
			assertThat(template.eval("1 + 2", Long.class)).isEqualTo(3L);
			assertThat(template.call("json", "dumps", Map.of("k", 1))).isEqualTo("{\"k\": 1}");
			assertThat(template.call(Map.class, "json", "loads", "{\"k\": [1]}")).isEqualTo(Map.of("k", List.of(1L)));
			assertThat(pool.stats().active()).isZero();
		}
	}

	@Test
	void callObserverAndListenerSeeCalls() {
		try (PythonPool pool = pool(PoolOptions.builder().name("observed").size(1))) {
			List<String> events = new ArrayList<>();
			pool.setCallObserver((poolName, function) -> (outcome, error) -> events.add(poolName + " " + function + " "
					+ outcome));
			AtomicInteger acquired = new AtomicInteger();
			pool.setPoolListener(new PoolListener() {
				@Override
				public void acquired(long waitedNanos) {
					acquired.incrementAndGet();
				}
			});
			pool.execute((s) -> s.call("json", "dumps", 1));
			catchThrowableOfType(PythonException.class, () -> pool.execute((s) -> s.eval("1/0")));
			assertThat(events).containsExactly("observed json.dumps SUCCESS", "observed <eval> ERROR");
			assertThat(acquired).hasValue(2);
		}
	}

}
