package dev.embedpython.interpreter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.embedpython.Binding;
import dev.embedpython.Isolation;
import dev.embedpython.PoolOptions;
import dev.embedpython.PythonException;
import dev.embedpython.PythonExtractionException;
import dev.embedpython.PythonInitializationException;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.InitConfigApi;
import dev.embedpython.capi.LegacyInitApi;
import dev.embedpython.capi.PyStatus;
import dev.embedpython.capi.PythonErrors;
import dev.embedpython.convert.PyTypes;
import dev.embedpython.convert.ValueConverter;
import dev.embedpython.runtime.OwnerThread;
import dev.embedpython.runtime.PythonHome;
import org.jspecify.annotations.Nullable;

/**
 * One initialized CPython: loads libpython (RTLD_GLOBAL), initializes it on {@code python-main} from an isolated
 * configuration without signal handlers, creates and ends sub-interpreters there, and finalizes it there with the
 * original main thread state.
 * <p>
 * Thread contract: {@link #start}, {@link #createInterpreter}, {@link #endInterpreter} and {@link #finish} may be
 * called from any thread; they run on {@code python-main}, one at a time. Accessors are thread-safe.
 */
public final class Engine {

	private static final Logger logger = System.getLogger(Engine.class.getName());

	private static final int RTLD_LAZY = 0x1;

	private static final int RTLD_GLOBAL = 0x100;

	private static final Object LOAD_LOCK = new Object();

	private static @Nullable NativeLibrary library;

	private static @Nullable Path libraryPath;

	/** Wide strings handed to the 3.13 global setters must outlive initialization. */
	private static final List<Memory> LEGACY_STRINGS = new ArrayList<>();

	/** Each initialization of CPython in this JVM is a new generation (see {@link CallerThread}). */
	private static final AtomicInteger GENERATIONS = new AtomicInteger();

	private final int generation;

	/** Retired sub-interpreters waiting for live threads to delete their own thread states. */
	private final Set<Interpreter> deferred = ConcurrentHashMap.newKeySet();

	private @Nullable ScheduledExecutorService reaper;

	private final PythonHome home;

	private final String version;

	private final ValueConverter converter;

	private final PyTypes types;

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

	private volatile boolean finished;

	private Engine(PythonHome home, String version, PyTypes types, Interpreter main, List<Path> paths,
			List<Path> packagePaths, int generation) {
		this.packagePaths = List.copyOf(packagePaths);
		this.generation = generation;
		this.home = home;
		this.version = version;
		this.types = types;
		this.converter = new ValueConverter(types);
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
		return start(home, paths, List.of());
	}

	/**
	 * Load and initialize CPython.
	 * @param home the installation
	 * @param paths directories to prepend to {@code sys.path}
	 * @param packagePaths directories to append to {@code sys.path} (Python packages from jars)
	 * @return the running engine
	 * @throws PythonInitializationException if CPython refuses to initialize
	 */
	public static Engine start(PythonHome home, List<Path> paths, List<Path> packagePaths) {
		return start(home, paths, packagePaths, Binding.AUTO);
	}

	/**
	 * Load and initialize CPython.
	 * @param home the installation
	 * @param paths directories to prepend to {@code sys.path}
	 * @param packagePaths directories to append to {@code sys.path} (Python packages from jars)
	 * @param binding how to call libpython; process-wide, fixed by the first start in the JVM
	 * @return the running engine
	 * @throws PythonInitializationException if CPython refuses to initialize
	 * @throws dev.embedpython.PythonBindingException if the binding cannot be used
	 */
	public static Engine start(PythonHome home, List<Path> paths, List<Path> packagePaths, Binding binding) {
		NativeLibrary lib = load(home, binding);
		return OwnerThread.get().call(() -> initialize(lib, home, paths, packagePaths));
	}

	/**
	 * The binding this JVM calls libpython through.
	 * @return FFM or JNA
	 */
	public Binding binding() {
		return Objects.requireNonNull(CPython.binding(), "bound before any engine starts");
	}

	/**
	 * Check that a runtime may start on this engine with the binding it asks for.
	 * @param requested the binding of the runtime's options
	 * @throws dev.embedpython.PythonBindingException if it is neither {@link Binding#AUTO} nor the binding in use
	 */
	public void checkBinding(Binding requested) {
		CPython.checkCompatible(binding(), requested);
	}

	private static NativeLibrary load(PythonHome home, Binding binding) {
		synchronized (LOAD_LOCK) {
			if (library != null) {
				if (!home.library().equals(libraryPath)) {
					throw new PythonInitializationException("This JVM has already loaded CPython from '" + libraryPath
							+ "'; one JVM can host only one libpython, so '" + home.library()
							+ "' cannot be used. Restart the JVM to switch Python installations.", null);
				}
				CPython.bind(library, binding);
				return library;
			}
			Map<String, Object> options = new HashMap<>();
			options.put(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_GLOBAL);
			options.put(Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name());
			try {
				if (home.libffi() != null) {
					// _ctypes' rpath does not look beside libpython: load the bundled libffi by absolute path first.
					NativeLibrary.getInstance(home.libffi().toString(), options);
				}
				NativeLibrary lib = NativeLibrary.getInstance(home.library().toString(), options);
				CPython.bind(lib, binding);
				if (home.versionNumber() >= 314) {
					InitConfigApi.bind(lib);
				}
				else {
					LegacyInitApi.bind(lib);
				}
				library = lib;
				libraryPath = home.library();
				return lib;
			}
			catch (UnsatisfiedLinkError ex) {
				String message = String.valueOf(ex.getMessage());
				if (message.contains("failed to map segment") || message.contains("Operation not permitted")) {
					throw new PythonExtractionException("Cannot load '" + home.library() + "': " + message
							+ "; its directory is probably on a filesystem mounted noexec. Configure a cache directory on "
							+ "an exec-mountable filesystem.", ex);
				}
				throw new PythonInitializationException("Cannot load '" + home.library() + "': " + message, ex);
			}
		}
	}

	private static Engine initialize(NativeLibrary lib, PythonHome home, List<Path> paths, List<Path> packagePaths) {
		if (CPython.Py_IsInitialized() != 0) {
			throw new PythonInitializationException("CPython is already initialized in this process by someone else",
					null);
		}
		String programName = "python" + home.minorVersion();
		if (home.versionNumber() >= 314) {
			initializeWithInitConfig(home, programName);
		}
		else {
			initializeLegacy(home, programName);
		}
		// python-main now holds the GIL with the original main thread state.
		long mainThreadState = CPython.PyThreadState_GetUnchecked();
		int generation = GENERATIONS.incrementAndGet();
		PyTypes types = PyTypes.lookup(lib);
		PythonErrors.setSyntaxErrorType(types.syntaxError());
		Interpreter main = new Interpreter(CPython.PyInterpreterState_Main(), Isolation.MAIN, generation,
				mainThreadState, "main");
		String version;
		try {
			main.initNamespace();
			version = new Pointer(CPython.Py_GetVersion()).getString(0, "UTF-8").split(" ", 2)[0];
			Engine engine = new Engine(home, version, types, main, paths, packagePaths, generation);
			engine.bootstrap(main, true);
			CPython.PyEval_SaveThread();
			return engine;
		}
		catch (PythonException ex) {
			CPython.PyEval_SaveThread();
			main.finalizeMain();
			throw new PythonInitializationException("CPython started but its bootstrap failed: " + ex.getMessage(), ex);
		}
	}

	private static void initializeWithInitConfig(PythonHome home, String programName) {
		long config = InitConfigApi.PyInitConfig_Create();
		if (config == 0) {
			throw new PythonInitializationException("PyInitConfig_Create failed (out of memory)", null);
		}
		try {
			setStr(config, "home", home.home().toString());
			setStr(config, "program_name", programName);
			Path executable = home.executable();
			if (executable != null) {
				// sys.executable (every interpreter copies it): subprocess and multiprocessing (spawn) start it.
				setStr(config, "executable", executable.toString());
			}
			setInt(config, "isolated", 1);
			setInt(config, "use_environment", 0);
			setInt(config, "user_site_directory", 0);
			setInt(config, "install_signal_handlers", 0);
			setInt(config, "parse_argv", 0);
			setInt(config, "utf8_mode", 1);
			if (InitConfigApi.Py_InitializeFromInitConfig(config) < 0) {
				throw new PythonInitializationException(
						"CPython " + home.minorVersion() + " failed to initialize from '" + home.home() + "': "
								+ initConfigError(config), null);
			}
		}
		finally {
			InitConfigApi.PyInitConfig_Free(config);
		}
	}

	private static void setStr(long config, String name, String value) {
		if (InitConfigApi.PyInitConfig_SetStr(config, PythonErrors.cstring(name), PythonErrors.cstring(value)) < 0) {
			throw new PythonInitializationException("Invalid init config '" + name + "': " + initConfigError(config),
					null);
		}
	}

	private static void setInt(long config, String name, long value) {
		if (InitConfigApi.PyInitConfig_SetInt(config, PythonErrors.cstring(name), value) < 0) {
			throw new PythonInitializationException("Invalid init config '" + name + "': " + initConfigError(config),
					null);
		}
	}

	private static String initConfigError(long config) {
		long[] message = new long[1];
		if (InitConfigApi.PyInitConfig_GetError(config, message) == 1 && message[0] != 0) {
			return new Pointer(message[0]).getString(0, "UTF-8");
		}
		return "unknown error";
	}

	private static void initializeLegacy(PythonHome home, String programName) {
		Memory name = wide(programName);
		Memory homeText = wide(home.home().toString());
		LegacyInitApi.Py_SetProgramName(name);
		LegacyInitApi.Py_SetPythonHome(homeText);
		Memory config = new Memory(LegacyInitApi.CONFIG_BUFFER_SIZE);
		config.clear();
		// The isolated config already gives install_signal_handlers=0, isolated=1, no user site, PYTHON* ignored.
		LegacyInitApi.PyConfig_InitIsolatedConfig(config);
		try {
			PyStatus status = LegacyInitApi.Py_InitializeFromConfig(config);
			if (status.isException()) {
				throw new PythonInitializationException("CPython " + home.minorVersion() + " failed to initialize from '"
						+ home.home() + "': " + status.describe(), null);
			}
		}
		finally {
			LegacyInitApi.PyConfig_Clear(config);
		}
	}

	private static Memory wide(String text) {
		// wchar_t is UTF-32 in native byte order on Linux.
		byte[] utf32 = text.getBytes(java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN
				? java.nio.charset.Charset.forName("UTF-32LE") : java.nio.charset.Charset.forName("UTF-32BE"));
		Memory memory = new Memory(utf32.length + 4L);
		memory.clear();
		memory.write(0, utf32, 0, utf32.length);
		synchronized (LEGACY_STRINGS) {
			LEGACY_STRINGS.add(memory);
		}
		return memory;
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
	public static String literal(String text) {
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
	 * the preloads and the init script on a set-up thread of its own, bounded by the pool's creation timeout, so
	 * that a preload that never returns blocks neither {@code python-main} nor the caller for longer.
	 * @param options the pool's options
	 * @return the new interpreter, detached
	 * @throws PythonInitializationException if creation fails or the set-up fails or overruns (naming the pool,
	 * the module or script, with the Python exception as the cause); the interpreter is ended again
	 */
	public Interpreter createInterpreter(PoolOptions options) {
		checkRunning();
		Interpreter interpreter = OwnerThread.get().call(() -> newInterpreter(options));
		try {
			setUp(interpreter, options);
		}
		catch (RuntimeException | Error ex) {
			if (!(ex instanceof SetupAbandoned)) {
				endInterpreter(interpreter);
			}
			throw ex;
		}
		return interpreter;
	}

	private Interpreter newInterpreter(PoolOptions options) {
		boolean own = options.isolation() == Isolation.OWN_GIL;
		// PyInterpreterConfig: use_main_obmalloc, allow_fork, allow_exec, allow_threads, allow_daemon_threads,
		// check_multi_interp_extensions, gil (1 = shared, 2 = own); identical in 3.12-3.14.
		Memory config = new Memory(32);
		config.clear();
		config.setInt(0, own ? 0 : 1);
		config.setInt(4, options.allowFork() ? 1 : 0);
		config.setInt(8, options.allowExec() ? 1 : 0);
		config.setInt(12, options.allowThreads() ? 1 : 0);
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
			throw new PythonInitializationException("Pool '" + options.name() + "': cannot create a sub-interpreter: "
					+ status.describe(), null);
		}
		long state = CPython.PyThreadState_GetInterpreter(threadState[0]);
		Interpreter interpreter = new Interpreter(state, options.isolation(), this.generation, threadState[0],
				options.name());
		try {
			interpreter.initNamespace();
			bootstrap(interpreter, false);
		}
		catch (RuntimeException | Error ex) {
			// Whatever failed, python-main must not stay attached to the half-made interpreter.
			CPython.PyEval_SaveThread();
			this.live.add(interpreter);
			attemptEnd(interpreter);
			throw new PythonInitializationException("Pool '" + options.name()
					+ "': bootstrapping a new sub-interpreter failed: " + ex.getMessage(), ex);
		}
		CPython.PyEval_SaveThread();
		this.live.add(interpreter);
		return interpreter;
	}

	/**
	 * Import the pool's preloads and run its init script in an interpreter, on a set-up thread of its own (which
	 * leaves its thread state to the dead-thread purge), waiting at most the pool's creation timeout. On timeout
	 * the set-up is interrupted with {@code TimeoutError} and abandoned: a sub-interpreter is ended when the set-up
	 * returns.
	 * @param interpreter the interpreter (a new sub-interpreter or the main one)
	 * @param options the pool's options
	 * @throws PythonInitializationException if a step fails or overruns
	 */
	public void setUp(Interpreter interpreter, PoolOptions options) {
		String script = options.initScript();
		if (options.preload().isEmpty() && (script == null || script.isBlank())) {
			return;
		}
		SetupTask task = new SetupTask(interpreter, options);
		Thread thread = new Thread(task, "python-setup-" + options.name() + "-" + interpreter.id());
		thread.setDaemon(true);
		thread.start();
		java.time.Duration timeout = options.creationTimeout();
		try {
			task.done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			return;
		}
		catch (ExecutionException ex) {
			throw OwnerThread.rethrow(ex);
		}
		catch (TimeoutException ex) {
			if (!task.abandon()) {
				// It finished just now.
				OwnerThread.awaitUninterruptibly(task.done);
				return;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			if (!task.abandon()) {
				OwnerThread.awaitUninterruptibly(task.done);
				return;
			}
		}
		task.interrupt();
		throw new SetupAbandoned("Pool '" + options.name() + "': creating an interpreter did not finish within "
				+ timeout.toMillis() + " ms (the creation timeout): " + task.step
				+ " was still running; it was interrupted with TimeoutError and the interpreter is ended when it "
				+ "returns. Check that module for work at import time, or raise the creation timeout.");
	}

	/**
	 * The set-up of one interpreter on a thread of its own.
	 */
	private final class SetupTask implements Runnable {

		private static final int RUNNING = 0;

		private static final int DONE = 1;

		private static final int ABANDONED = 2;

		private final Interpreter interpreter;

		private final PoolOptions options;

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		private final AtomicInteger phase = new AtomicInteger(RUNNING);

		private volatile String step = "the set-up";

		private volatile long ident;

		SetupTask(Interpreter interpreter, PoolOptions options) {
			this.interpreter = interpreter;
			this.options = options;
		}

		@Override
		public void run() {
			try {
				this.ident = this.interpreter.attach().ident();
				try {
					for (String module : this.options.preload()) {
						this.step = "preload module '" + module + "'";
						this.interpreter.exec("import " + module);
					}
					String script = this.options.initScript();
					if (script != null && !script.isBlank()) {
						this.step = "the init script";
						this.interpreter.exec(script);
					}
				}
				finally {
					this.interpreter.detach();
				}
				this.done.complete(null);
			}
			catch (PythonException ex) {
				this.done.completeExceptionally(withContext(ex, "Pool '" + this.options.name() + "': " + this.step
						+ " failed in a new interpreter: "));
			}
			catch (Throwable ex) {
				this.done.completeExceptionally(new PythonInitializationException("Pool '" + this.options.name()
						+ "': " + this.step + " failed in a new interpreter: " + ex, ex));
			}
			finally {
				if (!this.phase.compareAndSet(RUNNING, DONE) && this.interpreter.isolation() != Isolation.MAIN) {
					logger.log(Level.WARNING, "Pool '" + this.options.name() + "': the abandoned set-up of "
							+ this.interpreter + " returned; ending the interpreter");
					endInterpreter(this.interpreter);
				}
			}
		}

		boolean abandon() {
			return this.phase.compareAndSet(RUNNING, ABANDONED);
		}

		/** Raise TimeoutError in the set-up thread, from a thread attached to the same interpreter. */
		void interrupt() {
			long target = this.ident;
			if (target == 0) {
				return;
			}
			Thread interrupter = new Thread(() -> {
				try {
					this.interpreter.attach();
					try {
						CPython.PyThreadState_SetAsyncExc(target, Engine.this.types.timeoutError());
					}
					finally {
						this.interpreter.detach();
					}
				}
				catch (RuntimeException ex) {
					// The interpreter ended meanwhile: nothing left to interrupt.
				}
			}, "python-setup-interrupt-" + this.options.name());
			interrupter.setDaemon(true);
			interrupter.start();
		}

	}

	/**
	 * The same Python exception with a message that says where it happened; the original is the cause.
	 */
	private static PythonException withContext(PythonException ex, String context) {
		PythonException result;
		if (ex instanceof dev.embedpython.PythonSyntaxException syntax) {
			result = new dev.embedpython.PythonSyntaxException(ex.pythonType(), context + ex.pythonMessage(),
					ex.pythonTraceback(), ex, syntax.line(), syntax.column());
		}
		else {
			result = new PythonException(ex.pythonType(), context + ex.pythonMessage(), ex.pythonTraceback(), ex);
		}
		return result;
	}

	/**
	 * The set-up overran its bound and was abandoned: the set-up thread ends the interpreter when it returns.
	 */
	private static final class SetupAbandoned extends PythonInitializationException {

		private static final long serialVersionUID = 1L;

		SetupAbandoned(String message) {
			super(message, null);
		}

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
			ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
				Thread thread = new Thread(runnable, "python-reaper");
				thread.setDaemon(true);
				return thread;
			});
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
	 * Addresses of the static objects and exception types.
	 * @return the types
	 */
	public PyTypes types() {
		return this.types;
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
	 * The value converter.
	 * @return the converter
	 */
	public ValueConverter converter() {
		return this.converter;
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

	static {
		// Fail early and clearly if JNA itself cannot load.
		Native.getDefaultStringEncoding();
	}

}
