package dev.embedpython.capi;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The C-API functions that build a module of native functions and raise errors from them: what a C extension does
 * with its {@code PyMethodDef} table, done from Java (see {@link MethodTable}). Direct-mapped like {@link CPython};
 * bound once per JVM by {@link #bind}, which also reads the addresses of the built-in exception types the
 * functions raise (static objects shared by every interpreter).
 * <p>
 * Thread contract: every function needs an attached thread state of the interpreter that owns the objects.
 */
public final class ExtensionApi {

	/** {@code PyBUF_READ}: a read-only memoryview. */
	public static final int PYBUF_READ = 0x100;

	/** {@code PyBUF_WRITE}: a writable memoryview. */
	public static final int PYBUF_WRITE = 0x200;

	private static volatile boolean bound;

	private static volatile long typeError;

	private static volatile long lookupError;

	private static volatile long recursionError;

	private static volatile long memoryError;

	private static volatile long runtimeError;

	private ExtensionApi() {
	}

	/**
	 * Register the natives of this class against a loaded libpython and read the exception types' addresses.
	 * @param library the loaded library
	 */
	public static synchronized void bind(NativeLibrary library) {
		if (!bound) {
			Native.register(ExtensionApi.class, library);
			bound = true;
		}
		typeError = library.getGlobalVariableAddress("PyExc_TypeError").getLong(0);
		lookupError = library.getGlobalVariableAddress("PyExc_LookupError").getLong(0);
		recursionError = library.getGlobalVariableAddress("PyExc_RecursionError").getLong(0);
		memoryError = library.getGlobalVariableAddress("PyExc_MemoryError").getLong(0);
		runtimeError = library.getGlobalVariableAddress("PyExc_RuntimeError").getLong(0);
	}

	/**
	 * {@code PyExc_TypeError}.
	 * @return the type object
	 */
	public static long typeError() {
		return typeError;
	}

	/**
	 * {@code PyExc_LookupError}.
	 * @return the type object
	 */
	public static long lookupError() {
		return lookupError;
	}

	/**
	 * {@code PyExc_RecursionError}.
	 * @return the type object
	 */
	public static long recursionError() {
		return recursionError;
	}

	/**
	 * {@code PyExc_MemoryError}.
	 * @return the type object
	 */
	public static long memoryError() {
		return memoryError;
	}

	/**
	 * {@code PyExc_RuntimeError}.
	 * @return the type object
	 */
	public static long runtimeError() {
		return runtimeError;
	}

	/** A function object for one {@code PyMethodDef} ({@code cls} 0: not a method of a class). */
	public static native long PyCMethod_New(long methodDef, long self, long module, long cls);

	/** Add an object to a module's namespace; the reference is not stolen. */
	public static native int PyModule_AddObjectRef(long module, byte[] name, long value);

	/** A memoryview of native memory that the caller keeps alive for as long as the view can be used. */
	public static native long PyMemoryView_FromMemory(long memory, long size, int flags);

	public static native void PyErr_SetString(long type, byte[] message);

	/** Set {@code __cause__}; steals the reference to {@code cause}. */
	public static native void PyException_SetCause(long exception, long cause);

	/**
	 * An int holding a pointer. Given a callback, JNA passes the pointer of a direct trampoline for it, as for every
	 * callback argument of a direct-mapped function: one that hands primitive arguments to the Java method as they
	 * are, without the boxing and reflection of {@code CallbackReference.getFunctionPointer}'s proxy.
	 */
	static native long PyLong_FromVoidPtr(MethodTable.FastCall callback);

	static native long PyLong_AsVoidPtr(long object);

}
