package dev.embedpython.interpreter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.embedpython.Isolation;
import dev.embedpython.PythonException;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.PythonErrors;
import dev.embedpython.capi.Scratch;
import org.jspecify.annotations.Nullable;

/**
 * One CPython interpreter (the main one or a sub-interpreter) with the thread states Java threads use for it and
 * the objects it caches (compiled code, resolved callables, the {@code __main__} namespace).
 * <p>
 * Thread contract: {@link #attach()}/{@link #detach()} from any platform thread (never a virtual thread); every
 * other method only while the calling thread is attached, so Java code touching the caches is serialized by this
 * interpreter's GIL. {@link #end()} only on {@code python-main}, when no other thread uses the interpreter.
 */
public final class Interpreter {

	private static final byte[] MAIN_MODULE = PythonErrors.cstring("__main__");

	/** Registers compiled source with linecache, so tracebacks show the lines of code run through a session. */
	private static final String REGISTER_SOURCE = "lambda name, text: __import__('linecache').cache.__setitem__("
			+ "name, (len(text), None, text.splitlines(True), name))";

	private static final int CODE_CACHE_SIZE = 512;

	private static final long PURGE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final int PURGE_AFTER_REGISTRATIONS = 16;

	private final long state;

	private final long id;

	private final Isolation isolation;

	private final long createdNanos = System.nanoTime();

	private final ThreadLocal<ThreadState> current = new ThreadLocal<>();

	private final Set<ThreadState> threadStates = ConcurrentHashMap.newKeySet();

	private final AtomicInteger registrationsSincePurge = new AtomicInteger();

	private volatile long lastPurgeNanos = System.nanoTime();

	private final int generation;

	/** Live threads that still have to delete their own thread state before the interpreter can end, plus one. */
	private final AtomicInteger pendingOwners = new AtomicInteger(1);

	private volatile @Nullable Runnable onOwnersReleased;

	private volatile boolean ended;

	// Guarded by this interpreter's GIL.
	private long mainModule;

	private long globals;

	private final Map<String, Long> execCode = new CodeCache();

	private final Map<String, Long> evalCode = new CodeCache();

	private final Map<String, Map<String, Long>> callables = new HashMap<>();

	private long registerSource;

	private int compiled;

	Interpreter(long state, Isolation isolation, int generation, long creatorThreadState) {
		this.state = state;
		this.id = CPython.PyInterpreterState_GetID(state);
		this.isolation = isolation;
		this.generation = generation;
		CallerThread caller = CallerThread.current();
		caller.enteredGeneration(generation);
		adopt(new ThreadState(Thread.currentThread(), caller, this, creatorThreadState,
				CPython.PyThread_get_thread_ident()));
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
		return this.generation;
	}

	/**
	 * Whether it has ended.
	 * @return {@code true} after {@link #end()}
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
			throw new IllegalStateException("Interpreter " + this.id + " has ended");
		}
		ThreadState threadState = this.current.get();
		if (threadState == null || threadState.isDeleted()) {
			threadState = register();
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

	private ThreadState register() {
		if (CallerThread.mustHandOff(this.generation)) {
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
		CallerThread caller = CallerThread.current();
		caller.enteredGeneration(this.generation);
		ThreadState threadState = new ThreadState(Thread.currentThread(), caller, this, pointer,
				CPython.PyThread_get_thread_ident());
		adopt(threadState);
		this.registrationsSincePurge.incrementAndGet();
		return threadState;
	}

	void adopt(ThreadState threadState) {
		this.current.set(threadState);
		this.threadStates.add(threadState);
	}

	/**
	 * Delete the thread states of threads that have died, when due (some threads registered since the last purge,
	 * or a second passed). Called with the GIL held.
	 */
	public void purgeIfDue() {
		int registrations = this.registrationsSincePurge.get();
		if (registrations >= PURGE_AFTER_REGISTRATIONS
				|| (registrations > 0 && System.nanoTime() - this.lastPurgeNanos > PURGE_INTERVAL_NANOS)) {
			purgeDeadThreadStates();
		}
	}

	/**
	 * Clear and delete the thread states of dead threads (the seed chapter: {@code PyThreadState_Clear} with the
	 * GIL held, then {@code PyThreadState_Delete}). Called with the GIL held, by a live thread (so never its own).
	 * @return how many were deleted
	 */
	public int purgeDeadThreadStates() {
		this.registrationsSincePurge.set(0);
		this.lastPurgeNanos = System.nanoTime();
		int purged = 0;
		for (ThreadState threadState : this.threadStates) {
			if (!threadState.isThreadAlive() && threadState.claim()) {
				deleteThreadState(threadState);
				purged++;
			}
		}
		return purged;
	}

	/**
	 * Start ending this interpreter, on {@code python-main}: thread states of dead threads are deleted now; each
	 * live thread is asked to delete its own (see {@link CallerThread}).
	 * @param whenReleased run (on the last owner's thread) once every live owner has deleted its thread state,
	 * unless that is already the case on return
	 * @return {@code true} if no live owner holds a thread state any more, so {@link #end(boolean)} may run now
	 */
	boolean retire(Runnable whenReleased) {
		this.onOwnersReleased = whenReleased;
		ThreadState mine = attach();
		try {
			purgeDeadThreadStates();
			for (ThreadState threadState : this.threadStates) {
				if (threadState != mine) {
					this.pendingOwners.incrementAndGet();
					threadState.caller().retire(threadState);
				}
			}
		}
		finally {
			detach();
		}
		return this.pendingOwners.decrementAndGet() == 0;
	}

	/**
	 * Delete the thread states of owners that died before they could delete their own; on {@code python-main}.
	 * @return {@code true} if no live owner holds a thread state any more
	 */
	boolean reapDeadOwners() {
		attach();
		try {
			// Every thread state left after retire() belongs to an owner that was asked to delete it.
			return this.pendingOwners.addAndGet(-purgeDeadThreadStates()) == 0;
		}
		finally {
			detach();
		}
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

	private void deleteThreadState(ThreadState threadState) {
		this.threadStates.remove(threadState);
		threadState.markDeleted();
		CPython.PyThreadState_Clear(threadState.pointer());
		CPython.PyThreadState_Delete(threadState.pointer());
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
	 * Run statements in {@code __main__}.
	 * @param source the code
	 */
	public void exec(String source) {
		long code = compile(this.execCode, source, CPython.PY_FILE_INPUT);
		CPython.Py_DecRef(PythonErrors.check(CPython.PyEval_EvalCode(code, this.globals, this.globals)));
	}

	/**
	 * Evaluate an expression in {@code __main__}.
	 * @param expression the expression
	 * @return a new reference to the result
	 */
	public long eval(String expression) {
		long code = compile(this.evalCode, expression, CPython.PY_EVAL_INPUT);
		return PythonErrors.check(CPython.PyEval_EvalCode(code, this.globals, this.globals));
	}

	private long compile(Map<String, Long> cache, String source, int mode) {
		Long cached = cache.get(source);
		if (cached != null) {
			return cached;
		}
		String filename = "<embedpython-" + (++this.compiled) + ">";
		long code = PythonErrors.check(CPython.Py_CompileStringExFlags(PythonErrors.cstring(source),
				PythonErrors.cstring(filename), mode, null, -1));
		cache.put(source, code);
		registerSource(filename, source);
		return code;
	}

	private void registerSource(String filename, String source) {
		long name = 0;
		long text = 0;
		try {
			byte[] nameBytes = filename.getBytes(java.nio.charset.StandardCharsets.UTF_8);
			byte[] textBytes = source.getBytes(java.nio.charset.StandardCharsets.UTF_8);
			name = PythonErrors.check(CPython.PyUnicode_FromStringAndSize(nameBytes, nameBytes.length));
			text = PythonErrors.check(CPython.PyUnicode_FromStringAndSize(textBytes, textBytes.length));
			CPython.Py_DecRef(call(this.registerSource, new long[] { name, text }));
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
	 * @param module the module
	 * @param function the attribute
	 * @return a borrowed reference owned by the cache
	 */
	public long callable(String module, String function) {
		Map<String, Long> functions = this.callables.computeIfAbsent(module, (key) -> new HashMap<>());
		Long cached = functions.get(function);
		if (cached != null) {
			return cached;
		}
		long moduleObject = PythonErrors.check(CPython.PyImport_ImportModule(PythonErrors.cstring(module)));
		try {
			long callable = PythonErrors.check(
					CPython.PyObject_GetAttrString(moduleObject, PythonErrors.cstring(function)));
			functions.put(function, callable);
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
	public long call(long callable, long[] args) {
		if (args.length == 0) {
			return PythonErrors.check(CPython.PyObject_Vectorcall(callable, 0, 0, 0));
		}
		return PythonErrors.check(CPython.PyObject_Vectorcall(callable, Scratch.get().arguments(args), args.length, 0));
	}

	/**
	 * Bind a global in {@code __main__}.
	 * @param name the name
	 * @param value a reference (not consumed)
	 */
	public void set(String name, long value) {
		PythonErrors.check(CPython.PyDict_SetItemString(this.globals, PythonErrors.cstring(name), value));
	}

	/**
	 * Read a global of {@code __main__}.
	 * @param name the name
	 * @return a new reference
	 * @throws PythonException {@code NameError} if it is not bound
	 */
	public long get(String name) {
		long[] result = new long[1];
		int found = PythonErrors.check(CPython.PyDict_GetItemStringRef(this.globals, PythonErrors.cstring(name), result));
		if (found == 0) {
			throw new PythonException("NameError", "name '" + name + "' is not defined", "NameError: name '" + name
					+ "' is not defined\n", null);
		}
		return result[0];
	}

	/**
	 * Release every cached object. Called attached, before the interpreter ends.
	 */
	void releaseObjects() {
		List<Long> objects = new ArrayList<>(this.execCode.values());
		objects.addAll(this.evalCode.values());
		this.callables.values().forEach((functions) -> objects.addAll(functions.values()));
		this.execCode.clear();
		this.evalCode.clear();
		this.callables.clear();
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
	 * End this interpreter following the seed chapter's rules: attach the owner's thread state, clear and delete
	 * every other thread state, then {@code Py_EndInterpreter} (sub-interpreters) or {@code Py_FinalizeEx} (the
	 * main interpreter, with the original main thread state). Runs on {@code python-main}. Idempotent. Without a
	 * prior {@link #retire} (runtime shutdown, creation failure) thread states of live threads are deleted too:
	 * those threads never attach to this runtime again.
	 * @return {@code Py_FinalizeEx}'s result for the main interpreter, else 0
	 */
	int end() {
		if (this.ended) {
			return 0;
		}
		ThreadState mine = attach();
		this.ended = true;
		releaseObjects();
		for (ThreadState threadState : this.threadStates) {
			if (threadState != mine && threadState.claim()) {
				deleteThreadState(threadState);
			}
		}
		this.threadStates.clear();
		mine.markDeleted();
		this.current.remove();
		if (this.isolation == Isolation.MAIN) {
			return CPython.Py_FinalizeEx();
		}
		CPython.Py_EndInterpreter(mine.pointer());
		return 0;
	}

	@Override
	public String toString() {
		return "Interpreter[id=" + this.id + ", " + this.isolation + "]";
	}

	/**
	 * A bounded LRU of compiled code objects; the evicted object is released (with the GIL held: eviction only
	 * happens inside {@code put}, which runs attached).
	 */
	private static final class CodeCache extends LinkedHashMap<String, Long> {

		private static final long serialVersionUID = 1L;

		CodeCache() {
			super(64, 0.75f, true);
		}

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
			if (size() > CODE_CACHE_SIZE) {
				CPython.Py_DecRef(eldest.getValue());
				return true;
			}
			return false;
		}

	}

}
