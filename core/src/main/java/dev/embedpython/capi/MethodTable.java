package dev.embedpython.capi;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.jna.Callback;
import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * A static {@code PyMethodDef} table whose C functions are Java methods: what a C extension module declares, with
 * JNA callbacks as the function pointers. {@link #newFunction} makes a function object of one entry in the
 * interpreter the calling thread is attached to, so every interpreter gets its own objects over the one shared,
 * read-only table (as for the functions of any built-in module, which is why this is safe in own-GIL
 * interpreters). Every entry is {@code METH_FASTCALL}; a call is handed to the {@link Dispatcher} with the entry's
 * index.
 * <p>
 * The table, its strings and the callback objects are native memory and JNA trampolines that C holds pointers to:
 * a table must stay strongly reachable for as long as any function object made from it can be called, in practice
 * for the life of the process (keep it in a static final field).
 * <p>
 * A callback runs on whatever thread Python called from: a Java thread attached to the interpreter, or a thread
 * Python started, which JNA attaches to the JVM on its first callback as a daemon thread that stays attached until
 * the thread ends (so it neither blocks JVM exit nor pays for attaching on every call).
 * <p>
 * Thread contract: {@link #create} and {@link #newFunction} with an attached thread state; the
 * dispatcher is called with the GIL of the calling interpreter held.
 */
public final class MethodTable {

	/** {@code METH_FASTCALL}: {@code PyObject *f(PyObject *self, PyObject *const *args, Py_ssize_t nargs)}. */
	public static final int METH_FASTCALL = 0x0080;

	/** {@code sizeof(PyMethodDef)}: name, function, flags (an int padded to 8 bytes), doc; 3.13 and 3.14 alike. */
	private static final int DEF_SIZE = 32;

	private final Memory table;

	/** The names and docs the table points to. */
	private final Memory[] strings;

	/** The callbacks whose trampolines the table points to. */
	private final Function[] functions;

	private MethodTable(Memory table, Memory[] strings, Function[] functions) {
		this.table = table;
		this.strings = strings;
		this.functions = functions;
	}

	/**
	 * Build a table. Its memory is never freed: build one per process.
	 * @param names the function names, in table order
	 * @param docs their docstrings, in the same order
	 * @param dispatcher what a call of entry {@code i} runs; it must not throw (a {@link Throwable} that escapes it
	 * becomes a Python {@code RuntimeError})
	 * @param threadName the name of the Java thread JNA attaches for a thread that Python started
	 * @return the table
	 */
	public static MethodTable create(List<String> names, List<String> docs, Dispatcher dispatcher, String threadName) {
		if (names.size() != docs.size()) {
			throw new IllegalArgumentException("Each function needs a docstring");
		}
		Memory table = new Memory((long) DEF_SIZE * (names.size() + 1));
		table.clear();
		Memory[] strings = new Memory[names.size() * 2];
		Function[] functions = new Function[names.size()];
		CallbackThreadInitializer threads = new CallbackThreadInitializer(true, false, threadName);
		for (int i = 0; i < names.size(); i++) {
			strings[2 * i] = cstring(names.get(i));
			strings[2 * i + 1] = cstring(docs.get(i));
			functions[i] = new Function(i, dispatcher);
			Native.setCallbackThreadInitializer(functions[i], threads);
			long offset = (long) DEF_SIZE * i;
			table.setPointer(offset, strings[2 * i]);
			table.setLong(offset + 8, directFunctionPointer(functions[i]));
			table.setInt(offset + 16, METH_FASTCALL);
			table.setPointer(offset + 24, strings[2 * i + 1]);
		}
		// The zeroed entry after the last ends the table, as C tables end with {NULL, NULL, 0, NULL}.
		return new MethodTable(table, strings, functions);
	}

	/**
	 * The C function pointer of a callback, as a direct trampoline: about twice as fast per call as JNA's proxy for
	 * {@code CallbackReference.getFunctionPointer}, measured with the bridge's benchmark. JNA makes one for a
	 * callback passed to a direct-mapped function, so it is passed through one that returns it as an int.
	 */
	private static long directFunctionPointer(Function function) {
		long holder = PythonErrors.check(ExtensionApi.PyLong_FromVoidPtr(function));
		try {
			long pointer = ExtensionApi.PyLong_AsVoidPtr(holder);
			if (pointer == 0) {
				throw PythonErrors.raised();
			}
			return pointer;
		}
		finally {
			CPython.Py_DecRef(holder);
		}
	}

	private static Memory cstring(String text) {
		byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
		Memory memory = new Memory(utf8.length + 1L);
		memory.write(0, utf8, 0, utf8.length);
		memory.setByte(utf8.length, (byte) 0);
		return memory;
	}

	/**
	 * A new function object for one entry, in the interpreter the calling thread is attached to.
	 * @param index the entry
	 * @param self what the C function receives as {@code self} (kept alive by the function object)
	 * @param module the module name ({@code __module__}), a {@code str}, or 0
	 * @return a new reference
	 * @throws RuntimeException the translated Python error if it fails
	 */
	public long newFunction(int index, long self, long module) {
		if (index < 0 || index >= this.functions.length) {
			throw new IndexOutOfBoundsException("No function " + index + " in a table of " + this.functions.length);
		}
		return PythonErrors.check(
				ExtensionApi.PyCMethod_New(Pointer.nativeValue(this.table) + (long) DEF_SIZE * index, self, module, 0));
	}

	/**
	 * The number of functions.
	 * @return the count
	 */
	public int size() {
		return this.functions.length;
	}

	@Override
	public String toString() {
		return "MethodTable[" + this.functions.length + " functions, " + this.strings.length / 2 + " names]";
	}

	/**
	 * What a call of a table entry runs.
	 */
	@FunctionalInterface
	public interface Dispatcher {

		/**
		 * Run a call, with the GIL of the calling interpreter held.
		 * @param function the entry's index
		 * @param self the function's {@code self}
		 * @param args the {@code PyObject *const *} argument vector (borrowed references)
		 * @param nargs the number of arguments
		 * @return a new reference to the result, or 0 with a Python exception set
		 */
		long dispatch(int function, long self, long args, long nargs);

	}

	/**
	 * The C signature of a {@code METH_FASTCALL} function, as JNA maps it (pointers as 64-bit integers).
	 */
	public interface FastCall extends Callback {

		/**
		 * The call.
		 * @param self the function's {@code self}
		 * @param args the argument vector
		 * @param nargs the number of arguments
		 * @return a new reference, or 0 with an exception set
		 */
		long invoke(long self, long args, long nargs);

	}

	private static final class Function implements FastCall {

		private static final byte[] ESCAPED = PythonErrors.cstring("embedpython: a Java error escaped a native function");

		private static final byte[] STACK_EXHAUSTED = PythonErrors.cstring(
				"maximum recursion depth exceeded: the Java stack ran out in a call from Python to Java");

		private final int index;

		private final Dispatcher dispatcher;

		Function(int index, Dispatcher dispatcher) {
			this.index = index;
			this.dispatcher = dispatcher;
		}

		@Override
		public long invoke(long self, long args, long nargs) {
			// The Java code below may run Python again (conversions, nested calls): it gets scratch memory of its own,
			// so the out-parameters and argument vector of a Java frame below this callback stay intact.
			Scratch.enter();
			try {
				return this.dispatcher.dispatch(this.index, self, args, nargs);
			}
			catch (StackOverflowError ex) {
				// Deep recursion through Java and Python: the Java stack ran out before Python's limit was reached.
				ExtensionApi.PyErr_SetString(ExtensionApi.recursionError(), STACK_EXHAUSTED);
				return 0;
			}
			catch (Throwable ex) {
				// JNA would return NULL without an exception set: a SystemError that hides what happened.
				ExtensionApi.PyErr_SetString(ExtensionApi.runtimeError(), ESCAPED);
				return 0;
			}
			finally {
				Scratch.exit();
			}
		}

	}

}
