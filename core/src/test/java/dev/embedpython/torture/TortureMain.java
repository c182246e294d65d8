package dev.embedpython.torture;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.math.BigInteger;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.embedpython.Isolation;
import dev.embedpython.PoolExhaustedException;
import dev.embedpython.PoolOptions;
import dev.embedpython.PoolStats;
import dev.embedpython.PythonConversionException;
import dev.embedpython.PythonException;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonSession;
import dev.embedpython.PythonTimeoutException;
import dev.embedpython.RuntimeOptions;

/**
 * A seeded randomized torture run: worker threads (long-lived platform threads, long-lived virtual threads where
 * the JDK has them, and short-lived threads started for single operations) perform random operations on pools of
 * every isolation, while a watchdog checks the invariants continuously. Meant to run in a child JVM (see
 * {@code TortureTest} and {@code ChildJvm}), since what it looks for is a JVM that crashes or hangs.
 * <p>
 * Invariants: no crash (this process exits 0 and prints {@code TORTURE RESULT}); every operation returns within its
 * bound (else the watchdog prints {@code TORTURE HANG}, every thread's stack, and halts with exit code 2); every
 * result is correct, and every exception is the documented one for the situation (else {@code TORTURE FAILURE},
 * exit code 1); pool stats add up; each pool serves an acquire at least once per starvation bound; no session is
 * left active once the workers stopped; RSS stays under a limit.
 * <p>
 * Every random choice comes from one {@link Random} seeded by {@code --seed} (each worker gets its own generator
 * drawn from it), so a failing seed replays the same operation sequence per worker; thread scheduling is not
 * reproducible. Arguments: {@code --seed N --seconds S [--platform-workers N] [--virtual-workers N]
 * [--short-lived-percent P] [--exclude kind,kind] [--only kind,kind] [--rss-limit-mb M] [--margin-ms MS]
 * [--starvation-ms MS] [--restart-interval-ms MS] [--trace-file PATH] [--verbose]}.
 */
public final class TortureMain {

	/** Exit code when an operation overran its bound: the watchdog dumped the stacks and halted. */
	static final int EXIT_HANG = 2;

	/** Exit code when an invariant failed. */
	static final int EXIT_FAILURE = 1;

	private static final String HELPERS = "torture_helpers";

	private static final MethodHandle START_VIRTUAL = startVirtualHandle();

	/**
	 * Kinds of operations with their relative weight and the shortest interval between two starts of the same
	 * kind (for the ones that recycle interpreters or restart things: they leak memory in CPython and would
	 * otherwise dominate the run).
	 */
	enum Kind {

		CALL("call", 200, 0), STRING("string", 80, 0), CONTAINER("container", 80, 0), ERROR("error", 60, 0),
		CAUSE_CYCLE("cause-cycle", 10, 0),
		SESSION("session", 50, 0), TIMEOUT_LOOP("timeout-loop", 15, 0), STUCK_C("stuck-c", 10, 0),
		SQLITE("sqlite", 50, 0), CTYPES("ctypes", 40, 0), PY_THREAD("py-thread", 30, 0),
		MUTATING("mutating", 30, 0), INT_SUBCLASS("int-subclass", 15, 0), SURROGATE("surrogate", 15, 0),
		DIE_AFTER("die-after", 25, 0), DIE_HOLDING("die-holding", 5, 1000), MAX_USES("max-uses", 10, 1500),
		RECYCLE("recycle", 5, 2000), POOL_CYCLE("pool-cycle", 5, 2000),
		PY_THREAD_FOREVER("py-thread-forever", 3, 4000), RUNTIME_RESTART("runtime-restart", 3, -1);

		final String id;

		final int weight;

		/** Milliseconds between two starts; -1: the {@code --restart-interval-ms} setting. */
		final long intervalMs;

		Kind(String id, int weight, long intervalMs) {
			this.id = id;
			this.weight = weight;
			this.intervalMs = intervalMs;
		}

		static Kind of(String id) {
			for (Kind kind : values()) {
				if (kind.id.equals(id)) {
					return kind;
				}
			}
			throw new IllegalArgumentException("Unknown operation kind '" + id + "'; known: "
					+ Arrays.stream(values()).map((kind) -> kind.id).toList());
		}

	}

	/** The pool slots of a world; the main lane ({@code runtime.mainInterpreter()}) is not a slot. */
	private static final int OWN = 0;

	private static final int SHARED = 1;

	private static final int MAIN_POOL = 2;

	private static final int MAX_USES_SLOT = 3;

	private static final int SLOTS = 4;

	private final Settings settings;

	private final Random master;

	private final Path helperDir;

	private final AtomicReference<World> world = new AtomicReference<>();

	private final ReentrantLock restartLock = new ReentrantLock();

	/** Signalled when a pool slot or the world is replaced; workers that met a closed pool wait for it. */
	private final ReentrantLock changeLock = new ReentrantLock();

	private final Condition changed = this.changeLock.newCondition();

	private long changes;

	private final AtomicInteger generations = new AtomicInteger();

	private final AtomicInteger poolNames = new AtomicInteger();

	private final Map<Kind, AtomicLong> lastStart = new EnumMap<>(Kind.class);

	private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();

	private final AtomicLong operationIds = new AtomicLong();

	private final Map<Kind, LongAdder> executed = new EnumMap<>(Kind.class);

	private final Map<Kind, LongAdder> busyNanos = new EnumMap<>(Kind.class);

	private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> lastServed = new ConcurrentHashMap<>();

	private final AtomicInteger failures = new AtomicInteger();

	private final Map<String, LongAdder> failureSignatures = new ConcurrentHashMap<>();

	private final AtomicInteger restarts = new AtomicInteger();

	private final AtomicLong rssFirst = new AtomicLong(-1);

	private final AtomicLong rssLast = new AtomicLong(-1);

	private final AtomicLong rssMax = new AtomicLong(-1);

	private volatile boolean stop;

	private volatile long runDeadlineNanos = Long.MAX_VALUE;

	private volatile String phase = "starting";

	private final MappedByteBuffer traceBuffer;

	private TortureMain(Settings settings, Path helperDir) {
		this.settings = settings;
		this.master = new Random(settings.seed);
		this.helperDir = helperDir;
		this.traceBuffer = (settings.traceFile != null) ? mapTrace(settings.traceFile) : null;
		for (Kind kind : Kind.values()) {
			this.lastStart.put(kind, new AtomicLong(System.nanoTime() - TimeUnit.HOURS.toNanos(1)));
			this.executed.put(kind, new LongAdder());
			this.busyNanos.put(kind, new LongAdder());
		}
	}

	public static void main(String[] args) throws Exception {
		Settings settings;
		try {
			settings = Settings.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("TORTURE usage error: " + ex.getMessage());
			System.exit(3);
			return;
		}
		// First line, so that a crash still names its seed.
		System.out.println("TORTURE seed=" + settings.seed + " seconds=" + settings.seconds + " kinds="
				+ settings.kinds.stream().map((kind) -> kind.id).toList() + " platformWorkers="
				+ settings.platformWorkers + " virtualWorkers=" + ((START_VIRTUAL != null) ? settings.virtualWorkers : 0)
				+ " java=" + Runtime.version() + " pid=" + ProcessHandle.current().pid());
		System.out.flush();
		// One fixed directory (a crashed run cannot clean up after itself), replaced atomically.
		Path helperDir = Path.of(System.getProperty("java.io.tmpdir"), "embedpython-torture-helpers");
		Files.createDirectories(helperDir);
		Path staged = Files.createTempFile(helperDir, HELPERS, ".tmp");
		Files.write(staged, helperSource());
		Files.move(staged, helperDir.resolve(HELPERS + ".py"), StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.ATOMIC_MOVE);
		int exit = new TortureMain(settings, helperDir).run();
		System.out.flush();
		System.exit(exit);
	}

	private int run() throws InterruptedException {
		Thread watchdog = new Thread(this::watch, "torture-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
		this.phase = "first start";
		long setupId = begin(null, "first-start", "-", 120_000);
		try {
			this.world.set(newWorld(this.master));
		}
		finally {
			end(setupId);
		}
		System.out.println("TORTURE python=" + this.world.get().runtime.version());
		List<Thread> workers = new ArrayList<>();
		long start = System.nanoTime();
		long runEnd = start + TimeUnit.SECONDS.toNanos(this.settings.seconds);
		// Workers finish their operation in flight; past this the run itself is a hang.
		this.runDeadlineNanos = runEnd + TimeUnit.SECONDS.toNanos(90) + TimeUnit.MILLISECONDS.toNanos(this.settings.marginMs);
		this.phase = "running";
		for (int i = 0; i < this.settings.platformWorkers; i++) {
			long seed = this.master.nextLong();
			Thread thread = new Thread(() -> workLoop(seed, runEnd), "torture-platform-" + i);
			thread.start();
			workers.add(thread);
		}
		if (START_VIRTUAL != null) {
			for (int i = 0; i < this.settings.virtualWorkers; i++) {
				long seed = this.master.nextLong();
				workers.add(startVirtual(() -> workLoop(seed, runEnd)));
			}
		}
		for (Thread worker : workers) {
			// Bounded by the watchdog, which halts the JVM when an operation overruns.
			worker.join();
		}
		this.stop = true;
		this.phase = "quiescence";
		World last = this.world.get();
		checkQuiescent(last);
		this.phase = "final close";
		long closeId = begin(null, "final-close", "runtime", 90_000);
		try {
			last.runtime.close();
			if (last.runtime.isRunning()) {
				failure("final-close", null, "runtime still running after close()", null);
			}
		}
		catch (RuntimeException ex) {
			failure("final-close", null, "runtime close threw", ex);
		}
		finally {
			end(closeId);
		}
		sampleRss();
		checkRss();
		this.phase = "exit";
		printSummary(System.nanoTime() - start);
		return (this.failures.get() > 0) ? EXIT_FAILURE : 0;
	}

	// ---------------------------------------------------------------- worlds (one runtime and its pools)

	/** One runtime and the pools created on it; replaced by {@code runtime-restart}. */
	private static final class World {

		final int generation;

		final PythonRuntime runtime;

		final AtomicReferenceArray<PythonPool> slots = new AtomicReferenceArray<>(SLOTS);

		final long maxUses;

		World(int generation, PythonRuntime runtime, long maxUses) {
			this.generation = generation;
			this.runtime = runtime;
			this.maxUses = maxUses;
		}

	}

	private World newWorld(Random random) {
		int generation = this.generations.incrementAndGet();
		PythonRuntime runtime = PythonRuntime.start(runtimeOptions());
		World world = new World(generation, runtime, 2 + random.nextInt(4));
		for (int slot = 0; slot < SLOTS; slot++) {
			world.slots.set(slot, runtime.newPool(poolOptions(world, slot)));
		}
		return world;
	}

	private RuntimeOptions runtimeOptions() {
		RuntimeOptions.Builder builder = RuntimeOptions.builder().addPath(this.helperDir).mainLaneSize(4);
		String cache = System.getProperty("embedpython.test.cache");
		builder.cacheDir((cache != null) ? Path.of(cache) : Path.of(System.getProperty("java.io.tmpdir"),
				"embedpython-torture-cache"));
		String home = System.getProperty("embedpython.test.home");
		if (home != null && !home.isBlank()) {
			builder.home(Path.of(home));
		}
		return builder.build();
	}

	private PoolOptions poolOptions(World world, int slot) {
		PoolOptions.Builder builder = PoolOptions.builder()
			.acquireTimeout(Duration.ofSeconds(2))
			.callTimeout(Duration.ofMillis(1500))
			.stuckGracePeriod(Duration.ofSeconds(1))
			.drainTimeout(Duration.ofSeconds(1))
			.preload(List.of(HELPERS));
		String name;
		switch (slot) {
			case OWN -> {
				name = "own";
				builder.isolation(Isolation.OWN_GIL).size(2);
			}
			case SHARED -> {
				name = "shared";
				builder.isolation(Isolation.SHARED_GIL).size(2);
			}
			case MAIN_POOL -> {
				name = "mainpool";
				builder.isolation(Isolation.MAIN).size(2);
			}
			default -> {
				name = "maxuses";
				builder.isolation(Isolation.OWN_GIL).size(1).maxUses(world.maxUses);
			}
		}
		return builder.name(name + "-g" + world.generation + "-" + this.poolNames.incrementAndGet()).build();
	}

	// ---------------------------------------------------------------- the worker loop

	private void workLoop(long seed, long runEnd) {
		Random random = new Random(seed);
		List<Kind> kinds = new ArrayList<>(this.settings.kinds);
		int total = kinds.stream().mapToInt((kind) -> kind.weight).sum();
		while (!this.stop && System.nanoTime() < runEnd) {
			Kind kind = pick(random, kinds, total);
			Kind gated = gate(kind);
			if (gated == null) {
				// Rate-limited right now: draw again (the draw itself keeps the sequence seeded).
				continue;
			}
			try {
				runOperation(gated, random);
			}
			catch (Throwable ex) {
				failure(gated.id, null, "the harness itself failed", ex);
			}
		}
	}

	private static Kind pick(Random random, List<Kind> kinds, int total) {
		int r = random.nextInt(total);
		for (Kind kind : kinds) {
			r -= kind.weight;
			if (r < 0) {
				return kind;
			}
		}
		return kinds.get(kinds.size() - 1);
	}

	private Kind gate(Kind kind) {
		long interval = (kind.intervalMs < 0) ? this.settings.restartIntervalMs : kind.intervalMs;
		if (interval == 0) {
			return kind;
		}
		AtomicLong last = this.lastStart.get(kind);
		long now = System.nanoTime();
		long previous = last.get();
		if (now - previous < TimeUnit.MILLISECONDS.toNanos(interval) || !last.compareAndSet(previous, now)) {
			return null;
		}
		return kind;
	}

	/** What one operation needs: a body and the pool it targets (for judging exceptions). */
	private interface Body {

		void run() throws Exception;

	}

	private record Target(World world, PythonPool pool, String name) {

		boolean closed() {
			return !this.pool.isOpen() || !this.world.runtime.isRunning();
		}

	}

	private void runOperation(Kind kind, Random random) throws InterruptedException {
		World world = this.world.get();
		Target target = target(kind, world, random);
		Body body = prepare(kind, target, random);
		long boundMs = boundMs(kind, target);
		boolean fresh = (random.nextInt(100) < this.settings.shortLivedPercent) && carriable(kind);
		boolean virtual = fresh && START_VIRTUAL != null && random.nextBoolean();
		long seenChanges = changeCount();
		boolean metClosed = false;
		long id = begin(kind, kind.id + (fresh ? (virtual ? "@new-virtual" : "@new-platform") : ""),
				(target != null) ? target.name : "-", boundMs);
		this.executed.get(kind).increment();
		long started = System.nanoTime();
		Thread current = Thread.currentThread();
		String name = current.getName();
		// A JVM crash report (hs_err) names the crashing thread: let it name the operation too.
		String label = "torture " + kind.id + " on " + ((target != null) ? target.name : "-");
		current.setName(label);
		try {
			if (fresh) {
				runOnNewThread(body, virtual, boundMs, label);
			}
			else {
				body.run();
			}
			outcome(kind, "ok");
		}
		catch (Exhausted ex) {
			outcome(kind, "PoolExhaustedException");
			checkStarvation(kind, ex.pool, ex.cause);
		}
		catch (Throwable ex) {
			metClosed = judge(kind, target, ex);
		}
		finally {
			this.busyNanos.get(kind).add(System.nanoTime() - started);
			current.setName(name);
			end(id);
		}
		if (metClosed) {
			// Instead of spinning on a closed pool until pool-cycle or runtime-restart replaced it.
			awaitChange(seenChanges, 1000);
		}
	}

	private long changeCount() {
		this.changeLock.lock();
		try {
			return this.changes;
		}
		finally {
			this.changeLock.unlock();
		}
	}

	private void signalChange() {
		this.changeLock.lock();
		try {
			this.changes++;
			this.changed.signalAll();
		}
		finally {
			this.changeLock.unlock();
		}
	}

	private void awaitChange(long seen, long maxMs) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
		this.changeLock.lock();
		try {
			long remaining;
			while (this.changes == seen && !this.stop && (remaining = deadline - System.nanoTime()) > 0) {
				this.changed.awaitNanos(remaining);
			}
		}
		finally {
			this.changeLock.unlock();
		}
	}

	private static boolean carriable(Kind kind) {
		return kind != Kind.RUNTIME_RESTART && kind != Kind.POOL_CYCLE && kind != Kind.DIE_AFTER
				&& kind != Kind.DIE_HOLDING;
	}

	/**
	 * Judge an exception the operation did not expect itself: documented for the situation, or a failure.
	 * @return whether the operation met a closed pool or runtime
	 */
	private boolean judge(Kind kind, Target target, Throwable ex) {
		if (ex instanceof WrongResult) {
			failure(kind.id, target, ex.getMessage(), ex.getCause());
		}
		else if (ex instanceof IllegalStateException && target != null && target.closed()) {
			// Pool or runtime closed (by pool-cycle or runtime-restart) while this operation ran.
			outcome(kind, "IllegalStateException(closed)");
			return true;
		}
		else if (ex instanceof PythonTimeoutException && target != null && target.closed()) {
			// A call still running when its pool's drain timeout ran out is interrupted with TimeoutError.
			outcome(kind, "PythonTimeoutException(drain)");
		}
		else {
			failure(kind.id, target, "undocumented outcome " + ex.getClass().getName(), ex);
		}
		return false;
	}

	private Target target(Kind kind, World world, Random random) {
		switch (kind) {
			case RUNTIME_RESTART, PY_THREAD_FOREVER -> {
				return null;
			}
			case MAX_USES -> {
				return slot(world, MAX_USES_SLOT);
			}
			case POOL_CYCLE -> {
				return slot(world, random.nextInt(SLOTS));
			}
			case TIMEOUT_LOOP -> {
				// Only pools with a call timeout (the main lane has none).
				return slot(world, random.nextInt(SLOTS));
			}
			default -> {
				int choice = random.nextInt(SLOTS + 1);
				if (choice == SLOTS) {
					try {
						return new Target(world, world.runtime.mainInterpreter(), "main-lane-g" + world.generation);
					}
					catch (IllegalStateException ex) {
						// The runtime closed: the next draw sees the new world.
						return slot(world, OWN);
					}
				}
				return slot(world, choice);
			}
		}
	}

	private static Target slot(World world, int slot) {
		PythonPool pool = world.slots.get(slot);
		return new Target(world, pool, pool.name());
	}

	private long boundMs(Kind kind, Target target) {
		long acquire = (target != null) ? target.pool.options().acquireTimeout().toMillis() : 0;
		long call = (target != null && target.pool.options().callTimeout() != null)
				? target.pool.options().callTimeout().toMillis() + target.pool.options().stuckGracePeriod().toMillis()
				: 5_000;
		return switch (kind) {
			case TIMEOUT_LOOP -> acquire + call + 2_000;
			case STUCK_C -> acquire + 30_000;
			case SESSION -> acquire + 8 * 5_000;
			case MAX_USES -> (target.world.maxUses + 2) * (acquire + 5_000);
			case DIE_AFTER, DIE_HOLDING -> acquire + 15_000;
			case RECYCLE -> acquire + 10_000;
			case POOL_CYCLE -> 3 * target.pool.options().drainTimeout().toMillis() + 15_000;
			case PY_THREAD_FOREVER -> 20_000;
			case RUNTIME_RESTART -> 60_000;
			default -> acquire + 10_000;
		};
	}

	private static void runOnNewThread(Body body, boolean virtual, long boundMs, String label) throws Throwable {
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		Runnable task = () -> {
			try {
				body.run();
			}
			catch (Throwable ex) {
				thrown.set(ex);
			}
		};
		Thread thread;
		if (virtual) {
			thread = startVirtual(() -> {
				Thread.currentThread().setName(label + " (short-lived virtual)");
				task.run();
			});
		}
		else {
			thread = new Thread(task, label + " (short-lived)");
			thread.start();
		}
		// The watchdog halts the JVM long before this returns on a hang.
		thread.join(boundMs + TimeUnit.MINUTES.toMillis(5));
		if (thread.isAlive()) {
			throw new WrongResult("short-lived thread still running after its bound", null);
		}
		if (thrown.get() != null) {
			throw thrown.get();
		}
	}

	// ---------------------------------------------------------------- the operations

	private Body prepare(Kind kind, Target target, Random random) {
		switch (kind) {
			case CALL -> {
				Object a = randomInteger(random);
				Object b = randomInteger(random);
				BigInteger expected = big(a).add(big(b));
				return () -> inSession(target, (session) -> expectInteger("add", expected,
						session.call(HELPERS, "add", a, b)));
			}
			case STRING -> {
				String text = randomString(random);
				return () -> inSession(target, (session) -> {
					expectEqual("echo(str)", text, session.call(HELPERS, "echo", text));
					expectEqual("len(str)", (long) text.codePointCount(0, text.length()),
							session.call(HELPERS, "length", text));
				});
			}
			case SURROGATE -> {
				String text = surrogateString(random);
				return () -> inSession(target, (session) -> expectEqual("echo(lone surrogate)", text,
						session.call(HELPERS, "echo", text)));
			}
			case CONTAINER -> {
				Object value = randomValue(random, 0);
				return () -> inSession(target, (session) -> expectEqual("echo(container)", value,
						session.call(HELPERS, "echo", value)));
			}
			case ERROR, CAUSE_CYCLE -> {
				int variant = (kind == Kind.CAUSE_CYCLE) ? 4 : random.nextInt(4);
				String message = "boom-" + random.nextInt(1_000_000);
				return () -> inSession(target, (session) -> error(session, variant, message));
			}
			case SESSION -> {
				long[] values = random.longs(2 + random.nextInt(5), -1_000_000, 1_000_000).toArray();
				// MAIN-isolation sessions share __main__: names of their own keep concurrent sessions apart.
				String prefix = "torture_" + Long.toHexString(random.nextLong() & Long.MAX_VALUE) + "_";
				return () -> inSession(target, (session) -> sessionSequence(session, prefix, values));
			}
			case TIMEOUT_LOOP -> {
				return () -> inSession(target, (session) -> {
					long start = System.nanoTime();
					try {
						Object result = session.call(HELPERS, "spin");
						throw new WrongResult("while True: pass returned " + result, null);
					}
					catch (PythonTimeoutException ex) {
						long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
						long limit = target.pool.options().callTimeout().toMillis();
						// A pool that closes (pool-cycle, runtime restart) interrupts its calls after its drain timeout.
						if (ms < limit - 50 && !ex.getMessage().contains("was closing")) {
							throw new WrongResult("timed out after " + ms + " ms, before the " + limit + " ms call timeout",
									ex);
						}
					}
				});
			}
			case STUCK_C -> {
				boolean timed = target.pool.options().callTimeout() != null;
				if (timed && random.nextBoolean()) {
					// time.sleep is C code that TimeoutError cannot interrupt, and costs no CPU on a shared box.
					long millis = 100 + random.nextInt(4000);
					return () -> inSession(target, (session) -> {
						try {
							expectEqual("time.sleep", null, session.call("time", "sleep", millis / 1000.0));
						}
						catch (PythonTimeoutException ex) {
							outcome(kind, "PythonTimeoutException(expected)");
						}
					});
				}
				boolean own = timed && target.pool.options().isolation() == Isolation.OWN_GIL;
				// A C loop that holds the GIL: on shared/main GILs it would stall every other interpreter (innocent
				// timeouts), so keep it short there.
				long n = own ? (long) Math.pow(10, 5 + random.nextDouble() * 2.5) : 1 + random.nextInt(2_000_000);
				BigInteger expected = BigInteger.valueOf(n).multiply(BigInteger.valueOf(n - 1)).shiftRight(1);
				return () -> inSession(target, (session) -> {
					try {
						expectInteger("sum(range(" + n + "))", expected, session.call(HELPERS, "csum", n));
					}
					catch (PythonTimeoutException ex) {
						if (!own) {
							throw ex;
						}
						outcome(kind, "PythonTimeoutException(expected)");
					}
				});
			}
			case SQLITE -> {
				long x = random.nextInt(1_000_000);
				return () -> inSession(target, (session) -> expectEqual("sqlite3 UDF", 2 * x,
						session.call(HELPERS, "sqlite_udf", x)));
			}
			case CTYPES -> {
				List<Long> values = random.longs(1 + random.nextInt(50), -1000, 1000).boxed().toList();
				List<Long> sorted = values.stream().sorted().toList();
				return () -> inSession(target, (session) -> expectEqual("ctypes qsort", sorted,
						session.call(HELPERS, "ctypes_sort", values)));
			}
			case PY_THREAD -> {
				int n = 1 + random.nextInt(4);
				List<Long> expected = new ArrayList<>();
				for (int i = 0; i < n; i++) {
					long m = i * 1000L;
					expected.add((m == 0) ? 0 : m * (m - 1) / 2);
				}
				return () -> inSession(target, (session) -> expectEqual("threading.Thread results", expected,
						session.call(HELPERS, "python_threads", n)));
			}
			case MUTATING -> {
				boolean list = random.nextBoolean();
				int n = random.nextInt(20);
				int position = random.nextInt(n + 1);
				return () -> inSession(target, (session) -> {
					try {
						Object result = session.call(HELPERS, list ? "mutating_list" : "mutating_dict", n, position);
						if (!(list ? result instanceof List : result instanceof Map)) {
							throw new WrongResult("self-mutating " + (list ? "list" : "dict") + " came back as " + result,
									null);
						}
					}
					catch (PythonException | PythonConversionException ex) {
						if (ex instanceof PythonTimeoutException) {
							throw ex;
						}
						// A clear error is as acceptable as a snapshot.
						outcome(kind, ex.getClass().getSimpleName() + "(expected)");
					}
				});
			}
			case INT_SUBCLASS -> {
				BigInteger value = random.nextBoolean() ? BigInteger.valueOf(random.nextLong())
						: new BigInteger(64 + random.nextInt(100), random).negate();
				return () -> inSession(target, (session) -> {
					try {
						expectInteger("int subclass with __str__", value, session.call(HELPERS, "int_subclass", value));
					}
					catch (PythonConversionException ex) {
						outcome(kind, "PythonConversionException(expected)");
					}
				});
			}
			case DIE_AFTER -> {
				int threads = 1 + random.nextInt(8);
				long a = random.nextInt(1000);
				return () -> threadsThatDie(target, threads, a, true);
			}
			case DIE_HOLDING -> {
				long a = random.nextInt(1000);
				return () -> threadsThatDie(target, 1, a, false);
			}
			case MAX_USES -> {
				long a = random.nextInt(1000);
				return () -> {
					for (long i = 0; i <= target.world.maxUses; i++) {
						long b = i;
						inSession(target, (session) -> expectInteger("add", BigInteger.valueOf(a + b),
								session.call(HELPERS, "add", a, b)));
					}
				};
			}
			case RECYCLE -> {
				long a = random.nextInt(1000);
				return () -> {
					target.pool.recycle();
					inSession(target, (session) -> expectInteger("add after recycle", BigInteger.valueOf(a + 1),
							session.call(HELPERS, "add", a, 1L)));
				};
			}
			case POOL_CYCLE -> {
				return () -> cyclePool(target);
			}
			case PY_THREAD_FOREVER -> {
				Isolation isolation = random.nextBoolean() ? Isolation.OWN_GIL : Isolation.SHARED_GIL;
				World world = this.world.get();
				return () -> foreverThread(world, isolation);
			}
			case RUNTIME_RESTART -> {
				long seed = random.nextLong();
				return () -> restart(new Random(seed));
			}
			default -> throw new IllegalStateException("No body for " + kind);
		}
	}

	private interface SessionWork {

		void run(PythonSession session) throws Exception;

	}

	/** Thrown by {@link #acquire} so that exhaustion is told apart from a misplaced PoolExhaustedException. */
	private static final class Exhausted extends RuntimeException {

		final transient Target pool;

		final PoolExhaustedException cause;

		Exhausted(Target pool, PoolExhaustedException cause) {
			super(cause.getMessage(), cause, false, false);
			this.pool = pool;
			this.cause = cause;
		}

	}

	/** A result or an exception that is wrong for the situation. */
	private static final class WrongResult extends RuntimeException {

		WrongResult(String message, Throwable cause) {
			super(message, cause);
		}

	}

	private PythonSession acquire(Target target) {
		try {
			PythonSession session = target.pool.acquire();
			this.lastServed.computeIfAbsent(target.name, (name) -> new AtomicLong()).set(System.nanoTime());
			return session;
		}
		catch (PoolExhaustedException ex) {
			throw new Exhausted(target, ex);
		}
	}

	private void inSession(Target target, SessionWork work) throws Exception {
		try (PythonSession session = acquire(target)) {
			work.run(session);
		}
	}

	private static void error(PythonSession session, int variant, String message) {
		try {
			Object result = session.call(HELPERS, "fail", variant, message);
			throw new WrongResult("fail(" + variant + ") returned " + result, null);
		}
		catch (PythonTimeoutException ex) {
			throw ex;
		}
		catch (PythonException ex) {
			String[] types = { "ValueError", "ZeroDivisionError", "torture_helpers.TortureError", "RuntimeError",
					"ValueError" };
			if (!types[variant].equals(ex.pythonType())) {
				throw new WrongResult("fail(" + variant + ") raised " + ex.pythonType() + ", expected " + types[variant],
						ex);
			}
			switch (variant) {
				case 0, 2 -> expectEqual("exception message", message, ex.pythonMessage());
				case 3 -> {
					expectEqual("exception message", "wrapped " + message, ex.pythonMessage());
					if (!(ex.getCause() instanceof PythonException cause) || !"ValueError".equals(cause.pythonType())) {
						throw new WrongResult("raise ... from: cause is " + ex.getCause(), ex);
					}
				}
				case 4 -> {
					int depth = 0;
					for (Throwable t = ex.getCause(); t != null && depth < 50; t = t.getCause()) {
						depth++;
					}
					if (depth > 2) {
						throw new WrongResult("a 2-cycle of __cause__ became a Java cause chain " + depth + " deep", ex);
					}
				}
				default -> {
				}
			}
		}
	}

	private static void sessionSequence(PythonSession session, String prefix, long[] values) {
		List<String> names = new ArrayList<>();
		for (int i = 0; i < values.length; i++) {
			long v = values[i];
			String name = prefix + "v" + i;
			String result = prefix + "r" + i;
			names.add(name);
			names.add(result);
			switch (Math.floorMod(v, 4)) {
				case 0 -> {
					session.set(name, v);
					expectEqual("get after set", v, session.get(name));
				}
				case 1 -> {
					session.set(name, v);
					session.exec(result + " = " + name + " * 3 + 1");
					expectEqual("exec", v * 3 + 1, session.get(result));
				}
				case 2 -> expectEqual("eval", v - 1, session.eval(v + " - 1"));
				default -> expectEqual("call", v + v, session.call(HELPERS, "add", v, v));
			}
		}
		// A comprehension's variable is its own, so this cleanup cannot disturb a concurrent session's globals.
		session.exec("[globals().pop(n, None) for n in " + names.stream().map((n) -> "'" + n + "'").toList() + "]");
	}

	/** Threads that use a pool once and die: after closing their session, or (holding) without closing it. */
	private void threadsThatDie(Target target, int count, long a, boolean close) throws Exception {
		List<Thread> threads = new ArrayList<>();
		List<Throwable> thrown = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			long b = i;
			Thread thread = new Thread(() -> {
				try {
					PythonSession session = acquire(target);
					Object sum = session.call(HELPERS, "add", a, b);
					expectInteger("add", BigInteger.valueOf(a + b), sum);
					if (close) {
						session.close();
					}
				}
				catch (Throwable ex) {
					synchronized (thrown) {
						thrown.add(ex);
					}
				}
			}, "torture " + (close ? "die-after" : "die-holding") + " on " + target.name + " (dying thread)");
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join(TimeUnit.MINUTES.toMillis(5));
		}
		synchronized (thrown) {
			for (Throwable ex : thrown) {
				if (ex instanceof Exhausted exhausted) {
					outcome(close ? Kind.DIE_AFTER : Kind.DIE_HOLDING, "PoolExhaustedException");
					checkStarvation(close ? Kind.DIE_AFTER : Kind.DIE_HOLDING, exhausted.pool, exhausted.cause);
				}
				else {
					judge(close ? Kind.DIE_AFTER : Kind.DIE_HOLDING, target, ex);
				}
			}
		}
	}

	private void cyclePool(Target target) {
		int slot = -1;
		for (int i = 0; i < SLOTS; i++) {
			if (target.world.slots.get(i) == target.pool) {
				slot = i;
			}
		}
		if (slot < 0) {
			return;
		}
		target.pool.close();
		if (target.pool.isOpen()) {
			throw new WrongResult("pool still open after close()", null);
		}
		try {
			target.pool.acquire().close();
			throw new WrongResult("acquire() on a closed pool succeeded", null);
		}
		catch (IllegalStateException expected) {
			// documented
		}
		PythonPool replacement = target.world.runtime.newPool(poolOptions(target.world, slot));
		if (!target.world.slots.compareAndSet(slot, target.pool, replacement)) {
			replacement.close();
		}
		signalChange();
	}

	private void foreverThread(World world, Isolation isolation) {
		PythonPool pool;
		try {
			pool = world.runtime.newPool(PoolOptions.builder()
			.name("forever-g" + world.generation + "-" + this.poolNames.incrementAndGet())
			.isolation(isolation)
			.size(1)
			.acquireTimeout(Duration.ofSeconds(2))
			.callTimeout(Duration.ofMillis(1500))
			.drainTimeout(Duration.ofSeconds(1))
			.preload(List.of(HELPERS))
			.build());
		}
		catch (IllegalStateException ex) {
			if (world.runtime.isRunning()) {
				throw ex;
			}
			outcome(Kind.PY_THREAD_FOREVER, "IllegalStateException(closed)");
			return;
		}
		try (PythonSession session = pool.acquire()) {
			expectEqual("thread name", "torture-forever", session.call(HELPERS, "start_forever"));
		}
		catch (IllegalStateException ex) {
			if (pool.isOpen() && world.runtime.isRunning()) {
				throw ex;
			}
			outcome(Kind.PY_THREAD_FOREVER, "IllegalStateException(closed)");
		}
		// The Python thread never ends; closing its pool must still return within the bound.
		pool.close();
		if (pool.isOpen()) {
			throw new WrongResult("pool with a live Python thread still open after close()", null);
		}
	}

	private void restart(Random random) {
		if (!this.restartLock.tryLock()) {
			return;
		}
		try {
			World old = this.world.get();
			old.runtime.close();
			if (old.runtime.isRunning()) {
				throw new WrongResult("runtime still running after close()", null);
			}
			World fresh;
			try {
				fresh = newWorld(random);
			}
			catch (RuntimeException ex) {
				failure(Kind.RUNTIME_RESTART.id, null, "could not start the runtime again after close()", ex);
				// Nothing left to torture.
				this.stop = true;
				signalChange();
				return;
			}
			this.world.set(fresh);
			this.restarts.incrementAndGet();
			signalChange();
		}
		finally {
			this.restartLock.unlock();
		}
	}

	// ---------------------------------------------------------------- values

	private static Object randomInteger(Random random) {
		return switch (random.nextInt(4)) {
			case 0 -> (long) random.nextInt(1000);
			case 1 -> random.nextLong();
			case 2 -> (long) random.nextInt();
			default -> new BigInteger(65 + random.nextInt(200), random).multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1));
		};
	}

	private static BigInteger big(Object value) {
		return (value instanceof BigInteger b) ? b : BigInteger.valueOf(((Number) value).longValue());
	}

	private static String randomString(Random random) {
		int length = (random.nextInt(20) == 0) ? random.nextInt(20_000) : random.nextInt(64);
		StringBuilder builder = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			int codePoint = switch (random.nextInt(4)) {
				case 0 -> 0x20 + random.nextInt(0x5f);
				case 1 -> random.nextInt(0x80);
				case 2 -> 0x80 + random.nextInt(0xD800 - 0x80);
				default -> (random.nextBoolean()) ? 0xE000 + random.nextInt(0x10000 - 0xE000)
						: 0x10000 + random.nextInt(0x110000 - 0x10000);
			};
			builder.appendCodePoint(codePoint);
		}
		return builder.toString();
	}

	private static String surrogateString(Random random) {
		String text = randomString(random);
		char lone = (char) ((random.nextBoolean() ? 0xD800 : 0xDC00) + random.nextInt(0x400));
		int at = switch (random.nextInt(3)) {
			case 0 -> 0;
			case 1 -> text.length();
			default -> random.nextInt(text.length() + 1);
		};
		// Never between the halves of a pair: randomString has no lone surrogates, so then the inserted one can pair
		// with neither neighbour.
		while (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))) {
			at--;
		}
		return text.substring(0, at) + lone + text.substring(at);
	}

	private static Object randomValue(Random random, int depth) {
		int choice = random.nextInt((depth >= 3) ? 6 : 9);
		return switch (choice) {
			case 0 -> random.nextLong();
			case 1 -> (random.nextBoolean()) ? random.nextDouble() * 1e6 : (double) random.nextInt();
			case 2 -> randomString(random);
			case 3 -> random.nextBoolean();
			case 4 -> null;
			case 5 -> (long) random.nextInt(100);
			case 6 -> {
				List<Object> list = new ArrayList<>();
				for (int i = random.nextInt(8); i > 0; i--) {
					list.add(randomValue(random, depth + 1));
				}
				yield list;
			}
			case 7 -> {
				Map<String, Object> map = new LinkedHashMap<>();
				for (int i = random.nextInt(8); i > 0; i--) {
					map.put("k" + random.nextInt(100), randomValue(random, depth + 1));
				}
				yield map;
			}
			default -> {
				Set<Object> set = new LinkedHashSet<>();
				for (int i = random.nextInt(6); i > 0; i--) {
					set.add(random.nextBoolean() ? (Object) random.nextLong() : (Object) ("s" + random.nextInt(50)));
				}
				yield set;
			}
		};
	}

	private static void expectEqual(String what, Object expected, Object actual) {
		if (!Objects.equals(expected, actual)) {
			throw new WrongResult(what + ": expected " + abbreviate(expected) + " but got " + abbreviate(actual)
					+ ((actual != null) ? " (" + actual.getClass().getName() + ")" : ""), null);
		}
	}

	private static void expectInteger(String what, BigInteger expected, Object actual) {
		boolean fitsLong = expected.bitLength() < 64;
		Object want = fitsLong ? (Object) expected.longValueExact() : expected;
		expectEqual(what, want, actual);
	}

	private static String abbreviate(Object value) {
		String text = String.valueOf(value);
		String shown = (text.length() > 200) ? text.substring(0, 200) + "...(" + text.length() + " chars)" : text;
		StringBuilder escaped = new StringBuilder();
		for (char c : shown.toCharArray()) {
			// Escaped, so that lone surrogates and control characters are visible in the log.
			if (c >= 0x20 && c < 0x7f) {
				escaped.append(c);
			}
			else {
				escaped.append(String.format("\\u%04x", (int) c));
			}
		}
		return escaped.toString();
	}

	// ---------------------------------------------------------------- invariants

	private void checkStarvation(Kind kind, Target target, PoolExhaustedException ex) {
		AtomicLong served = this.lastServed.computeIfAbsent(target.name, (name) -> new AtomicLong(System.nanoTime()));
		long sinceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - served.get());
		if (sinceMs > this.settings.starvationMs && !target.closed()) {
			// Only hold-and-die or stuck interpreters can keep a pool busy this long.
			served.set(System.nanoTime());
			failure(kind.id, target, "pool starved: no acquire succeeded for " + sinceMs + " ms ("
					+ target.pool.stats() + ")", ex);
		}
	}

	private void checkStats(World world) {
		List<PythonPool> pools = new ArrayList<>();
		for (int i = 0; i < SLOTS; i++) {
			pools.add(world.slots.get(i));
		}
		try {
			pools.add(world.runtime.mainInterpreter());
		}
		catch (IllegalStateException closed) {
			return;
		}
		for (PythonPool pool : pools) {
			PoolStats stats = pool.stats();
			int size = pool.options().size();
			String problem = null;
			if (stats.size() != stats.active() + stats.idle()) {
				problem = "size != active + idle";
			}
			else if (stats.active() < 0 || stats.idle() < 0 || stats.pending() < 0 || stats.stuck() < 0
					|| stats.threadStates() < 0) {
				problem = "negative gauge";
			}
			else if (stats.size() > size) {
				problem = "more interpreters in rotation than the pool's size " + size;
			}
			else if (stats.recycled() > stats.created()) {
				problem = "recycled > created";
			}
			else if (pool.isOpen() && stats.created() < size) {
				problem = "created < size";
			}
			if (problem != null) {
				failure("stats", null, "pool '" + pool.name() + "' stats do not add up (" + problem + "): " + stats, null);
			}
		}
	}

	private void checkQuiescent(World world) {
		List<PythonPool> pools = new ArrayList<>();
		for (int i = 0; i < SLOTS; i++) {
			pools.add(world.slots.get(i));
		}
		if (world.runtime.isRunning()) {
			pools.add(world.runtime.mainInterpreter());
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		for (PythonPool pool : pools) {
			if (!pool.isOpen()) {
				continue;
			}
			// Workers stopped: every session must come back (sessions of dead threads included) within the bound.
			while (pool.stats().active() != 0 || pool.stats().pending() != 0) {
				if (System.nanoTime() > deadline) {
					failure("quiescence", null, "pool '" + pool.name() + "' still has sessions out after the workers "
							+ "stopped: " + pool.stats(), null);
					break;
				}
				java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
			}
		}
	}

	private void watch() {
		long nextStats = 0;
		while (true) {
			long now = System.nanoTime();
			sampleRss();
			checkRss();
			for (Map.Entry<Long, InFlight> entry : this.inFlight.entrySet()) {
				InFlight op = entry.getValue();
				if (now - op.startNanos > TimeUnit.MILLISECONDS.toNanos(op.boundMs + this.settings.marginMs)) {
					hang("operation " + op.label + " on " + op.pool + " (thread " + threadName(op.thread) + ") has run "
							+ TimeUnit.NANOSECONDS.toMillis(now - op.startNanos) + " ms, bound " + op.boundMs + " ms + margin "
							+ this.settings.marginMs + " ms", op.thread);
				}
			}
			if (now > this.runDeadlineNanos) {
				hang("the run did not finish by its deadline (phase: " + this.phase + ")", null);
			}
			World current = this.world.get();
			if (current != null && now > nextStats && !this.stop) {
				nextStats = now + TimeUnit.MILLISECONDS.toNanos(250);
				try {
					checkStats(current);
				}
				catch (RuntimeException ex) {
					failure("stats", null, "reading pool stats threw", ex);
				}
			}
			java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
		}
	}

	private void checkRss() {
		long max = this.rssMax.get();
		if (max > this.settings.rssLimitMb * 1024 && !this.rssFailed) {
			this.rssFailed = true;
			failure("rss", null, "RSS " + (max / 1024) + " MB exceeds the limit of " + this.settings.rssLimitMb + " MB",
					null);
		}
	}

	private volatile boolean rssFailed;

	private void sampleRss() {
		long kb = rssKb();
		if (kb < 0) {
			return;
		}
		this.rssFirst.compareAndSet(-1, kb);
		this.rssLast.set(kb);
		this.rssMax.accumulateAndGet(kb, Math::max);
	}

	private static long rssKb() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// not Linux: RSS is not checked
		}
		return -1;
	}

	private void hang(String what, Thread suspect) {
		synchronized (System.out) {
			System.out.println("TORTURE HANG seed=" + this.settings.seed + ": " + what);
			if (suspect != null) {
				System.out.println("--- stack of " + threadName(suspect) + " ---");
				for (StackTraceElement element : suspect.getStackTrace()) {
					System.out.println("\tat " + element);
				}
			}
			System.out.println("--- operations in flight ---");
			for (InFlight op : this.inFlight.values()) {
				System.out.println(op.label + " on " + op.pool + " thread " + threadName(op.thread) + " for "
						+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - op.startNanos) + " ms (bound " + op.boundMs + ")");
			}
			System.out.println("--- all platform threads ---");
			Thread.getAllStackTraces().entrySet().stream()
				.sorted(Comparator.comparing((Map.Entry<Thread, StackTraceElement[]> e) -> e.getKey().getName()))
				.forEach((e) -> {
					System.out.println("\"" + e.getKey().getName() + "\" " + e.getKey().getState());
					for (StackTraceElement element : e.getValue()) {
						System.out.println("\tat " + element);
					}
				});
			printSummary(-1);
			System.out.flush();
		}
		Runtime.getRuntime().halt(EXIT_HANG);
	}

	private void failure(String kind, Target target, String message, Throwable cause) {
		int n = this.failures.incrementAndGet();
		outcome(null, "FAILURE");
		// Values differ from one failure to the next; the signature keeps what went wrong.
		String what = message.split(": expected ")[0].replaceAll("\\d+", "N");
		String signature = kind + ": " + ((what.length() > 100) ? what.substring(0, 100) : what);
		boolean first = this.failureSignatures.computeIfAbsent(signature, (key) -> new LongAdder()).sum() == 0;
		this.failureSignatures.get(signature).increment();
		if (n > 50 || (!first && n > 10)) {
			return;
		}
		synchronized (System.out) {
			System.out.println("TORTURE FAILURE #" + n + " seed=" + this.settings.seed + " kind=" + kind
					+ ((target != null) ? " pool=" + target.name : "") + " thread=" + threadName(Thread.currentThread())
					+ ": " + message);
			if (cause != null && first) {
				printCompact(cause);
			}
			System.out.flush();
		}
	}

	private static void printCompact(Throwable cause) {
		int depth = 0;
		for (Throwable t = cause; t != null && depth < 5; t = t.getCause(), depth++) {
			System.out.println(((depth == 0) ? "" : "Caused by: ") + t);
			StackTraceElement[] frames = t.getStackTrace();
			for (int i = 0; i < Math.min(frames.length, (depth == 0) ? 14 : 4); i++) {
				System.out.println("\tat " + frames[i]);
			}
		}
	}

	private static String threadName(Thread thread) {
		return thread.getName().isEmpty() ? thread.toString() : thread.getName();
	}

	private void outcome(Kind kind, String outcome) {
		this.outcomes.computeIfAbsent(outcome, (key) -> new LongAdder()).increment();
		if (kind != null && this.settings.verbose && !"ok".equals(outcome)) {
			System.out.println("TORTURE outcome " + kind.id + " " + outcome);
		}
	}

	private record InFlight(String label, String pool, Thread thread, long startNanos, long boundMs) {
	}

	private long begin(Kind kind, String label, String pool, long boundMs) {
		long id = this.operationIds.incrementAndGet();
		this.inFlight.put(id, new InFlight(label, pool, Thread.currentThread(), System.nanoTime(), boundMs));
		trace();
		return id;
	}

	private void end(long id) {
		this.inFlight.remove(id);
		trace();
	}

	/**
	 * Write the operations in flight to the memory-mapped trace file: its pages survive an abort of this process
	 * ({@code free(): invalid pointer} leaves no JVM crash report), so the parent can say what was running.
	 */
	private void trace() {
		MappedByteBuffer buffer = this.traceBuffer;
		if (buffer == null) {
			return;
		}
		StringBuilder text = new StringBuilder("in flight at ").append(System.currentTimeMillis()).append(":\n");
		long now = System.nanoTime();
		for (InFlight op : this.inFlight.values()) {
			text.append("  ").append(op.label).append(" on ").append(op.pool).append(" for ")
				.append(TimeUnit.NANOSECONDS.toMillis(now - op.startNanos)).append(" ms\n");
		}
		byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
		synchronized (buffer) {
			int length = Math.min(bytes.length, buffer.capacity() - 1);
			buffer.put(0, bytes, 0, length);
			buffer.put(length, (byte) 0);
		}
	}

	private void printSummary(long elapsedNanos) {
		Map<String, Long> kinds = new LinkedHashMap<>();
		Map<String, Long> millis = new LinkedHashMap<>();
		long total = 0;
		for (Kind kind : Kind.values()) {
			long n = this.executed.get(kind).sum();
			total += n;
			if (this.settings.kinds.contains(kind)) {
				kinds.put(kind.id, n);
				millis.put(kind.id, TimeUnit.NANOSECONDS.toMillis(this.busyNanos.get(kind).sum()));
			}
		}
		Map<String, Long> results = new TreeMap<>();
		this.outcomes.forEach((key, value) -> results.put(key, value.sum()));
		System.out.println("TORTURE RESULT seed=" + this.settings.seed + " seconds=" + this.settings.seconds
				+ ((elapsedNanos >= 0) ? " elapsed=" + TimeUnit.NANOSECONDS.toSeconds(elapsedNanos) + "s" : " (aborted)")
				+ " python=" + ((this.world.get() != null) ? this.world.get().runtime.version() : "?") + " java="
				+ Runtime.version().feature() + " operations=" + total + " restarts=" + this.restarts.get()
				+ " failures=" + this.failures.get() + " hangs=" + ((elapsedNanos >= 0) ? 0 : 1) + " crashes=0"
				+ " rssMb(first/last/max)=" + mb(this.rssFirst.get()) + "/" + mb(this.rssLast.get()) + "/"
				+ mb(this.rssMax.get()) + " kinds=" + kinds + " outcomes=" + results
				+ (this.failureSignatures.isEmpty() ? "" : " failureSignatures=" + signatures()));
		if (this.settings.verbose) {
			System.out.println("TORTURE busy ms per kind " + millis);
		}
		System.out.flush();
	}

	private Map<String, Long> signatures() {
		Map<String, Long> result = new TreeMap<>();
		this.failureSignatures.forEach((key, value) -> result.put(key, value.sum()));
		return result;
	}

	private static long mb(long kb) {
		return (kb < 0) ? -1 : kb / 1024;
	}

	// ---------------------------------------------------------------- plumbing

	private static Thread startVirtual(Runnable task) {
		try {
			return (Thread) START_VIRTUAL.invokeExact(task);
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Cannot start a virtual thread", ex);
		}
	}

	private static MethodHandle startVirtualHandle() {
		try {
			// Thread.startVirtualThread exists from JDK 21; the test code targets 17.
			return MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
					MethodType.methodType(Thread.class, Runnable.class));
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

	private static MappedByteBuffer mapTrace(Path file) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
			return channel.map(FileChannel.MapMode.READ_WRITE, 0, 64 * 1024);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot map the trace file " + file, ex);
		}
	}

	private static byte[] helperSource() throws IOException {
		try (InputStream in = TortureMain.class.getResourceAsStream("/" + HELPERS + ".py")) {
			if (in == null) {
				throw new IOException(HELPERS + ".py is not on the class path");
			}
			return in.readAllBytes();
		}
	}

	/** The command line. */
	static final class Settings {

		long seed = System.nanoTime();

		long seconds = 15;

		int platformWorkers = 4;

		int virtualWorkers = 2;

		int shortLivedPercent = 15;

		Set<Kind> kinds = EnumSet.allOf(Kind.class);

		long rssLimitMb = 2048;

		long marginMs = 10_000;

		long starvationMs = 12_000;

		long restartIntervalMs = 6_000;

		boolean verbose;

		Path traceFile;

		static Settings parse(String[] args) {
			Settings settings = new Settings();
			for (int i = 0; i < args.length; i++) {
				String arg = args[i];
				if (arg.equals("--verbose")) {
					settings.verbose = true;
					continue;
				}
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException(arg + " needs a value");
				}
				String value = args[++i];
				switch (arg) {
					case "--seed" -> settings.seed = Long.parseLong(value);
					case "--seconds" -> settings.seconds = Long.parseLong(value);
					case "--platform-workers" -> settings.platformWorkers = Integer.parseInt(value);
					case "--virtual-workers" -> settings.virtualWorkers = Integer.parseInt(value);
					case "--short-lived-percent" -> settings.shortLivedPercent = Integer.parseInt(value);
					case "--rss-limit-mb" -> settings.rssLimitMb = Long.parseLong(value);
					case "--margin-ms" -> settings.marginMs = Long.parseLong(value);
					case "--starvation-ms" -> settings.starvationMs = Long.parseLong(value);
					case "--restart-interval-ms" -> settings.restartIntervalMs = Long.parseLong(value);
					case "--trace-file" -> settings.traceFile = Path.of(value);
					case "--exclude" -> {
						for (String id : value.split(",")) {
							if (!id.isBlank()) {
								settings.kinds.remove(Kind.of(id.trim().toLowerCase(Locale.ROOT)));
							}
						}
					}
					case "--only" -> {
						settings.kinds = EnumSet.noneOf(Kind.class);
						for (String id : value.split(",")) {
							settings.kinds.add(Kind.of(id.trim().toLowerCase(Locale.ROOT)));
						}
					}
					default -> throw new IllegalArgumentException("Unknown argument " + arg);
				}
			}
			if (settings.kinds.isEmpty()) {
				throw new IllegalArgumentException("no operation kinds left");
			}
			return settings;
		}

	}

}
