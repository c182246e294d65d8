package dev.embedpython;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.embedpython.interpreter.BridgeConfig;
import dev.embedpython.interpreter.Engine;
import dev.embedpython.pool.InterpreterPool;
import dev.embedpython.runtime.BundledPython;
import dev.embedpython.runtime.HomeResolver;
import dev.embedpython.runtime.JarPackages;
import dev.embedpython.runtime.PythonHome;
import org.jspecify.annotations.Nullable;

/**
 * The process-wide CPython runtime: one libpython per JVM, initialized on the dedicated {@code python-main}
 * thread and finalized there after every pool is closed.
 * <p>
 * {@link #start(RuntimeOptions)} is reference-counted: while a runtime is running, starting again returns the same
 * instance, and only the {@link #close()} matching the last start finalizes CPython. Starting after that
 * initializes a fresh runtime in the same JVM (with the same libpython).
 * <p>
 * Thread contract: every method is thread-safe.
 */
public final class PythonRuntime implements AutoCloseable {

	private static final Logger logger = System.getLogger(PythonRuntime.class.getName());

	private static final Object LOCK = new Object();

	private static @Nullable PythonRuntime running;

	/** A runtime whose last close could not finalize CPython: the next start continues with its engine. */
	private static @Nullable Unfinalized unfinalized;

	/** How long the last close waits for non-daemon Python threads of the main interpreter. */
	private static final long THREAD_JOIN_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final RuntimeOptions options;

	private final Engine engine;

	private final InterpreterPool mainLane;

	private final List<PythonPool> pools = new CopyOnWriteArrayList<>();

	private final long startupNanos;

	private final BundledPython.@Nullable Extraction extraction;

	private int references = 1;

	private volatile boolean closed;

	private PythonRuntime(RuntimeOptions options, Engine engine, BundledPython.@Nullable Extraction extraction,
			long startupNanos) {
		this.options = options;
		this.engine = engine;
		this.extraction = extraction;
		this.startupNanos = startupNanos;
		this.mainLane = new InterpreterPool(engine, PoolOptions.builder()
			.name("main")
			.isolation(Isolation.MAIN)
			.size(options.mainLaneSize())
			.acquireTimeout(java.time.Duration.ofSeconds(30))
			.build(), (pool) -> {
			});
	}

	/**
	 * Start the runtime, or take another reference to the running one.
	 * @param options where Python comes from and extra {@code sys.path} entries
	 * @return the running runtime; {@link #close()} it once when done
	 * @throws PythonStartupException (a subclass) if Python cannot be found, extracted or initialized
	 * @throws PythonInitializationException if a runtime is running with a different home
	 * @throws PythonBindingException if the binding asked for cannot be used in this JVM
	 */
	public static PythonRuntime start(RuntimeOptions options) {
		Objects.requireNonNull(options, "options");
		synchronized (LOCK) {
			PythonRuntime current = running;
			if (current != null && !current.closed) {
				if (!Objects.equals(current.options.home(), options.home())) {
					throw new PythonInitializationException("The Python runtime is already running with home '"
							+ ((current.options.home() != null) ? current.options.home() : "bundled")
							+ "' and cannot also use '" + ((options.home() != null) ? options.home() : "bundled")
							+ "': a JVM hosts one CPython; configure the same home everywhere", null);
				}
				current.engine.checkBinding(options.binding());
				current.engine.addPaths(options.paths());
				current.references++;
				return current;
			}
			Unfinalized previous = unfinalized;
			if (previous != null) {
				return adopt(previous, options);
			}
			long start = System.nanoTime();
			BundledPython.Extraction extraction = null;
			PythonHome home;
			ClassLoader contextLoader = Thread.currentThread().getContextClassLoader();
			ClassLoader loader = (contextLoader != null) ? contextLoader : PythonRuntime.class.getClassLoader();
			if (options.home() != null) {
				home = HomeResolver.resolve(options.home());
			}
			else {
				extraction = BundledPython.extract(options.cacheDir(), loader);
				home = HomeResolver.resolveBundled(extraction.directory());
			}
			List<Path> packagePaths = installPackages(options, loader, home);
			Engine engine = Engine.start(home, options.paths(), packagePaths, BridgeConfig.of(options),
					options.binding());
			PythonRuntime runtime;
			try {
				runtime = new PythonRuntime(options, engine, extraction, System.nanoTime() - start);
			}
			catch (RuntimeException ex) {
				engine.finish(0);
				throw ex;
			}
			running = runtime;
			logger.log(Level.INFO, () -> "Started CPython " + engine.version() + " ("
					+ (home.bundled() ? "bundled" : "external") + ", " + engine.binding() + ") from " + home.home() + " in "
					+ TimeUnit.NANOSECONDS.toMillis(runtime.startupNanos) + " ms"
					+ ((runtime.extraction != null) ? (runtime.extraction.extracted() ? ", extracted in "
							: runtime.extraction.readOnly() ? ", read-only cache verified in " : ", cache verified in ")
							+ TimeUnit.NANOSECONDS.toMillis(runtime.extraction.nanos()) + " ms" : ""));
			return runtime;
		}
	}

	/**
	 * Find Python packages shipped in jars (JavaCPP presets layout), extract them next to the runtime, load their
	 * native libraries and answer the directories for {@code sys.path}; nothing when there are none.
	 */
	private static List<Path> installPackages(RuntimeOptions options, ClassLoader loader, PythonHome home) {
		long start = System.nanoTime();
		List<JarPackages.Found> found = JarPackages.find(loader);
		if (found.isEmpty()) {
			return List.of();
		}
		List<JarPackages.Installed> installed = JarPackages.install(options.cacheDir(), found,
				home.versionNumber());
		if (installed.isEmpty()) {
			return List.of();
		}
		long nanos = System.nanoTime() - start;
		boolean extracted = installed.stream().anyMatch(JarPackages.Installed::extracted);
		logger.log(Level.INFO, () -> "Python packages from jars: " + installed.stream()
			.map(JarPackages.Installed::toString).collect(java.util.stream.Collectors.joining(", "))
				+ (extracted ? "; extracted" : "; verified") + " in " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms");
		List<Path> paths = new ArrayList<>();
		for (JarPackages.Installed one : installed) {
			if (one.pythonPath() != null) {
				paths.add(one.pythonPath());
			}
		}
		return paths;
	}

	private static PythonRuntime adopt(Unfinalized previous, RuntimeOptions options) {
		if (!Objects.equals(previous.options().home(), options.home())) {
			throw new PythonInitializationException("CPython from '" + previous.engine().home().home()
					+ "' is still initialized in this JVM: the last PythonRuntime.close() could not finalize it ("
					+ previous.reason() + "), so '" + ((options.home() != null) ? options.home() : "bundled")
					+ "' cannot be used. Configure the same home, or restart the JVM.", null);
		}
		previous.engine().checkBinding(options.binding());
		previous.engine().addPaths(options.paths());
		PythonRuntime runtime = new PythonRuntime(options, previous.engine(), previous.extraction(), 0);
		unfinalized = null;
		running = runtime;
		logger.log(Level.WARNING, () -> "Continuing with CPython " + previous.engine().version()
				+ ", which the last close could not finalize (" + previous.reason() + ")");
		return runtime;
	}

	/**
	 * CPython's version.
	 * @return e.g. {@code 3.14.3}
	 */
	public String version() {
		return this.engine.version();
	}

	/**
	 * How this JVM calls libpython: {@link Binding#FFM} ({@code java.lang.foreign}, chosen by default on JDK 22+) or
	 * {@link Binding#JNA}. Process-wide: the first runtime of the JVM fixed it.
	 * @return FFM or JNA, never {@link Binding#AUTO}
	 */
	public Binding binding() {
		return this.engine.binding();
	}

	/**
	 * The Python home in use (the extracted directory for the bundled runtime).
	 * @return the home
	 */
	public Path home() {
		return this.engine.home().configuredHome();
	}

	/**
	 * Whether this is the bundled runtime.
	 * @return {@code true} if no external home was configured
	 */
	public boolean isBundled() {
		return this.engine.home().bundled();
	}

	/**
	 * The options of the start that created this runtime.
	 * @return the options
	 */
	public RuntimeOptions options() {
		return this.options;
	}

	/**
	 * Time from {@link #start} to a ready runtime (extraction and initialization).
	 * @return the time in nanoseconds
	 */
	public long startupNanos() {
		return this.startupNanos;
	}

	/**
	 * The {@link Isolation#MAIN} lane: sessions on the main interpreter, for extension modules that refuse
	 * sub-interpreters.
	 * @return the main interpreter's pool
	 */
	public PythonPool mainInterpreter() {
		checkRunning();
		return this.mainLane;
	}

	/**
	 * Create a pool; its interpreters are created and preloaded before this returns. The pool is closed by
	 * {@link PythonPool#close()} or, at the latest, by the last {@link #close()}.
	 * @param options the pool's options
	 * @return the pool
	 */
	public PythonPool newPool(PoolOptions options) {
		checkRunning();
		InterpreterPool pool = new InterpreterPool(this.engine, options, this.pools::remove);
		this.pools.add(pool);
		return pool;
	}

	/**
	 * The open pools created with {@link #newPool}, without the main lane.
	 * @return the pools
	 */
	public List<PythonPool> pools() {
		return List.copyOf(this.pools);
	}

	/**
	 * Sub-interpreters that were retired (recycled, or their pool closed) but still wait for live Java threads that
	 * used them to release their thread states; a thread does so before its next Python call, or when it dies.
	 * @return the count
	 */
	public int retiredInterpreterCount() {
		return this.engine.retiredSubinterpreters();
	}

	/**
	 * Make every interpreter of this JVM ask its log sink for the levels of its loggers again, at its next record,
	 * instead of within a second: call it when log levels change at run time (the Spring Boot starter does, for
	 * Logback). Cheap: one word of memory that Python reads is bumped.
	 */
	public static void refreshLogLevels() {
		Engine.refreshLogLevels();
	}

	/**
	 * Whether the runtime is running.
	 * @return {@code false} once finalized
	 */
	public boolean isRunning() {
		return !this.closed;
	}

	/**
	 * Release one reference; the last one closes every pool and finalizes CPython on {@code python-main}. Extra
	 * calls after that do nothing.
	 * <p>
	 * CPython is not finalized while something still runs in it: a call on the main interpreter or a
	 * sub-interpreter that outlived its pool's drain timeout, a sub-interpreter whose Python threads have not
	 * finished, or a non-daemon Python thread of the main interpreter that does not finish within 5 s. Finalizing
	 * under them would crash or hang the JVM, so close logs what is still running and leaves CPython initialized;
	 * the next {@link #start} continues with it (the calls in flight complete normally).
	 */
	@Override
	public void close() {
		synchronized (LOCK) {
			if (this.closed || --this.references > 0) {
				return;
			}
			this.closed = true;
			if (running == this) {
				running = null;
			}
			List<InterpreterPool> mainPools = new ArrayList<>();
			mainPools.add(this.mainLane);
			for (PythonPool pool : new ArrayList<>(this.pools)) {
				if (pool.options().isolation() == Isolation.MAIN && pool instanceof InterpreterPool mainPool) {
					mainPools.add(mainPool);
				}
				pool.close();
			}
			this.mainLane.close();
			String refusal = null;
			// Interpreters whose calls outlived their pool's drain timeout end when those calls return.
			if (!this.engine.awaitSubinterpretersEnded(TimeUnit.SECONDS.toNanos(30))) {
				refusal = this.engine.liveSubinterpreters() + " sub-interpreter(s) still run calls that never returned";
			}
			for (InterpreterPool pool : mainPools) {
				if (refusal == null && !pool.isDrained()) {
					refusal = "pool '" + pool.name() + "' still runs a call or holds a session on the main "
							+ "interpreter past its drain timeout (" + pool.stats() + ")";
				}
			}
			if (refusal == null) {
				Engine.Finish finish = this.engine.finish(THREAD_JOIN_NANOS);
				refusal = finish.refusedBecause();
				if (refusal == null && finish.status() != 0) {
					logger.log(Level.WARNING, "Py_FinalizeEx reported an error (" + finish.status() + ")");
				}
			}
			if (refusal != null) {
				logger.log(Level.ERROR, "Not finalizing CPython: " + refusal + ". It stays initialized; the next "
						+ "PythonRuntime.start() continues with it.");
				unfinalized = new Unfinalized(this.engine, this.options, this.extraction, refusal);
			}
		}
	}

	/**
	 * Why this JVM's CPython was left initialized by the last close, if it was.
	 * @return the reason, or {@code null} when no runtime is left unfinalized
	 */
	public static @Nullable String unfinalizedReason() {
		synchronized (LOCK) {
			Unfinalized previous = unfinalized;
			return (previous != null) ? previous.reason() : null;
		}
	}

	/**
	 * A closed runtime whose CPython could not be finalized.
	 */
	private record Unfinalized(Engine engine, RuntimeOptions options, BundledPython.@Nullable Extraction extraction,
			String reason) {
	}

	private void checkRunning() {
		if (this.closed) {
			throw new IllegalStateException("The Python runtime has been closed; start a new one");
		}
	}

	@Override
	public String toString() {
		return "PythonRuntime[" + this.engine.version() + ", " + (isBundled() ? "bundled" : "external") + ", home="
				+ home() + (this.closed ? ", closed" : "") + "]";
	}

}
