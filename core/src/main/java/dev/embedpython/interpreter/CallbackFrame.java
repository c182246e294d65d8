package dev.embedpython.interpreter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

import dev.embedpython.CallContextPropagator;
import dev.embedpython.PythonCallable;
import dev.embedpython.PythonException;
import dev.embedpython.PythonSession;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.ExtensionApi;
import dev.embedpython.capi.Scratch;
import dev.embedpython.convert.ValueConverter;
import org.jspecify.annotations.Nullable;

/**
 * One call of a {@link PythonCallable} from Python ({@code _embedpython.call}): the arguments, the calling thread
 * state, and the session through which the callable calls back into the same interpreter.
 * <p>
 * The callable runs with the interpreter's GIL released ({@code PyEval_SaveThread}, as C code around blocking work
 * does): other Python threads of the interpreter go on, a callable may use other pools (whose interpreters it then
 * attaches to as any Java thread does, even one sharing this GIL), and the thread never holds another interpreter's
 * thread state while this one is attached. A call back into Python re-attaches the very thread state that called
 * ({@code PyEval_RestoreThread}) and detaches it again, so re-entrancy (Java, Python, Java, Python, ... on one thread
 * and interpreter) works, up to {@value #MAX_NESTING} callables in progress on one thread.
 * <p>
 * A Python exception of such a call back is kept with the {@link PythonException} it became: if the callable lets
 * that exception through, the original Python exception object is raised again (its traceback intact); another
 * exception becomes {@code _embedpython.JavaException}, with a kept Python exception among its causes as
 * {@code __cause__}.
 * <p>
 * Thread contract: everything on the calling thread, during the call; the frames of one thread stack.
 */
final class CallbackFrame implements PythonCallable.Invocation {

	/** The innermost frame of the calling thread. */
	private static final ThreadLocal<@Nullable CallbackFrame> TOP = new ThreadLocal<>();

	/**
	 * How many Java callables may be in progress on one thread, each called from Python that a callable below it
	 * called. A level takes 5-7 KB of stack (Java, JNA and CPython frames): a thread of 1 MB (the JVM's default)
	 * runs out at about 150, and a {@link StackOverflowError} then surfaces where no Python exception can be set
	 * reliably, so the nesting stops here with a {@code RecursionError} instead.
	 */
	static final int MAX_NESTING = 64;

	private final Bridge bridge;

	private final Interpreter interpreter;

	private final ValueConverter converter;

	private final String name;

	/** The argument vector: the name first, then the arguments (borrowed from the Python caller). */
	private final long[] argv;

	private final @Nullable Object[] values;

	private final @Nullable RuntimeException[] failures;

	private final Thread thread = Thread.currentThread();

	private final @Nullable CallbackFrame below;

	/** 1 for a callable that Python called from a Java call, one more per callable below it on this thread. */
	private final int depth;

	private final Session session = new Session();

	/** The calling thread state, saved while the callable runs. */
	private long threadState;

	/** Calls back into Python in progress (attached). */
	private int nested;

	private boolean done;

	/** Python exceptions of calls back, with a reference each: {@link PythonException} and its object. */
	private final List<Object> kept = new ArrayList<>(0);

	private CallbackFrame(Bridge bridge, String name, long[] argv, @Nullable CallbackFrame below) {
		this.bridge = bridge;
		this.interpreter = bridge.interpreter();
		this.converter = bridge.converter();
		this.name = name;
		this.argv = argv;
		this.values = new Object[argv.length - 1];
		this.failures = new RuntimeException[argv.length - 1];
		this.below = below;
		this.depth = (below != null) ? below.depth + 1 : 1;
	}

	/**
	 * {@code _embedpython.call(name, *args)}, with the GIL held.
	 * @param bridge the interpreter's bridge
	 * @param scope the scope of the call in flight
	 * @param argv the argument vector
	 * @return a new reference to the result, or 0 with an exception set
	 */
	static long call(Bridge bridge, CallScope scope, long[] argv) {
		if (argv.length == 0) {
			return Bridge.raise(ExtensionApi.typeError(), "call() needs the name of a Java callable");
		}
		String name;
		try {
			name = Objects.requireNonNull(bridge.converter().toJava(argv[0], String.class));
		}
		catch (RuntimeException ex) {
			return Bridge.raise(ExtensionApi.typeError(), "call(): the name of a Java callable is a str");
		}
		PythonCallable callable = scope.config.callables().get(name);
		if (callable == null) {
			return Bridge.raise(ExtensionApi.lookupError(), "No Java callable named '" + name + "' (registered: "
					+ String.join(", ", new TreeSet<>(scope.config.callables().keySet()))
					+ "); register it with PoolOptions.Builder.callable or RuntimeOptions.Builder.callable, or as a "
					+ "PythonCallable bean of that name");
		}
		CallbackFrame frame = new CallbackFrame(bridge, name, argv, TOP.get());
		if (frame.depth > MAX_NESTING) {
			return Bridge.raise(ExtensionApi.recursionError(), "maximum recursion depth exceeded: Java callable '"
					+ name + "' would be the " + frame.depth + "th Java callable in progress on this thread between "
					+ "Java and Python (at most " + MAX_NESTING + ")");
		}
		frame.convertArguments();
		Object result = null;
		Throwable thrown = null;
		TOP.set(frame);
		frame.threadState = CPython.PyEval_SaveThread();
		try (CallContextPropagator.Scope context = scope.propagate()) {
			result = callable.call(frame);
		}
		catch (Throwable ex) {
			thrown = ex;
		}
		finally {
			CPython.PyEval_RestoreThread(frame.threadState);
			frame.done = true;
			TOP.set(frame.below);
		}
		try {
			if (thrown == null) {
				try {
					return bridge.converter().toPython(result);
				}
				catch (RuntimeException ex) {
					return Bridge.raise(ExtensionApi.typeError(),
							"Java callable '" + name + "' returned a value Python cannot take: " + ex.getMessage());
				}
			}
			return frame.raise(thrown);
		}
		finally {
			frame.releaseKept();
		}
	}

	/**
	 * Keep the exception object of a Python error that a call back into Python raised, with the exception it
	 * became. Called by the error translation, attached, on any thread: only a call back of the calling thread's
	 * innermost frame keeps anything.
	 * @param translated the Java exception
	 * @param exception the Python exception object (borrowed)
	 */
	static void keep(PythonException translated, long exception) {
		CallbackFrame frame = TOP.get();
		if (frame != null && frame.nested > 0 && !frame.done) {
			CPython.Py_IncRef(exception);
			frame.kept.add(translated);
			frame.kept.add(exception);
		}
	}

	private void convertArguments() {
		for (int i = 0; i < this.values.length; i++) {
			try {
				this.values[i] = this.converter.toJava(this.argv[i + 1], Object.class);
			}
			catch (RuntimeException ex) {
				// Raised only if the callable reads it that way; it may ask for another type.
				this.failures[i] = ex;
			}
		}
	}

	/**
	 * Raise what the callable threw in Python.
	 * @return 0
	 */
	private long raise(Throwable thrown) {
		long original = takeKept(thrown);
		if (original != 0) {
			CPython.PyErr_SetRaisedException(original);
			return 0;
		}
		if (thrown instanceof StackOverflowError) {
			return Bridge.raise(ExtensionApi.recursionError(), "Java callable '" + this.name
					+ "' ran out of Java stack (StackOverflowError)");
		}
		if (thrown instanceof OutOfMemoryError) {
			return Bridge.raise(ExtensionApi.memoryError(), "Java callable '" + this.name + "': " + thrown);
		}
		String javaClass = thrown.getClass().getName();
		String javaMessage = thrown.getMessage();
		long exception = invokeJavaException((javaMessage != null) ? javaClass + ": " + javaMessage : javaClass,
				javaClass, javaMessage);
		if (exception == 0) {
			return 0;
		}
		for (Throwable cause = thrown.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
			long kept = takeKept(cause);
			if (kept != 0) {
				ExtensionApi.PyException_SetCause(exception, kept);
				break;
			}
		}
		CPython.PyErr_SetRaisedException(exception);
		return 0;
	}

	private long invokeJavaException(String message, String javaClass, @Nullable String javaMessage) {
		long[] args = new long[3];
		try {
			args[0] = this.converter.toPython(message);
			args[1] = this.converter.toPython(javaClass);
			args[2] = this.converter.toPython(javaMessage);
			return CPython.PyObject_Vectorcall(this.bridge.javaExceptionType(), Scratch.get().arguments(args), 3, 0);
		}
		finally {
			for (long arg : args) {
				this.converter.release(arg);
			}
		}
	}

	/** The kept object of this very exception, now owned by the caller; 0 if none. */
	private long takeKept(Throwable thrown) {
		for (int i = 0; i < this.kept.size(); i += 2) {
			if (this.kept.get(i) == thrown) {
				long object = (Long) this.kept.get(i + 1);
				this.kept.remove(i + 1);
				this.kept.remove(i);
				return object;
			}
		}
		return 0;
	}

	private void releaseKept() {
		for (int i = 1; i < this.kept.size(); i += 2) {
			CPython.Py_DecRef((Long) this.kept.get(i));
		}
		this.kept.clear();
	}

	/**
	 * Run a call back into Python on the calling thread state.
	 */
	private <T> @Nullable T attached(InterpreterSession.Operation<T> operation) {
		if (Thread.currentThread() != this.thread) {
			throw new IllegalStateException("The invocation of Java callable '" + this.name + "' belongs to thread '"
					+ this.thread.getName() + "' and cannot be used from thread '" + Thread.currentThread().getName()
					+ "'");
		}
		if (this.done) {
			throw new IllegalStateException("The invocation of Java callable '" + this.name + "' has returned");
		}
		if (TOP.get() != this || this.nested > 0) {
			throw new IllegalStateException("A Java callable called from Python again uses its own invocation's "
					+ "session, not the one of Java callable '" + this.name + "' below it");
		}
		CPython.PyEval_RestoreThread(this.threadState);
		this.nested++;
		try {
			return operation.run(this.interpreter);
		}
		finally {
			this.nested--;
			this.threadState = CPython.PyEval_SaveThread();
		}
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public int size() {
		return this.values.length;
	}

	@Override
	public @Nullable Object argument(int index) {
		Objects.checkIndex(index, this.values.length);
		RuntimeException failure = this.failures[index];
		if (failure != null) {
			throw failure;
		}
		return this.values[index];
	}

	@Override
	public <T> @Nullable T argument(int index, Class<T> type) {
		Objects.checkIndex(index, this.values.length);
		Objects.requireNonNull(type, "type");
		Object value = this.values[index];
		if (this.failures[index] == null && (value == null || type.isInstance(value))) {
			return type.cast(value);
		}
		long object = this.argv[index + 1];
		return attached((interpreter) -> this.converter.toJava(object, type));
	}

	@Override
	public List<@Nullable Object> arguments() {
		for (RuntimeException failure : this.failures) {
			if (failure != null) {
				throw failure;
			}
		}
		return Collections.unmodifiableList(Arrays.asList(this.values));
	}

	@Override
	public PythonSession session() {
		return this.session;
	}

	@Override
	public String toString() {
		return "Invocation[" + this.name + ", " + this.values.length + " arguments, " + this.interpreter + "]";
	}

	/**
	 * The calling interpreter, for calls back into Python during the call, on the calling thread.
	 */
	private final class Session extends InterpreterSession {

		@Override
		protected <T> @Nullable T run(String name, @Nullable String module, Operation<T> operation) {
			return attached(operation);
		}

		@Override
		public void close() {
			// The session belongs to the invocation, which ends when the callable returns.
		}

		@Override
		public String toString() {
			return "PythonSession[" + CallbackFrame.this.interpreter + ", invocation of Java callable '"
					+ CallbackFrame.this.name + "'" + (CallbackFrame.this.done ? ", returned" : "") + "]";
		}

	}

}
