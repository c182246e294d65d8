package dev.embedpython.interpreter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.embedpython.Isolation;
import dev.embedpython.PythonException;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.PythonErrors;
import dev.embedpython.capi.Scratch;
import dev.embedpython.convert.ValueConverter;
import org.jspecify.annotations.Nullable;

/**
 * One CPython interpreter (the main one or a sub-interpreter) with the thread states Java threads use for it and
 * the objects it caches (compiled code, resolved callables, the {@code __main__} namespace). Its operations take
 * and return Java values ({@link #call}, {@link #eval}, {@link #exec}, {@link #get}, {@link #set}): conversion
 * happens here, so nothing above this layer touches a {@code PyObject*}.
 * <p>
 * Thread contract: {@link #attach()}/{@link #detach()} from any platform thread (never a virtual thread); every
 * other method only while the calling thread is attached, so Java code touching the caches is serialized by this
 * interpreter's GIL. {@link #end()} only on {@code python-main}, when no other thread uses the interpreter.
 */
public final class Interpreter {

	private static final byte[] MAIN_MODULE = PythonErrors.cstring("__main__");

	/**
	 * Registers compiled source with linecache, so tracebacks show the lines of code run through a session; with
	 * {@code None} as the text it drops the entry again (the code cache evicted the code).
	 */
	private static final String REGISTER_SOURCE = "lambda name, text: __import__('linecache').cache.pop(name, None) "
			+ "if text is None else __import__('linecache').cache.__setitem__("
			+ "name, (len(text), None, text.splitlines(True), name))";

	/** Names of the Python threads of this interpreter other than the calling one. */
	private static final String PYTHON_THREADS = "(lambda t: [x.name for x in t.enumerate() if x is not "
			+ "t.current_thread() and not isinstance(x, t._DummyThread)] if t else [])("
			+ "__import__('sys').modules.get('threading'))";

	/** Joins the main interpreter's non-daemon threads until a deadline; names those still alive. */
	private static final String JOIN_THREADS = "(lambda t, seconds: (lambda deadline: [x.join(max(0.0, deadline - "
			+ "__import__('time').monotonic())) for x in t.enumerate() if x is not t.current_thread() and not "
			+ "x.daemon and not isinstance(x, t._DummyThread)] and [x.name for x in t.enumerate() if x is not "
			+ "t.current_thread() and not x.daemon and not isinstance(x, t._DummyThread) and x.is_alive()])("
			+ "__import__('time').monotonic() + seconds) if t else [])(__import__('sys').modules.get('threading'), %s)";

	private static final int CODE_CACHE_SIZE = 512;

	private static final long PURGE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final int PURGE_AFTER_REGISTRATIONS = 16;

	private final long state;

	private final long id;

	private final Isolation isolation;

	private final long createdNanos = System.nanoTime();

	private final String label;

	private final Set<ThreadState> threadStates = ConcurrentHashMap.newKeySet();

	private final AtomicInteger registrationsSincePurge = new AtomicInteger();

	private volatile long lastPurgeNanos = System.nanoTime();

	private final Generation generation;

	private final ValueConverter converter;

	/** Live threads that still have to delete their own thread state before the interpreter can end, plus one. */
	private final AtomicInteger pendingOwners = new AtomicInteger(1);

	private volatile @Nullable Runnable onOwnersReleased;

	/** Set when the interpreter starts ending: no thread may register a new thread state after that. */
	private volatile boolean retiring;

	private volatile boolean ended;

	/** Deletions of foreign thread states in flight; the interpreter cannot end before they finish. */
	private final Set<CompletableFuture<Integer>> disposals = ConcurrentHashMap.newKeySet();

	/** Retired while a session that was never closed still held it: its thread may attach again. */
	private volatile boolean heldByUnclosedSession;

	// Guarded by this interpreter's GIL.
	private long mainModule;

	private long globals;

	private final Map<String, Compiled> execCode = new CodeCache();

	private final Map<String, Compiled> evalCode = new CodeCache();

	private final Map<String, Map<String, Long>> callables = new HashMap<>();

	/**
	 * The callable of the latest {@link #callable} lookup and its names, compared by identity: a caller usually
	 * passes the same string constants every time, and two hash lookups cost more than the call's native work.
	 * Read and written with the GIL held, like {@link #callables}; {@code 0} when none.
	 */
	private @Nullable String lastModule;

	private @Nullable String lastFunction;

	private long lastCallable;

	private long registerSource;

	private int compiled;

	private @Nullable Bridge bridge;

	Interpreter(long state, Isolation isolation, Generation generation, long creatorThreadState, String label) {
		this.state = state;
		this.id = CPython.PyInterpreterState_GetID(state);
		this.isolation = isolation;
		this.generation = generation;
		this.converter = generation.converter();
		this.label = label;
		CallerThread caller = CallerThread.current();
		caller.enteredGeneration(generation.number());
		adopt(caller, new ThreadState(Thread.currentThread(), caller, this, creatorThreadState,
				CPython.PyThread_get_thread_ident()));
	}

	long statePointer() {
		return this.state;
	}

	ValueConverter converter() {
		return this.converter;
	}

	/**
	 * What created this interpreter (a pool's name, or {@code main}), for messages.
	 * @return the label
	 */
	public String label() {
		return this.label;
	}

	/**
	 * CPython's id of this interpreter, 0 for the main one.
	 * @return the id
	 */
	public long id() {
		return this.id;
	}

	/**
	 * How this interpreter is isolated.
	 * @return the isolation
	 */
	public Isolation isolation() {
		return this.isolation;
	}

	/**
	 * When it was created.
	 * @return a {@link System#nanoTime()} value
	 */
	public long createdNanos() {
		return this.createdNanos;
	}

	/**
	 * The runtime generation this interpreter belongs to.
	 * @return the generation
	 */
	public int generation() {
		return this.generation.number();
	}

	/**
	 * Whether it has ended.
	 * @return {@code true} once ended
	 */
	public boolean isEnded() {
		return this.ended;
	}

	/**
	 * Number of thread states currently held for Java threads.
	 * @return the count
	 */
	public int threadStateCount() {
		return this.threadStates.size();
	}

	/**
	 * Attach the calling platform thread (creating its thread state on first use) and take this interpreter's
	 * GIL, blocking until it is free ({@code PyEval_RestoreThread}).
	 * @return the thread state now attached
	 * @throws IllegalStateException if the interpreter has ended
	 */
	public ThreadState attach() {
		if (this.ended) {
			throw new IllegalStateException("Interpreter " + this.id + " of '" + this.label + "' has ended");
		}
		CallerThread caller = CallerThread.current();
		if (caller.holdingGil > 0) {
			// Attaching a second thread state would abort the process ("non-NULL old thread state").
			throw new IllegalStateException("Thread '" + Thread.currentThread().getName() + "' is running a log sink "
					+ "for Python with an interpreter's GIL held and cannot call into Python from there");
		}
		ThreadState threadState = caller.stateFor(this);
		if (threadState == null || threadState.isDeleted()) {
			threadState = register(caller);
		}
		CPython.PyEval_RestoreThread(threadState.pointer());
		return threadState;
	}

	/**
	 * Detach the calling thread and release the GIL ({@code PyEval_SaveThread}).
	 */
	public void detach() {
		CPython.PyEval_SaveThread();
	}

	private ThreadState register(CallerThread caller) {
		if (this.retiring || this.ended) {
			throw new IllegalStateException("Interpreter " + this.id + " of '" + this.label
					+ "' has been retired and accepts no new threads");
		}
		if (CallerThread.mustHandOff(this.generation.number())) {
			// CPython still remembers a thread state of this thread that an earlier finalization freed: attaching
			// would write into freed memory. Sessions route such threads to a worker; this is the last guard.
			throw new IllegalStateException("Thread '" + Thread.currentThread().getName()
					+ "' used an earlier Python runtime and cannot attach to this one");
		}
		// PyThreadState_New binds the new state to the calling OS thread, so it is created by its user.
		long pointer = CPython.PyThreadState_New(this.state);
		if (pointer == 0) {
			throw new IllegalStateException("PyThreadState_New failed for interpreter " + this.id);
		}
		caller.enteredGeneration(this.generation.number());
		ThreadState threadState = new ThreadState(Thread.currentThread(), caller, this, pointer,
				CPython.PyThread_get_thread_ident());
		adopt(caller, threadState);
		this.registrationsSincePurge.incrementAndGet();
		return threadState;
	}

	private void adopt(CallerThread caller, ThreadState threadState) {
		caller.put(this, threadState);
		this.threadStates.add(threadState);
	}

	/**
	 * Delete the thread states of threads that have died, when due (some threads registered since the last purge,
	 * or a second passed). Never waits: the deletion runs on a {@link ForeignStateDisposal} thread.
	 */
	public void purgeIfDue() {
		int registrations = this.registrationsSincePurge.get();
		if (registrations >= PURGE_AFTER_REGISTRATIONS
				|| (registrations > 0 && System.nanoTime() - this.lastPurgeNanos > PURGE_INTERVAL_NANOS)) {
			purgeDeadThreadStates();
		}
	}

	/**
	 * Claim the thread states of dead threads and delete them on a {@link ForeignStateDisposal} thread (the
	 * caller never deletes a state it does not own). Callable attached or not.
	 * @return completes with the number deleted
	 */
	public CompletableFuture<Integer> purgeDeadThreadStates() {
		this.registrationsSincePurge.set(0);
		this.lastPurgeNanos = System.nanoTime();
		return dispose(claim(false, null));
	}

	private List<ThreadState> claim(boolean live, @Nullable ThreadState except) {
		List<ThreadState> claimed = new ArrayList<>();
		for (ThreadState threadState : this.threadStates) {
			if (threadState != except && (live || !threadState.isThreadAlive()) && threadState.claim()) {
				this.threadStates.remove(threadState);
				threadState.markDeleted();
				claimed.add(threadState);
			}
		}
		return claimed;
	}

	private CompletableFuture<Integer> dispose(List<ThreadState> claimed) {
		if (claimed.isEmpty()) {
			return CompletableFuture.completedFuture(0);
		}
		return ForeignStateDisposal.dispose(this, claimed);
	}

	void disposalStarted(CompletableFuture<Integer> disposal) {
		this.disposals.add(disposal);
	}

	void disposalFinished(CompletableFuture<Integer> disposal) {
		this.disposals.remove(disposal);
	}

	/**
	 * Start ending this interpreter, on {@code python-main}: no thread may register a new thread state from now
	 * on; thread states of dead threads are deleted by a disposal thread; each live thread is asked to delete its
	 * own (see {@link CallerThread}).
	 * @param whenReleased run (on the last owner's thread) once every live owner has deleted its thread state,
	 * unless that is already the case on return
	 * @return {@code true} if no live owner holds a thread state any more, so {@link #tryEnd()} may run now
	 */
	boolean retire(Runnable whenReleased) {
		this.onOwnersReleased = whenReleased;
		this.retiring = true;
		ThreadState mine = CallerThread.current().stateFor(this);
		List<ThreadState> dead = claim(false, mine);
		for (ThreadState threadState : this.threadStates) {
			if (threadState != mine) {
				this.pendingOwners.incrementAndGet();
				threadState.caller().retire(threadState);
			}
		}
		dispose(dead);
		return this.pendingOwners.decrementAndGet() == 0;
	}

	/**
	 * Delete the thread states of owners that died before they could delete their own; on {@code python-main}.
	 * @return {@code true} if no live owner holds a thread state any more
	 */
	boolean reapDeadOwners() {
		// Every thread state left after retire() belongs to an owner that was asked to delete it.
		List<ThreadState> dead = claim(false, CallerThread.current().stateFor(this));
		dispose(dead);
		return this.pendingOwners.addAndGet(-dead.size()) == 0;
	}

	/**
	 * Delete the calling thread's own thread state of this retiring interpreter. Called by the owner, unattached.
	 */
	void deleteOwn(ThreadState threadState) {
		if (!threadState.claim()) {
			return;
		}
		this.threadStates.remove(threadState);
		threadState.markDeleted();
		CallerThread.deleteAttached(threadState);
		if (this.pendingOwners.decrementAndGet() == 0) {
			Runnable callback = this.onOwnersReleased;
			if (callback != null) {
				callback.run();
			}
		}
	}

	/**
	 * Set up the {@code __main__} namespace. Called once, attached, right after creation.
	 */
	void initNamespace() {
		this.mainModule = PythonErrors.check(CPython.PyImport_AddModuleRef(MAIN_MODULE));
		this.globals = CPython.PyModule_GetDict(this.mainModule);
		long code = PythonErrors.check(CPython.Py_CompileStringExFlags(PythonErrors.cstring(REGISTER_SOURCE),
				PythonErrors.cstring("<embedpython>"), CPython.PY_EVAL_INPUT, null, -1));
		try {
			this.registerSource = PythonErrors.check(CPython.PyEval_EvalCode(code, this.globals, this.globals));
		}
		finally {
			CPython.Py_DecRef(code);
		}
	}

	/**
	 * Make the built-in module {@code _embedpython} and install what the configuration asks for (log forwarding,
	 * output capture). Called once, attached, right after creation.
	 * @param config the pool's configuration, or the runtime's for the main interpreter
	 */
	void installBridge(BridgeConfig config) {
		this.bridge = Bridge.install(this, config);
	}

	/**
	 * A Java call starts on the attached thread: the Java code Python runs for it (log sink, callables) uses the
	 * pool's configuration and the context captured on the calling thread. Attached; pair with {@link #exitCall}.
	 * @param config the pool's configuration
	 * @param context what the pool's propagator captured on the calling thread
	 * @param capturedOn the calling thread (the owner of a session that hands its calls to a worker)
	 * @param threadState the attached thread state
	 * @return the scope
	 */
	public CallScope enterCall(BridgeConfig config, @Nullable Object context, Thread capturedOn,
			ThreadState threadState) {
		Bridge current = this.bridge;
		if (current == null) {
			return new CallScope(null, config, context, capturedOn, threadState.ident(), null);
		}
		return current.enter(config, context, capturedOn, threadState.ident());
	}

	/**
	 * The call ends: a line it printed without a line break is logged, and the thread's previous scope restored.
	 * Attached.
	 * @param scope what {@link #enterCall} returned
	 */
	public void exitCall(CallScope scope) {
		Bridge current = scope.bridge;
		if (current != null) {
			current.exit(scope);
		}
	}

	/**
	 * Run statements in {@code __main__}. Attached.
	 * @param source the code
	 * @throws PythonException if the code raises
	 */
	public void exec(String source) {
		long code = compile(this.execCode, source, CPython.PY_FILE_INPUT);
		CPython.Py_DecRef(PythonErrors.check(CPython.PyEval_EvalCode(code, this.globals, this.globals)));
	}

	/**
	 * Evaluate an expression in {@code __main__}. Attached.
	 * @param <T> the result type
	 * @param expression the expression
	 * @param type the result type ({@code Object.class} for the natural mapping)
	 * @return the result as a Java value
	 * @throws PythonException if the expression raises
	 * @throws dev.embedpython.PythonConversionException if the result cannot become a {@code T}
	 */
	public <T> @Nullable T eval(String expression, Class<T> type) {
		return toJava(evalObject(expression), type);
	}

	private long evalObject(String expression) {
		long code = compile(this.evalCode, expression, CPython.PY_EVAL_INPUT);
		return PythonErrors.check(CPython.PyEval_EvalCode(code, this.globals, this.globals));
	}

	/**
	 * {@code module.function(*args)}, the function imported and looked up once, then cached. Attached.
	 * @param <T> the result type
	 * @param type the result type ({@code Object.class} for the natural mapping)
	 * @param module the module
	 * @param function the function (any attribute of the module that is callable)
	 * @param args the arguments, converted to Python
	 * @return the result as a Java value
	 * @throws PythonException if the import, the lookup or the call raises
	 * @throws dev.embedpython.PythonConversionException if an argument or the result does not convert
	 */
	public <T> @Nullable T call(Class<T> type, String module, String function, @Nullable Object[] args) {
		long callable = callable(module, function);
		long[] argv = new long[args.length];
		try {
			for (int i = 0; i < args.length; i++) {
				argv[i] = this.converter.toPython(args[i]);
			}
			return toJava(invoke(callable, argv), type);
		}
		finally {
			for (long arg : argv) {
				this.converter.release(arg);
			}
		}
	}

	/**
	 * Bind a global in {@code __main__}. Attached.
	 * @param name the name
	 * @param value the value, converted to Python
	 */
	public void set(String name, @Nullable Object value) {
		long object = this.converter.toPython(value);
		try {
			PythonErrors.check(CPython.PyDict_SetItemString(this.globals, PythonErrors.cstring(name), object));
		}
		finally {
			this.converter.release(object);
		}
	}

	/**
	 * Read a global of {@code __main__}. Attached.
	 * @param <T> the result type
	 * @param name the name
	 * @param type the result type ({@code Object.class} for the natural mapping)
	 * @return the value
	 * @throws PythonException {@code NameError} if it is not bound
	 */
	public <T> @Nullable T get(String name, Class<T> type) {
		long[] result = new long[1];
		int found = PythonErrors.check(CPython.PyDict_GetItemStringRef(this.globals, PythonErrors.cstring(name), result));
		if (found == 0) {
			throw PythonExceptions.nameError(name);
		}
		return toJava(result[0], type);
	}

	/** Convert a new reference and release it. */
	private <T> @Nullable T toJava(long object, Class<T> type) {
		try {
			return this.converter.toJava(object, type);
		}
		finally {
			this.converter.release(object);
		}
	}

	/**
	 * Raise {@code TimeoutError} in a thread running in this interpreter ({@code PyThreadState_SetAsyncExc}). The
	 * caller is attached to this interpreter: the call works only from a thread of the same interpreter.
	 * @param target the thread state of the running call
	 */
	public void interrupt(ThreadState target) {
		CPython.PyThreadState_SetAsyncExc(target.ident(), this.generation.types().timeoutError());
	}

	/**
	 * Withdraw an interruption that has not fired yet, so it cannot fire in the thread's next call. Attached, by the
	 * thread that owns {@code target}.
	 * @param target the thread state
	 */
	public void clearInterrupt(ThreadState target) {
		CPython.PyThreadState_SetAsyncExc(target.ident(), 0);
	}

	private long compile(Map<String, Compiled> cache, String source, int mode) {
		Compiled cached = cache.get(source);
		if (cached != null) {
			return cached.code();
		}
		String filename = "<embedpython-" + (++this.compiled) + ">";
		long code = PythonErrors.check(CPython.Py_CompileStringExFlags(PythonErrors.cstring(source),
				PythonErrors.cstring(filename), mode, null, -1));
		Compiled raced = cache.get(source);
		if (raced != null) {
			// Registering source ran Python, which may have let another thread of this interpreter compile it.
			CPython.Py_DecRef(code);
			return raced.code();
		}
		cache.put(source, new Compiled(code, filename));
		registerSource(filename, source);
		return code;
	}

	void registerSource(String filename, @Nullable String source) {
		long name = 0;
		long text = 0;
		try {
			byte[] nameBytes = filename.getBytes(java.nio.charset.StandardCharsets.UTF_8);
			name = PythonErrors.check(CPython.PyUnicode_FromStringAndSize(nameBytes, nameBytes.length));
			if (source != null) {
				byte[] textBytes = source.getBytes(java.nio.charset.StandardCharsets.UTF_8);
				text = PythonErrors.check(CPython.PyUnicode_FromStringAndSize(textBytes, textBytes.length));
			}
			long none = CPython.Py_GetConstantBorrowed(CPython.CONSTANT_NONE);
			CPython.Py_DecRef(invoke(this.registerSource, new long[] { name, (text != 0) ? text : none }));
		}
		catch (PythonException ex) {
			// Only tracebacks lose their source lines.
		}
		finally {
			if (name != 0) {
				CPython.Py_DecRef(name);
			}
			if (text != 0) {
				CPython.Py_DecRef(text);
			}
		}
	}

	/**
	 * {@code module.function}, imported and looked up once, then cached.
	 * @return a borrowed reference owned by the cache
	 */
	private long callable(String module, String function) {
		if (module == this.lastModule && function == this.lastFunction && this.lastCallable != 0) {
			return this.lastCallable;
		}
		long callable = lookUpCallable(module, function);
		this.lastModule = module;
		this.lastFunction = function;
		this.lastCallable = callable;
		return callable;
	}

	private long lookUpCallable(String module, String function) {
		Map<String, Long> functions = this.callables.computeIfAbsent(module, (key) -> new HashMap<>());
		Long cached = functions.get(function);
		if (cached != null) {
			return cached;
		}
		long moduleObject = PythonErrors.check(CPython.PyImport_ImportModule(PythonErrors.cstring(module)));
		try {
			long callable = PythonErrors.check(
					CPython.PyObject_GetAttrString(moduleObject, PythonErrors.cstring(function)));
			// The import may release the GIL (another thread of this interpreter then looks the same name up).
			Map<String, Long> current = this.callables.computeIfAbsent(module, (key) -> new HashMap<>());
			Long raced = current.putIfAbsent(function, callable);
			if (raced != null) {
				CPython.Py_DecRef(callable);
				return raced;
			}
			return callable;
		}
		finally {
			CPython.Py_DecRef(moduleObject);
		}
	}

	/**
	 * Call with positional arguments.
	 * @param callable the callable
	 * @param args new or borrowed references (not consumed)
	 * @return a new reference to the result
	 */
	private long invoke(long callable, long[] args) {
		if (args.length == 0) {
			return PythonErrors.check(CPython.PyObject_Vectorcall(callable, 0, 0, 0));
		}
		return PythonErrors.check(CPython.PyObject_Vectorcall(callable, Scratch.get().arguments(args), args.length, 0));
	}

	/**
	 * Release every cached object. Called attached, before the interpreter ends.
	 */
	void releaseObjects() {
		if (this.bridge != null) {
			this.bridge.release();
		}
		List<Long> objects = new ArrayList<>();
		this.execCode.values().forEach((compiled) -> objects.add(compiled.code()));
		this.evalCode.values().forEach((compiled) -> objects.add(compiled.code()));
		this.callables.values().forEach((functions) -> objects.addAll(functions.values()));
		this.execCode.clear();
		this.evalCode.clear();
		this.callables.clear();
		this.lastModule = null;
		this.lastFunction = null;
		this.lastCallable = 0;
		objects.forEach(CPython::Py_DecRef);
		if (this.registerSource != 0) {
			CPython.Py_DecRef(this.registerSource);
			this.registerSource = 0;
		}
		if (this.mainModule != 0) {
			CPython.Py_DecRef(this.mainModule);
			this.mainModule = 0;
			this.globals = 0;
		}
	}

	/**
	 * Why a sub-interpreter could not end yet: thread-state deletions to wait for, or Python threads still running.
	 * @param disposals completes when the deletions in flight are done; {@code null} when none
	 * @param blockedBy the Python threads that keep it alive; {@code null} when none
	 */
	record EndAttempt(@Nullable CompletableFuture<Void> disposals, @Nullable String blockedBy) {

		static final EndAttempt ENDED = new EndAttempt(null, null);

		boolean ended() {
			return this.disposals == null && this.blockedBy == null;
		}

	}

	/**
	 * Try to end this sub-interpreter following the C API's rules ({@code Py_EndInterpreter}: the calling thread's
	 * state attached, no other thread state left). On {@code python-main}, which created it. Thread states still
	 * registered (dead owners, or live ones when the runtime shuts down: those threads never attach to this runtime
	 * again) are claimed and deleted by a {@link ForeignStateDisposal} thread first; the call then returns their
	 * completion, and the caller tries again. If Python threads of the interpreter still run,
	 * {@code Py_EndInterpreter} would wait for them (threading's shutdown) or abort the process ("not the last
	 * thread"): it is not called, and the attempt names the threads. Idempotent.
	 * @return {@link EndAttempt#ENDED} once ended
	 */
	EndAttempt tryEnd() {
		if (this.ended) {
			return EndAttempt.ENDED;
		}
		this.retiring = true;
		CallerThread caller = CallerThread.current();
		ThreadState mine = caller.stateFor(this);
		if (mine == null || mine.isDeleted()) {
			throw new IllegalStateException(this + " has no thread state of python-main to end it with");
		}
		dispose(claim(true, mine));
		if (!this.disposals.isEmpty()) {
			return new EndAttempt(CompletableFuture.allOf(this.disposals.toArray(new CompletableFuture<?>[0])), null);
		}
		attach();
		// Every other registered state was claimed above: python-main's own is the only one left to know.
		String blockedBy = foreignThreads(Set.of(mine.pointer()));
		if (blockedBy != null) {
			detach();
			return new EndAttempt(null, blockedBy);
		}
		this.ended = true;
		releaseObjects();
		mine.markDeleted();
		caller.forget(this);
		CPython.Py_EndInterpreter(mine.pointer());
		return EndAttempt.ENDED;
	}

	/**
	 * Record that this interpreter was retired while a session that was never closed held it: its thread may
	 * still call, so its thread state is never deleted from another thread, even at finalization.
	 */
	public void markHeldByUnclosedSession() {
		this.heldByUnclosedSession = true;
	}

	/**
	 * The live threads that still hold a thread state of this interpreter through a session that was never
	 * closed, if any.
	 * @return their names, or {@code null} when there are none
	 */
	@Nullable String unclosedSessionHolders() {
		if (!this.heldByUnclosedSession) {
			return null;
		}
		ThreadState mine = CallerThread.current().stateFor(this);
		List<String> names = new ArrayList<>();
		for (ThreadState threadState : this.threadStates) {
			if (threadState != mine && threadState.isThreadAlive()) {
				names.add(threadState.toString());
			}
		}
		return names.isEmpty() ? null : names.toString();
	}

	/**
	 * Whether Python threads of this interpreter still run, on {@code python-main}, without deleting anything:
	 * waits (bounded) for thread-state deletions in flight, then counts the thread states in CPython's list that
	 * belong neither to {@code python-main} nor to a registered Java thread.
	 * @param timeoutNanos the longest wait for deletions in flight
	 * @return what still runs, or {@code null} when nothing does
	 */
	@Nullable String pythonThreadsRunning(long timeoutNanos) {
		if (this.ended) {
			return null;
		}
		try {
			CompletableFuture.allOf(this.disposals.toArray(new CompletableFuture<?>[0]))
				.get(timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted while waiting for thread states to be deleted";
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			return "its thread states could not be deleted in time";
		}
		Set<Long> known = new java.util.HashSet<>();
		for (ThreadState threadState : this.threadStates) {
			known.add(threadState.pointer());
		}
		attach();
		try {
			return foreignThreads(known);
		}
		finally {
			detach();
		}
	}

	/**
	 * Count the thread states in CPython's list of this interpreter that are not {@code known} (Python threads, or
	 * threads started with {@code _thread}), and name the {@code threading} ones. Called attached.
	 * @return what still runs, or {@code null} when nothing does
	 */
	private @Nullable String foreignThreads(Set<Long> known) {
		int foreign = 0;
		for (long t = CPython.PyInterpreterState_ThreadHead(this.state); t != 0; t = CPython.PyThreadState_Next(t)) {
			if (!known.contains(t)) {
				foreign++;
			}
		}
		if (foreign == 0) {
			return null;
		}
		String names = pythonThreads(PYTHON_THREADS);
		return foreign + " Python thread(s) still running" + (names.isEmpty() ? "" : " " + names);
	}

	/**
	 * Before finalization, on {@code python-main}: wait up to a bound for the main interpreter's non-daemon
	 * {@code threading} threads ({@code Py_FinalizeEx} would join them without a bound).
	 * @param timeoutNanos the longest wait
	 * @return the names of the threads still running, empty when finalization may proceed
	 */
	String joinPythonThreads(long timeoutNanos) {
		attach();
		try {
			return pythonThreads(String.format(java.util.Locale.ROOT, JOIN_THREADS, timeoutNanos / 1e9));
		}
		finally {
			detach();
		}
	}

	private String pythonThreads(String expression) {
		long names = 0;
		try {
			names = evalObject("repr(" + expression + ")");
			String value = Scratch.get().string(names);
			if (value == null) {
				CPython.PyErr_Clear();
				return "";
			}
			return value.equals("[]") ? "" : value;
		}
		catch (PythonException ex) {
			return "";
		}
		finally {
			if (names != 0) {
				CPython.Py_DecRef(names);
			}
		}
	}

	/**
	 * Finalize CPython with the main interpreter's original thread state, on {@code python-main}. Thread states of
	 * other threads are deleted first by a disposal thread (bounded wait); those threads never attach to this
	 * runtime again (see {@link CallerThread}).
	 * @return {@code Py_FinalizeEx}'s result
	 */
	int finalizeMain() {
		if (this.ended) {
			return 0;
		}
		this.retiring = true;
		ThreadState mine = CallerThread.current().stateFor(this);
		if (mine == null) {
			throw new IllegalStateException("python-main has no thread state of the main interpreter");
		}
		CompletableFuture<Integer> disposal = dispose(claim(true, mine));
		try {
			disposal.get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// Finalization frees every thread state anyway; only their destructors would be skipped.
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
		}
		attach();
		this.ended = true;
		releaseObjects();
		this.threadStates.clear();
		mine.markDeleted();
		CallerThread.current().forget(this);
		return CPython.Py_FinalizeEx();
	}

	@Override
	public String toString() {
		return "Interpreter[id=" + this.id + ", " + this.isolation + ", " + this.label + "]";
	}

	/**
	 * A compiled code object and the file name its source is registered under in {@code linecache}.
	 */
	private record Compiled(long code, String filename) {
	}

	/**
	 * A bounded LRU of compiled code objects; the evicted object is released (with the GIL held: eviction only
	 * happens inside {@code put}, which runs attached) and its {@code linecache} entry dropped right after the
	 * {@code put}, so neither grows without bound.
	 */
	private final class CodeCache extends LinkedHashMap<String, Compiled> {

		private static final long serialVersionUID = 1L;

		private final List<String> evicted = new ArrayList<>();

		CodeCache() {
			super(64, 0.75f, true);
		}

		@Override
		public Compiled put(String key, Compiled value) {
			Compiled previous = super.put(key, value);
			while (!this.evicted.isEmpty()) {
				// Runs Python (linecache), which may switch threads: only after the map is consistent again.
				registerSource(this.evicted.remove(this.evicted.size() - 1), null);
			}
			return previous;
		}

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
			if (size() > CODE_CACHE_SIZE) {
				CPython.Py_DecRef(eldest.getValue().code());
				this.evicted.add(eldest.getValue().filename());
				return true;
			}
			return false;
		}

	}

}
