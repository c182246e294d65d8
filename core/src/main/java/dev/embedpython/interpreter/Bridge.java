package dev.embedpython.interpreter;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.embedpython.CallContextPropagator;
import dev.embedpython.PythonCallable;
import dev.embedpython.PythonException;
import dev.embedpython.PythonLogRecord;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.ExtensionApi;
import dev.embedpython.capi.MethodTable;
import dev.embedpython.capi.PythonErrors;
import dev.embedpython.capi.Scratch;
import dev.embedpython.convert.ValueConverter;
import org.jspecify.annotations.Nullable;

/**
 * The built-in module {@code _embedpython} of one interpreter, through which its Python code reaches the JVM:
 * {@code call} (a {@link PythonCallable} by name), {@code names}, and {@code log}, {@code level} and {@code output},
 * which the logging handler and the {@code sys.stdout}/{@code sys.stderr} it installs use (see the module's Python
 * half, {@code _embedpython.py} beside this class). The module is made when the interpreter is created: an empty
 * module in {@code sys.modules}, the native functions of one process-wide {@link MethodTable} (their {@code self} is
 * this bridge's slot number), then the Python half run in its namespace.
 * <p>
 * A native function runs on the thread that called it, with the interpreter's GIL held, and finds what to use in
 * the {@link CallScope}: the calling thread's own (a Java call in flight on it), else the latest call in flight in the
 * interpreter (a Python thread started by user code), else the interpreter's idle scope (its pool's configuration,
 * no context). A Java callable runs with the GIL released (see {@link CallbackFrame}); the log sink with it held.
 * <p>
 * Thread contract: {@link #install}, {@link #enter}, {@link #exit} and {@link #release} with the interpreter's GIL
 * held, which also guards the list of calls in flight; the dispatch from any thread Python calls from.
 */
final class Bridge {

	private static final Logger logger = System.getLogger(Bridge.class.getName());

	static final String MODULE = "_embedpython";

	private static final int CALL = 0;

	private static final int NAMES = 1;

	private static final int LOG = 2;

	private static final int LEVEL = 3;

	private static final int OUTPUT = 4;

	private static final List<String> FUNCTIONS = List.of("call", "names", "log", "level", "output");

	private static final List<String> DOCS = List.of(
			"call(name, *args)\n--\n\nCall the Java function registered under name with args; return its result.",
			"names()\n--\n\nThe names of the Java functions this call may use, sorted.",
			"log(logger, level, message, exception, thread)\n--\n\nLog one record through the JVM's log sink.",
			"level(logger)\n--\n\nThe lowest Python level number the JVM logs for this logger.",
			"output(stream, lines)\n--\n\nLog printed lines: stream 1 is stdout, 2 is stderr.");

	/** The level numbers Python asks about, lowest first, and what {@code level()} answers when none is enabled. */
	private static final int[] THRESHOLDS = { 1, 10, 20, 30, 40 };

	private static final Level[] THRESHOLD_LEVELS = { Level.TRACE, Level.DEBUG, Level.INFO, Level.WARNING, Level.ERROR };

	private static final int DISABLED = 1 << 30;

	private static final String SOURCE = readSource();

	private static final String SOURCE_NAME = "<embedpython>/_embedpython.py";

	/**
	 * A word of JVM memory that Python reads through a memoryview: bumping it makes every interpreter ask for its
	 * loggers' levels again. Never freed.
	 */
	private static final Memory LEVEL_GENERATION = zeroed(8);

	/** Bridges by slot number (the native functions' {@code self}); a slot is reused once its bridge is released. */
	private static volatile @Nullable Bridge[] slots = new Bridge[16];

	/**
	 * A byte per slot that Python sets while a thread has an unfinished line ({@code _pending}), so that the end of
	 * a call looks at JVM memory instead of calling into Python. Kept for the slot's next bridge, never freed: an
	 * interpreter between its release and its end may still write to it.
	 */
	private static volatile Memory[] pendingFlags = new Memory[16];

	private final Interpreter interpreter;

	private final ValueConverter converter;

	private final int slot;

	/** This slot's pending-line flag, read without a native call. */
	private final ByteBuffer pending;

	/** What Python threads use when no call is in flight. */
	private final CallScope idle;

	/** Calls in flight in this interpreter, latest last (the main interpreter serves several threads at once). */
	private final List<CallScope> active = new ArrayList<>(2);

	// Guarded by the GIL: references owned by this bridge.
	private long module;

	private long javaException;

	private long flush;

	private long uninstall;

	private volatile boolean sinkFailureReported;

	private volatile boolean released;

	private Bridge(Interpreter interpreter, BridgeConfig config, int slot) {
		this.interpreter = interpreter;
		this.converter = interpreter.converter();
		this.slot = slot;
		this.pending = pendingFlag(slot).getByteBuffer(0, 1);
		this.idle = new CallScope(this, config, null, null, 0, null);
	}

	/**
	 * Make {@code _embedpython} in an interpreter and install what the configuration asks for. Called attached,
	 * right after creation.
	 * @param interpreter the interpreter
	 * @param config its configuration: the pool's, or the runtime's for the main interpreter
	 * @return the bridge
	 * @throws PythonException if the module cannot be made
	 */
	static Bridge install(Interpreter interpreter, BridgeConfig config) {
		Bridge bridge = new Bridge(interpreter, config, claimSlot());
		register(bridge);
		try {
			bridge.create(config);
			return bridge;
		}
		catch (RuntimeException | Error ex) {
			bridge.release();
			throw ex;
		}
	}

	private void create(BridgeConfig config) {
		this.module = PythonErrors.check(CPython.PyImport_AddModuleRef(PythonErrors.cstring(MODULE)));
		long self = PythonErrors.check(CPython.PyLong_FromLongLong(this.slot));
		long name = 0;
		try {
			name = this.converter.toPython(MODULE);
			MethodTable table = Functions.TABLE;
			for (int i = 0; i < table.size(); i++) {
				addObject(FUNCTIONS.get(i), table.newFunction(i, self, name));
			}
		}
		finally {
			this.converter.release(name);
			this.converter.release(self);
		}
		addObject("_generation_memory", PythonErrors.check(ExtensionApi.PyMemoryView_FromMemory(
				Pointer.nativeValue(LEVEL_GENERATION), LEVEL_GENERATION.size(), ExtensionApi.PYBUF_READ)));
		Memory flag = pendingFlag(this.slot);
		flag.setByte(0, (byte) 0);
		addObject("_pending_memory", PythonErrors.check(ExtensionApi.PyMemoryView_FromMemory(
				Pointer.nativeValue(flag), 1, ExtensionApi.PYBUF_WRITE)));
		long globals = CPython.PyModule_GetDict(this.module);
		// Functions defined here look up builtins through their globals, and so does an import made from Java while
		// one of them is the current frame (PyImport_Import): the module needs __builtins__, as exec() would set.
		long builtins = PythonErrors.check(CPython.PyImport_ImportModule(PythonErrors.cstring("builtins")));
		try {
			PythonErrors.check(CPython.PyDict_SetItemString(globals, PythonErrors.cstring("__builtins__"), builtins));
		}
		finally {
			CPython.Py_DecRef(builtins);
		}
		long code = PythonErrors.check(CPython.Py_CompileStringExFlags(PythonErrors.cstring(SOURCE),
				PythonErrors.cstring(SOURCE_NAME), CPython.PY_FILE_INPUT, null, -1));
		try {
			this.converter.release(PythonErrors.check(CPython.PyEval_EvalCode(code, globals, globals)));
		}
		finally {
			CPython.Py_DecRef(code);
		}
		this.interpreter.registerSource(SOURCE_NAME, SOURCE);
		this.javaException = attribute("JavaException");
		this.flush = attribute("_flush");
		this.uninstall = attribute("_uninstall");
		long install = attribute("_install");
		try {
			this.converter.release(invoke(install, config.captureOutput(), config.loggingEnabled()));
		}
		finally {
			CPython.Py_DecRef(install);
		}
	}

	private void addObject(String name, long object) {
		try {
			PythonErrors.check(ExtensionApi.PyModule_AddObjectRef(this.module, PythonErrors.cstring(name), object));
		}
		finally {
			CPython.Py_DecRef(object);
		}
	}

	private long attribute(String name) {
		return PythonErrors.check(CPython.PyObject_GetAttrString(this.module, PythonErrors.cstring(name)));
	}

	/** Call with Java arguments converted; a new reference to the result. */
	private long invoke(long callable, @Nullable Object... args) {
		long[] argv = new long[args.length];
		try {
			for (int i = 0; i < args.length; i++) {
				argv[i] = this.converter.toPython(args[i]);
			}
			return PythonErrors.check(CPython.PyObject_Vectorcall(callable, Scratch.get().arguments(argv), argv.length, 0));
		}
		finally {
			for (long arg : argv) {
				this.converter.release(arg);
			}
		}
	}

	/**
	 * A Java call starts on the attached thread: its scope becomes the thread's and the interpreter's latest.
	 * @param config the pool's configuration
	 * @param context what the pool's propagator captured on the calling thread
	 * @param capturedOn the calling thread
	 * @param threadIdent the attached thread's id, as Python knows it
	 * @return the scope, to pass to {@link #exit}
	 */
	CallScope enter(BridgeConfig config, @Nullable Object context, Thread capturedOn, long threadIdent) {
		CallScope scope = new CallScope(this, config, context, capturedOn, threadIdent, CallScope.current());
		this.active.add(scope);
		CallScope.push(scope);
		return scope;
	}

	/**
	 * The call ends: send the line its thread left unfinished, and restore the thread's previous scope.
	 * @param scope what {@link #enter} returned
	 */
	void exit(CallScope scope) {
		try {
			if (this.flush != 0 && this.pending.get(0) != 0) {
				long ident = 0;
				try {
					ident = this.converter.toPython(scope.threadIdent);
					long args = Scratch.get().arguments(new long[] { ident });
					long result = CPython.PyObject_Vectorcall(this.flush, args, 1, 0);
					if (result == 0) {
						CPython.PyErr_Clear();
					}
					this.converter.release(result);
				}
				finally {
					this.converter.release(ident);
				}
			}
		}
		finally {
			for (int i = this.active.size() - 1; i >= 0; i--) {
				if (this.active.get(i) == scope) {
					this.active.remove(i);
					break;
				}
			}
			scope.pop();
		}
	}

	/**
	 * Put the interpreter's own streams and logging back and drop the module's objects; the native functions find
	 * no bridge afterwards. Called attached, before the interpreter ends. Idempotent.
	 */
	void release() {
		if (this.released) {
			return;
		}
		if (this.uninstall != 0) {
			long result = CPython.PyObject_Vectorcall(this.uninstall, 0, 0, 0);
			if (result == 0) {
				CPython.PyErr_Clear();
			}
			this.converter.release(result);
		}
		this.released = true;
		unregister(this);
		for (long object : new long[] { this.uninstall, this.flush, this.javaException, this.module }) {
			if (object != 0) {
				CPython.Py_DecRef(object);
			}
		}
		this.uninstall = 0;
		this.flush = 0;
		this.javaException = 0;
		this.module = 0;
	}

	/**
	 * Make every interpreter ask for its loggers' levels again, at its next record.
	 */
	static synchronized void refreshLevels() {
		LEVEL_GENERATION.setLong(0, LEVEL_GENERATION.getLong(0) + 1);
	}

	Interpreter interpreter() {
		return this.interpreter;
	}

	ValueConverter converter() {
		return this.converter;
	}

	long javaExceptionType() {
		return this.javaException;
	}

	/**
	 * The scope a native function called on the current thread works in.
	 */
	private CallScope scope() {
		CallScope scope = CallScope.current();
		if (scope != null && scope.bridge == this) {
			return scope;
		}
		int size = this.active.size();
		return (size > 0) ? this.active.get(size - 1) : this.idle;
	}

	// The native functions

	private static long dispatch(int function, long self, long args, long nargs) {
		Bridge bridge = bridge(self);
		if (bridge == null) {
			if (function == LOG || function == OUTPUT || function == LEVEL) {
				// The interpreter is ending and has put its own streams back: a late record has nowhere to go.
				return (function == LEVEL) ? CPython.PyLong_FromLongLong(DISABLED)
						: CPython.Py_GetConstantBorrowed(CPython.CONSTANT_NONE);
			}
			return raise(ExtensionApi.runtimeError(), "embedpython: this interpreter is shutting down");
		}
		long[] argv = new long[(int) nargs];
		if (nargs > 0) {
			new Pointer(args).read(0, argv, 0, argv.length);
		}
		switch (function) {
			case CALL:
				return CallbackFrame.call(bridge, bridge.scope(), argv);
			case NAMES:
				return bridge.names();
			case LOG:
				return bridge.log(argv);
			case LEVEL:
				return bridge.level(argv);
			case OUTPUT:
				return bridge.output(argv);
			default:
				return raise(ExtensionApi.runtimeError(), "embedpython: no native function " + function);
		}
	}

	private long names() {
		List<String> names = new ArrayList<>(new TreeSet<>(scope().config.callables().keySet()));
		return this.converter.toPython(names);
	}

	private long log(long[] argv) {
		if (argv.length != 5) {
			return raise(ExtensionApi.typeError(), "log() takes 5 arguments (" + argv.length + " given)");
		}
		String name;
		long levelNumber;
		String message;
		PythonException thrown;
		String thread;
		try {
			name = this.converter.toJava(argv[0], String.class);
			levelNumber = requireLong(this.converter.toJava(argv[1], Long.class));
			message = this.converter.toJava(argv[2], String.class);
			thrown = LoggedException.of(this.converter.toJava(argv[3], List.class));
			thread = this.converter.toJava(argv[4], String.class);
		}
		catch (RuntimeException ex) {
			return raise(ExtensionApi.typeError(), "log(): " + ex.getMessage());
		}
		int pythonLevel = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, levelNumber));
		deliver(scope(), new PythonLogRecord(loggerName(String.valueOf(name)), PythonLogRecord.level(pythonLevel),
				pythonLevel, String.valueOf(message), thrown, thread));
		return CPython.Py_GetConstantBorrowed(CPython.CONSTANT_NONE);
	}

	private long level(long[] argv) {
		if (argv.length != 1) {
			return raise(ExtensionApi.typeError(), "level() takes 1 argument (" + argv.length + " given)");
		}
		String name;
		try {
			name = this.converter.toJava(argv[0], String.class);
		}
		catch (RuntimeException ex) {
			return raise(ExtensionApi.typeError(), "level(): " + ex.getMessage());
		}
		String loggerName = loggerName(String.valueOf(name));
		int threshold = DISABLED;
		try {
			for (int i = 0; i < THRESHOLDS.length; i++) {
				if (scope().config.sink().isEnabled(loggerName, THRESHOLD_LEVELS[i])) {
					threshold = THRESHOLDS[i];
					break;
				}
			}
		}
		catch (RuntimeException ex) {
			reportSinkFailure(ex);
		}
		return CPython.PyLong_FromLongLong(threshold);
	}

	private long output(long[] argv) {
		if (argv.length != 2) {
			return raise(ExtensionApi.typeError(), "output() takes 2 arguments (" + argv.length + " given)");
		}
		boolean stderr;
		List<?> lines;
		try {
			stderr = requireLong(this.converter.toJava(argv[0], Long.class)) == 2;
			lines = this.converter.toJava(argv[1], List.class);
		}
		catch (RuntimeException ex) {
			return raise(ExtensionApi.typeError(), "output(): " + ex.getMessage());
		}
		CallScope scope = scope();
		String loggerName = stderr ? "python.stderr" : "python.stdout";
		Level level = stderr ? Level.WARNING : Level.INFO;
		int pythonLevel = stderr ? 30 : 20;
		for (Object line : (lines != null) ? lines : List.of()) {
			String text = String.valueOf(line);
			if (text.endsWith("\r")) {
				text = text.substring(0, text.length() - 1);
			}
			deliver(scope, new PythonLogRecord(loggerName, level, pythonLevel, text, null, null));
		}
		return CPython.Py_GetConstantBorrowed(CPython.CONSTANT_NONE);
	}

	private void deliver(CallScope scope, PythonLogRecord record) {
		CallerThread caller = CallerThread.current();
		caller.holdingGil++;
		try (CallContextPropagator.Scope context = scope.propagate()) {
			scope.config.sink().log(record);
		}
		catch (RuntimeException | LinkageError ex) {
			reportSinkFailure(ex);
		}
		finally {
			caller.holdingGil--;
		}
	}

	private void reportSinkFailure(Throwable ex) {
		if (!this.sinkFailureReported) {
			this.sinkFailureReported = true;
			logger.log(Level.WARNING, "The log sink of " + this.interpreter + " failed; Python's records that fail "
					+ "are dropped (reported once per interpreter)", ex);
		}
	}

	private static String loggerName(String pythonName) {
		return (pythonName.isEmpty() || pythonName.equals("root")) ? "python" : "python." + pythonName;
	}

	private static long requireLong(@Nullable Long value) {
		if (value == null) {
			throw new IllegalArgumentException("an int is required, not None");
		}
		return value;
	}

	/**
	 * Set a Python exception.
	 * @return 0, what a native function returns with an exception set
	 */
	static long raise(long type, String message) {
		ExtensionApi.PyErr_SetString(type, PythonErrors.cstring(message));
		return 0;
	}

	// The slots

	private static synchronized int claimSlot() {
		@Nullable Bridge[] current = slots;
		for (int i = 0; i < current.length; i++) {
			if (current[i] == null) {
				return i;
			}
		}
		slots = Arrays.copyOf(current, current.length * 2);
		pendingFlags = Arrays.copyOf(pendingFlags, current.length * 2);
		return current.length;
	}

	private static synchronized Memory pendingFlag(int slot) {
		Memory flag = pendingFlags[slot];
		if (flag == null) {
			flag = zeroed(1);
			pendingFlags[slot] = flag;
		}
		return flag;
	}

	private static synchronized void register(Bridge bridge) {
		@Nullable Bridge[] copy = slots.clone();
		copy[bridge.slot] = bridge;
		slots = copy;
	}

	private static synchronized void unregister(Bridge bridge) {
		@Nullable Bridge[] copy = slots.clone();
		if (copy[bridge.slot] == bridge) {
			copy[bridge.slot] = null;
		}
		slots = copy;
	}

	private static @Nullable Bridge bridge(long self) {
		long slot = CPython.PyLong_AsLongLong(self);
		@Nullable Bridge[] current = slots;
		return (slot >= 0 && slot < current.length) ? current[(int) slot] : null;
	}

	private static Memory zeroed(int size) {
		Memory memory = new Memory(size);
		memory.clear();
		return memory;
	}

	private static String readSource() {
		try (InputStream in = Bridge.class.getResourceAsStream(MODULE + ".py")) {
			if (in == null) {
				throw new IllegalStateException("The resource " + MODULE + ".py is missing beside " + Bridge.class);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + MODULE + ".py: " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return "Bridge[" + this.interpreter + ", slot " + this.slot + "]";
	}

	/**
	 * The process-wide method table, made when the first interpreter is bridged (after the binding) and kept for
	 * the life of the process: C holds pointers into it.
	 */
	private static final class Functions {

		static final MethodTable TABLE = MethodTable.create(FUNCTIONS, DOCS, Bridge::dispatch, "python-thread");

	}

}
