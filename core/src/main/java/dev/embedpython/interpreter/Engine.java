package dev.embedpython.interpreter;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import dev.embedpython.Binding;
import dev.embedpython.Isolation;
import dev.embedpython.PythonException;
import dev.embedpython.PythonInitializationException;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.ExtensionApi;
import dev.embedpython.capi.PyStatus;
import dev.embedpython.capi.PythonErrors;
import dev.embedpython.convert.PyTypes;
import dev.embedpython.convert.ValueConverter;
import dev.embedpython.runtime.BindingChoice;
import dev.embedpython.runtime.CPythonLoader;
import dev.embedpython.runtime.OwnerThread;
import dev.embedpython.runtime.PythonHome;
import dev.embedpython.support.Threads;
import org.jspecify.annotations.Nullable;

/**
 * One initialized CPython and its interpreters: starts it on {@code python-main} (through {@link CPythonLoader}),
 * prepares each interpreter's {@code sys.path}, creates sub-interpreters from an {@link InterpreterSpec}, ends them
 * when no thread uses them any more, and finalizes CPython with the original main thread state, unless something
 * still runs in it.
 * <p>
 * Thread contract: {@link #start}, {@link #createInterpreter}, {@link #setUpMain}, {@link #endInterpreter} and
 * {@link #finish} may be called from any platform thread; CPython-level work runs on {@code python-main}, one task
 * at a time. Accessors are thread-safe.
 */
public final class Engine {

	private static final Logger logger = System.getLogger(Engine.class.getName());

	/** Each initialization of CPython in this JVM is a new generation (see {@link CallerThread}). */
	private static final AtomicInteger GENERATIONS = new AtomicInteger();

	private final Generation generation;

	/** Retired sub-interpreters waiting for live threads to delete their own thread states. */
	private final Set<Interpreter> deferred = ConcurrentHashMap.newKeySet();

	private @Nullable ScheduledExecutorService reaper;

	private final PythonHome home;

	private final String version;

	private final Interpreter main;

	/** Sub-interpreters created and not yet ended. */
	private final Set<Interpreter> live = ConcurrentHashMap.newKeySet();

	/** Interpreters whose "cannot end yet" warning was logged. */
	private final Set<Interpreter> warned = ConcurrentHashMap.newKeySet();

	private final ReentrantLock endedLock = new ReentrantLock();

	private final Condition allEnded = this.endedLock.newCondition();

	private final List<Path> paths = new CopyOnWriteArrayList<>();

	/** Directories appended to {@code sys.path}: Python packages from jars. */
	private final List<Path> packagePaths;

	/** The runtime's bridge configuration: the main interpreter's, and every pool's defaults. */
	private final BridgeConfig bridge;

	private volatile boolean finished;

	private Engine(PythonHome home, String version, Generation generation, Interpreter main, List<Path> paths,
			List<Path> packagePaths, BridgeConfig bridge) {
		this.packagePaths = List.copyOf(packagePaths);
		this.bridge = bridge;
		this.generation = generation;
		this.home = home;
		this.version = version;
		this.main = main;
		this.paths.addAll(paths);
	}

	/**
	 * Load and initialize CPython.
	 * @param home the installation
	 * @param paths directories to prepend to {@code sys.path}
	 * @return the running engine
	 * @throws PythonInitializationException if CPython refuses to initialize
	 */
	public static Engine start(PythonHome home, List<Path> paths) {
		return start(home, paths, List.of(), BridgeConfig.of(dev.embedpython.RuntimeOptions.defaults()), Binding.AUTO);
	}

	/**
	 * Load and initialize CPython.
	 * @param home the installation
	 * @param paths directories to prepend to {@code sys.path}
	 * @param packagePaths directories to append to {@code sys.path} (Python packages from jars)
	 * @param bridge what Python code reaches of the JVM: the main interpreter's, and every pool's defaults
	 * @param binding how to call libpython; process-wide, fixed by the first start in the JVM
	 * @return the running engine
	 * @throws PythonInitializationException if CPython refuses to initialize
	 * @throws dev.embedpython.PythonBindingException if the binding cannot be used
	 */
	public static Engine start(PythonHome home, List<Path> paths, List<Path> packagePaths, BridgeConfig bridge,
			Binding binding) {
		NativeLibrary library = CPythonLoader.load(home, binding);
		return OwnerThread.get().call(() -> initialize(library, home, paths, packagePaths, bridge));
	}

	/**
	 * The binding this JVM calls libpython through.
	 * @return FFM or JNA
	 */
	public Binding binding() {
		return Objects.requireNonNull(BindingChoice.current(), "bound before any engine starts");
	}

	/**
	 * Check that a runtime may start on this engine with the binding it asks for.
	 * @param requested the binding of the runtime's options
	 * @throws dev.embedpython.PythonBindingException if it is neither {@link Binding#AUTO} nor the binding in use
	 */
	public void checkBinding(Binding requested) {
		BindingChoice.check(binding(), requested);
	}

	private static Engine initialize(NativeLibrary library, PythonHome home, List<Path> paths,
			List<Path> packagePaths, BridgeConfig bridge) {
		CPythonLoader.initialize(home);
		// python-main now holds the GIL with the original main thread state.
		long mainThreadState = CPython.PyThreadState_GetUnchecked();
		PyTypes types = PyTypes.lookup(library);
		ExtensionApi.bind(library);
		PythonErrors.setSyntaxErrorType(types.syntaxError());
		PythonErrors.setTranslator(PythonExceptions.INSTANCE);
		Generation generation = new Generation(GENERATIONS.incrementAndGet(), types, new ValueConverter(types));
		Interpreter main = new Interpreter(CPython.PyInterpreterState_Main(), Isolation.MAIN, generation,
				mainThreadState, "main");
		try {
			main.initNamespace();
			Engine engine = new Engine(home, CPythonLoader.version(), generation, main, paths, packagePaths, bridge);
			engine.bootstrap(main, true);
			main.installBridge(bridge);
			CPython.PyEval_SaveThread();
			return engine;
		}
		catch (PythonException ex) {
			CPython.PyEval_SaveThread();
			main.finalizeMain();
			throw new PythonInitializationException("CPython started but its bootstrap failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Prepare an interpreter's namespace: {@code sys.path}, site directories and, for the main interpreter, the
	 * SIGINT disposition. Called attached.
	 */
	private void bootstrap(Interpreter interpreter, boolean isMain) {
		StringBuilder code = new StringBuilder("def _embedpython_bootstrap():\n    import sys\n");
		code.append("    for p in reversed([");
		for (Path path : this.paths) {
			code.append(literal(path.toAbsolutePath().toString())).append(", ");
		}
		code.append("]):\n        if p not in sys.path:\n            sys.path.insert(0, p)\n");
		if (!this.packagePaths.isEmpty()) {
			code.append("    for p in [");
			for (Path path : this.packagePaths) {
				code.append(literal(path.toAbsolutePath().toString())).append(", ");
			}
			code.append("]:\n        if p not in sys.path:\n            sys.path.append(p)\n");
		}
		if (!this.home.sitePackages().isEmpty()) {
			code.append("    import site\n");
			for (Path sitePackages : this.home.sitePackages()) {
				code.append("    site.addsitedir(").append(literal(sitePackages.toString())).append(")\n");
			}
		}
		Path executable = this.home.executable();
		if (executable != null && this.home.versionNumber() < 314) {
			// 3.13 is initialized through PyConfig without it: set it in every interpreter.
			code.append("    if not sys.executable:\n        sys.executable = sys._base_executable = ")
				.append(literal(executable.toString())).append('\n');
		}
		if (isMain) {
			// Under -Xrs the signal module installs Python's SIGINT handler; give SIGINT back to the JVM's default.
			code.append("    import signal\n")
				.append("    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:\n")
				.append("        signal.signal(signal.SIGINT, signal.SIG_DFL)\n");
		}
		code.append("_embedpython_bootstrap()\ndel _embedpython_bootstrap\n");
		interpreter.exec(code.toString());
	}

	/**
	 * A Python string literal for any Java string.
	 * @param text the text
	 * @return a single-quoted literal with escapes
	 */
	private static String literal(String text) {
		StringBuilder literal = new StringBuilder("'");
		text.codePoints().forEach((cp) -> {
			if (cp == '\\' || cp == '\'') {
				literal.append('\\').appendCodePoint(cp);
			}
			else if (cp < 0x20 || cp == 0x7f) {
				literal.append(String.format("\\x%02x", cp));
			}
			else {
				literal.appendCodePoint(cp);
			}
		});
		return literal.append('\'').toString();
	}

	/**
	 * Add directories to {@code sys.path} of the main interpreter now and of interpreters created later.
	 * @param extra the directories
	 */
	public void addPaths(List<Path> extra) {
		List<Path> added = new ArrayList<>();
		for (Path path : extra) {
			if (!this.paths.contains(path)) {
				this.paths.add(path);
				added.add(path);
			}
		}
		if (!added.isEmpty()) {
			OwnerThread.get().call(() -> {
				this.main.attach();
				try {
					bootstrap(this.main, false);
				}
				finally {
					this.main.detach();
				}
				return null;
			});
		}
	}

	/**
	 * Create a sub-interpreter: {@code Py_NewInterpreterFromConfig} and the bootstrap on {@code python-main}, then
	 * the preloads and the init script on a set-up thread of its own (see {@link InterpreterSetup}).
	 * @param spec what to create
	 * @return the new interpreter, detached
	 * @throws PythonInitializationException if creation fails or the set-up fails or overruns (naming the pool,
	 * the module or script, with the Python exception as the cause); the interpreter is ended again
	 */
	public Interpreter createInterpreter(InterpreterSpec spec) {
		if (spec.isolation() == Isolation.MAIN) {
			throw new IllegalArgumentException("The main interpreter exists once; set it up with setUpMain()");
		}
		checkRunning();
		Interpreter interpreter = OwnerThread.get().call(() -> newInterpreter(spec));
		try {
			InterpreterSetup.run(this, interpreter, spec);
		}
		catch (RuntimeException | Error ex) {
			if (!(ex instanceof InterpreterSetup.Abandoned)) {
				endInterpreter(interpreter);
			}
			throw ex;
		}
		return interpreter;
	}

	/**
	 * Run a spec's preloads and init script in the main interpreter (see {@link InterpreterSetup}).
	 * @param spec what to set up
	 * @return the main interpreter
	 * @throws PythonInitializationException if a step fails or overruns
	 */
	public Interpreter setUpMain(InterpreterSpec spec) {
		checkRunning();
		InterpreterSetup.run(this, this.main, spec);
		return this.main;
	}

	private Interpreter newInterpreter(InterpreterSpec spec) {
		boolean own = spec.isolation() == Isolation.OWN_GIL;
		// PyInterpreterConfig: use_main_obmalloc, allow_fork, allow_exec, allow_threads, allow_daemon_threads,
		// check_multi_interp_extensions, gil (1 = shared, 2 = own); identical in 3.12-3.14.
		Memory config = new Memory(32);
		config.clear();
		config.setInt(0, own ? 0 : 1);
		config.setInt(4, spec.allowFork() ? 1 : 0);
		config.setInt(8, spec.allowExec() ? 1 : 0);
		config.setInt(12, spec.allowThreads() ? 1 : 0);
		config.setInt(16, 0);
		config.setInt(20, own ? 1 : 0);
		config.setInt(24, own ? 2 : 1);
		// Py_NewInterpreterFromConfig needs an attached thread state; it detaches it and returns with the new
		// interpreter's thread state attached and its GIL held.
		this.main.attach();
		long[] threadState = new long[1];
		PyStatus status = CPython.Py_NewInterpreterFromConfig(threadState, config);
		if (status.isException()) {
			this.main.detach();
			throw new PythonInitializationException("Pool '" + spec.label() + "': cannot create a sub-interpreter: "
					+ status.describe(), null);
		}
		long state = CPython.PyThreadState_GetInterpreter(threadState[0]);
		Interpreter interpreter = new Interpreter(state, spec.isolation(), this.generation, threadState[0],
				spec.label());
		try {
			interpreter.initNamespace();
			bootstrap(interpreter, false);
			interpreter.installBridge(spec.bridge());
		}
		catch (RuntimeException | Error ex) {
			// Whatever failed, python-main must not stay attached to the half-made interpreter.
			CPython.PyEval_SaveThread();
			this.live.add(interpreter);
			attemptEnd(interpreter);
			throw new PythonInitializationException("Pool '" + spec.label()
					+ "': bootstrapping a new sub-interpreter failed: " + ex.getMessage(), ex);
		}
		CPython.PyEval_SaveThread();
		this.live.add(interpreter);
		return interpreter;
	}

	/**
	 * End a sub-interpreter. The caller guarantees no other thread uses it. Threads that used it and still live
	 * delete their own thread states first (see {@link CallerThread}): until they have, or have died, the
	 * interpreter waits, retired. Python threads it started must finish before it can end: until then it stays
	 * retired too, with a warning naming them, and is ended as soon as they have. Never waits for either.
	 * @param interpreter the interpreter
	 */
	public void endInterpreter(Interpreter interpreter) {
		if (interpreter == this.main) {
			throw new IllegalArgumentException("The main interpreter ends only with the runtime");
		}
		OwnerThread.get().call(() -> {
			if (interpreter.isEnded() || this.deferred.contains(interpreter)) {
				return null;
			}
			if (interpreter.retire(() -> OwnerThread.get().execute("ending " + interpreter,
					() -> attemptEnd(interpreter)))) {
				attemptEnd(interpreter);
			}
			else {
				defer(interpreter);
			}
			return null;
		});
	}

	private void defer(Interpreter interpreter) {
		this.deferred.add(interpreter);
		startReaper();
		signalChange();
	}

	/**
	 * One attempt to end a retired interpreter, on {@code python-main}.
	 */
	private void attemptEnd(Interpreter interpreter) {
		if (this.finished || interpreter.isEnded()) {
			forgetEnded(interpreter);
			return;
		}
		Interpreter.EndAttempt attempt = interpreter.tryEnd();
		if (attempt.ended()) {
			forgetEnded(interpreter);
			return;
		}
		defer(interpreter);
		CompletableFuture<Void> disposals = attempt.disposals();
		if (disposals != null) {
			disposals.whenComplete((result, ex) -> OwnerThread.get().execute("ending " + interpreter,
					() -> attemptEnd(interpreter)));
		}
		else if (this.warned.add(interpreter)) {
			logger.log(Level.WARNING, "Pool '" + interpreter.label() + "': interpreter " + interpreter.id()
					+ " cannot end yet: " + attempt.blockedBy() + ". It stays alive (retired, serving no calls) "
					+ "until they finish and is ended then (checked every second); CPython cannot be finalized "
					+ "while it lives.");
		}
	}

	private void forgetEnded(Interpreter interpreter) {
		this.live.remove(interpreter);
		this.deferred.remove(interpreter);
		this.warned.remove(interpreter);
		signalChange();
	}

	private synchronized void startReaper() {
		if (this.reaper == null) {
			ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
					Threads.factory("python-reaper"));
			executor.scheduleWithFixedDelay(() -> OwnerThread.get().execute("reaping retired interpreters",
					this::reapDeferred), 1, 1, TimeUnit.SECONDS);
			this.reaper = executor;
		}
	}

	private void reapDeferred() {
		if (this.finished) {
			return;
		}
		for (Interpreter interpreter : this.deferred) {
			if (!interpreter.isEnded() && interpreter.reapDeadOwners()) {
				attemptEnd(interpreter);
			}
		}
	}

	private void signalChange() {
		this.endedLock.lock();
		try {
			this.allEnded.signalAll();
		}
		finally {
			this.endedLock.unlock();
		}
	}

	/**
	 * Retired sub-interpreters still waiting for live threads to delete their thread states.
	 * @return the count
	 */
	public int retiredSubinterpreters() {
		return this.deferred.size();
	}

	/**
	 * Wait until every sub-interpreter has ended or only waits for idle threads to release it (interpreters whose
	 * calls outlived their pool's drain end when those calls return).
	 * @param timeoutNanos the longest wait
	 * @return {@code true} if no sub-interpreter runs a call any more
	 */
	public boolean awaitSubinterpretersEnded(long timeoutNanos) {
		long remaining = timeoutNanos;
		this.endedLock.lock();
		try {
			while (this.live.size() > this.deferred.size()) {
				if (remaining <= 0) {
					return false;
				}
				remaining = this.allEnded.awaitNanos(remaining);
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this.live.size() <= this.deferred.size();
		}
		finally {
			this.endedLock.unlock();
		}
	}

	/**
	 * Sub-interpreters created and not yet ended.
	 * @return the count
	 */
	public int liveSubinterpreters() {
		return this.live.size();
	}

	/**
	 * The outcome of {@link #finish}.
	 * @param status {@code Py_FinalizeEx}'s result (0 on success), meaningful only when finalized
	 * @param refusedBecause why CPython was left initialized, {@code null} when it was finalized
	 */
	public record Finish(int status, @Nullable String refusedBecause) {
	}

	/**
	 * Finalize CPython on {@code python-main} with the original main thread state, unless something still runs in
	 * it: a sub-interpreter that could not end (a call that never returned, or Python threads still running), or a
	 * non-daemon Python thread of the main interpreter that does not finish within {@code joinNanos}. Then CPython
	 * is left initialized, unchanged, and the engine stays usable. Retired interpreters whose live users never came
	 * back are ended first; those users are tainted for later runtimes (see {@link CallerThread}). Idempotent.
	 * @param joinNanos how long to wait for Python threads of the main interpreter
	 * @return the outcome
	 */
	public Finish finish(long joinNanos) {
		if (this.finished) {
			return new Finish(0, null);
		}
		return OwnerThread.get().call(() -> {
			if (this.finished) {
				return new Finish(0, null);
			}
			// Decide before deleting anything: a refused finalization leaves the engine in use, and thread states
			// of live threads must then stay intact.
			List<String> blockers = new ArrayList<>();
			List<Interpreter> retired = new ArrayList<>();
			for (Interpreter interpreter : new ArrayList<>(this.live)) {
				if (!this.deferred.contains(interpreter)) {
					blockers.add(interpreter + " still runs a call");
					continue;
				}
				String holders = interpreter.unclosedSessionHolders();
				if (holders != null) {
					blockers.add(interpreter + " is still held through a session that was never closed by " + holders);
					continue;
				}
				String threads = interpreter.pythonThreadsRunning(TimeUnit.SECONDS.toNanos(10));
				if (threads != null) {
					blockers.add(interpreter + ": " + threads);
					continue;
				}
				retired.add(interpreter);
			}
			if (blockers.isEmpty()) {
				String threads = this.main.joinPythonThreads(joinNanos);
				if (!threads.isEmpty()) {
					blockers.add("non-daemon Python thread(s) of the main interpreter still running " + threads);
				}
			}
			if (!blockers.isEmpty()) {
				return new Finish(0, String.join("; ", blockers));
			}
			for (Interpreter interpreter : retired) {
				String blockedBy = forceEnd(interpreter);
				if (blockedBy != null) {
					// Only a Python thread started since the check gets here; its owners' states are gone already.
					return new Finish(0, interpreter + ": " + blockedBy);
				}
			}
			this.finished = true;
			synchronized (this) {
				if (this.reaper != null) {
					this.reaper.shutdownNow();
				}
			}
			return new Finish(this.main.finalizeMain(), null);
		});
	}

	private @Nullable String forceEnd(Interpreter interpreter) {
		for (int attempt = 0; attempt < 3; attempt++) {
			Interpreter.EndAttempt result = interpreter.tryEnd();
			if (result.ended()) {
				forgetEnded(interpreter);
				return null;
			}
			if (result.blockedBy() != null) {
				return result.blockedBy();
			}
			try {
				result.disposals().get(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return "interrupted while deleting its thread states";
			}
			catch (ExecutionException | TimeoutException ex) {
				return "its thread states could not be deleted: " + ex;
			}
		}
		return "its thread states could not be deleted";
	}

	/**
	 * A pool's bridge configuration: what its options set, the rest from the runtime's.
	 * @param options the pool's options
	 * @return the configuration
	 */
	public BridgeConfig bridgeFor(dev.embedpython.PoolOptions options) {
		return this.bridge.forPool(options);
	}

	/**
	 * Make every interpreter of this JVM ask the log sink for its loggers' levels again, at its next record.
	 */
	public static void refreshLogLevels() {
		Bridge.refreshLevels();
	}

	private void checkRunning() {
		if (this.finished) {
			throw new IllegalStateException("The Python runtime has been finalized");
		}
	}

	/**
	 * The main interpreter.
	 * @return the interpreter
	 */
	public Interpreter main() {
		return this.main;
	}

	/**
	 * The installation in use.
	 * @return the home
	 */
	public PythonHome home() {
		return this.home;
	}

	/**
	 * CPython's version, e.g. {@code 3.14.3}.
	 * @return the version
	 */
	public String version() {
		return this.version;
	}

}
