package dev.embedpython.capi;

import java.util.function.ToLongFunction;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

/**
 * The functions of libpython common to CPython 3.13 and 3.14, as static methods. Bound once per JVM by
 * {@link #bindFfm} or {@link #bindJna} to one binding ({@link CApi}): FFM ({@code java.lang.foreign}, JDK 22+)
 * or JNA direct mapping; callers do not know which (the choice is {@code runtime.BindingChoice}'s). Pointers are {@code long}; {@code char*} inputs are NUL-terminated UTF-8
 * {@code byte[]}.
 * <p>
 * Thread contract: unless noted by CPython, every function needs the calling OS thread to have an attached thread
 * state of the interpreter that owns the objects involved.
 */
public final class CPython {

	/** {@code Py_file_input}. */
	public static final int PY_FILE_INPUT = 257;

	/** {@code Py_eval_input}. */
	public static final int PY_EVAL_INPUT = 258;

	/** {@code Py_CONSTANT_NONE}. */
	public static final int CONSTANT_NONE = 0;

	/** {@code Py_CONSTANT_FALSE}. */
	public static final int CONSTANT_FALSE = 1;

	/** {@code Py_CONSTANT_TRUE}. */
	public static final int CONSTANT_TRUE = 2;

	/** {@code Py_TPFLAGS_LONG_SUBCLASS}. */
	public static final long TPFLAGS_LONG_SUBCLASS = 1L << 24;

	/** {@code Py_TPFLAGS_LIST_SUBCLASS}. */
	public static final long TPFLAGS_LIST_SUBCLASS = 1L << 25;

	/** {@code Py_TPFLAGS_TUPLE_SUBCLASS}. */
	public static final long TPFLAGS_TUPLE_SUBCLASS = 1L << 26;

	/** {@code Py_TPFLAGS_BYTES_SUBCLASS}. */
	public static final long TPFLAGS_BYTES_SUBCLASS = 1L << 27;

	/** {@code Py_TPFLAGS_UNICODE_SUBCLASS}. */
	public static final long TPFLAGS_UNICODE_SUBCLASS = 1L << 28;

	/** {@code Py_TPFLAGS_DICT_SUBCLASS}. */
	public static final long TPFLAGS_DICT_SUBCLASS = 1L << 29;

	/** The first JDK release with {@code java.lang.foreign} final: the FFM binding's classes are compiled for it. */
	public static final int FFM_RELEASE = 22;

	/** Compiled with {@code --release 22} into the jar's {@code META-INF/versions/22}. */
	private static final String FFM_CLASS = "dev.embedpython.capi.FfmCApi";

	/** The binding in place; guarded by the class lock. */
	private static @Nullable CApi chosen;

	/** The library whose symbols {@code FfmCApi} resolves while it is initialized; guarded by the class lock. */
	private static @Nullable NativeLibrary ffmLibrary;

	private CPython() {
	}

	/**
	 * Bind libpython's functions through JNA direct mapping, unless a binding is already in place.
	 * @param library the loaded libpython
	 * @throws UnsatisfiedLinkError if libpython lacks a function
	 */
	public static synchronized void bindJna(NativeLibrary library) {
		if (chosen == null) {
			chosen = JnaCApi.register(library);
		}
	}

	/**
	 * Bind libpython's functions through {@code java.lang.foreign}, unless a binding is already in place. Call only
	 * on JDK {@value #FFM_RELEASE}+.
	 * @param library the loaded libpython
	 * @return whether FFM is bound; {@code false} if this embedpython-core has no FFM classes (built on a JDK
	 * before {@value #FFM_RELEASE}, or run from a classes directory instead of the multi-release jar)
	 * @throws UnsatisfiedLinkError if libpython lacks a function
	 */
	public static synchronized boolean bindFfm(NativeLibrary library) {
		if (chosen == null) {
			chosen = loadFfm(library);
		}
		return chosen != null && !(chosen instanceof JnaCApi);
	}

	private static @Nullable CApi loadFfm(NativeLibrary library) {
		ffmLibrary = library;
		try {
			Class<?> type = Class.forName(FFM_CLASS, true, CPython.class.getClassLoader());
			return (CApi) type.getDeclaredConstructor().newInstance();
		}
		catch (ClassNotFoundException ex) {
			return null;
		}
		catch (ExceptionInInitializerError ex) {
			if (ex.getCause() instanceof UnsatisfiedLinkError missing) {
				throw missing;
			}
			throw ex;
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot create the FFM binding: " + ex, ex);
		}
		finally {
			ffmLibrary = null;
		}
	}

	/**
	 * How {@code FfmCApi} finds a function: in the library given to {@link #bindFfm} ({@code dlsym} through JNA, on
	 * the handle that loaded it RTLD_GLOBAL).
	 * @return the symbol resolver; it throws {@link UnsatisfiedLinkError} for a missing symbol
	 */
	static synchronized ToLongFunction<String> symbolsForFfm() {
		NativeLibrary library = ffmLibrary;
		if (library == null) {
			throw new IllegalStateException("FfmCApi is created only by CPython.bindFfm");
		}
		return (name) -> Pointer.nativeValue(library.getGlobalVariableAddress(name));
	}

	/**
	 * The binding, for the other classes of this package.
	 * @return the chosen binding
	 */
	static CApi api() {
		return Bound.API;
	}

	/**
	 * Read a {@code PyObject*} field ({@code ob_type}) of an object: offset 8 in the GIL build's header.
	 * @param object the object
	 * @return its type
	 */
	public static long typeOf(long object) {
		return Bound.API.getLong(object + 8);
	}

	/**
	 * Copy a NUL-terminated or sized UTF-8 buffer.
	 * @param address the buffer
	 * @param length the byte count
	 * @return the bytes
	 */
	public static byte[] read(long address, long length) {
		return Bound.API.getBytes(address, Math.toIntExact(length));
	}

	// Lifecycle and thread states (init.html)

	public static int Py_IsInitialized() {
		return Bound.API.Py_IsInitialized();
	}

	public static int Py_FinalizeEx() {
		return Bound.API.Py_FinalizeEx();
	}

	public static long Py_GetVersion() {
		return Bound.API.Py_GetVersion();
	}

	public static long PyEval_SaveThread() {
		return Bound.API.PyEval_SaveThread();
	}

	public static void PyEval_RestoreThread(long tstate) {
		Bound.API.PyEval_RestoreThread(tstate);
	}

	public static long PyThreadState_New(long interp) {
		return Bound.API.PyThreadState_New(interp);
	}

	public static void PyThreadState_Clear(long tstate) {
		Bound.API.PyThreadState_Clear(tstate);
	}

	public static void PyThreadState_Delete(long tstate) {
		Bound.API.PyThreadState_Delete(tstate);
	}

	public static void PyThreadState_DeleteCurrent() {
		Bound.API.PyThreadState_DeleteCurrent();
	}

	public static long PyThreadState_GetUnchecked() {
		return Bound.API.PyThreadState_GetUnchecked();
	}

	public static long PyThreadState_GetInterpreter(long tstate) {
		return Bound.API.PyThreadState_GetInterpreter(tstate);
	}

	public static long PyInterpreterState_GetID(long interp) {
		return Bound.API.PyInterpreterState_GetID(interp);
	}

	public static long PyInterpreterState_Main() {
		return Bound.API.PyInterpreterState_Main();
	}

	public static int PyThreadState_SetAsyncExc(long threadId, long exception) {
		return Bound.API.PyThreadState_SetAsyncExc(threadId, exception);
	}

	public static long PyThread_get_thread_ident() {
		return Bound.API.PyThread_get_thread_ident();
	}

	/** The first thread state of an interpreter's list; 0 when it has none. */
	public static long PyInterpreterState_ThreadHead(long interp) {
		return Bound.API.PyInterpreterState_ThreadHead(interp);
	}

	/** The next thread state in its interpreter's list; 0 at the end. */
	public static long PyThreadState_Next(long tstate) {
		return Bound.API.PyThreadState_Next(tstate);
	}

	public static void Py_EndInterpreter(long tstate) {
		Bound.API.Py_EndInterpreter(tstate);
	}

	public static PyStatus.ByValue Py_NewInterpreterFromConfig(long[] tstateOut, Pointer config) {
		return Bound.API.Py_NewInterpreterFromConfig(tstateOut, config);
	}

	// Reference counting and constants

	public static void Py_IncRef(long object) {
		Bound.API.Py_IncRef(object);
	}

	public static void Py_DecRef(long object) {
		Bound.API.Py_DecRef(object);
	}

	public static long Py_GetConstantBorrowed(int constant) {
		return Bound.API.Py_GetConstantBorrowed(constant);
	}

	// Numbers, strings, bytes

	public static long PyLong_FromLongLong(long value) {
		return Bound.API.PyLong_FromLongLong(value);
	}

	public static long PyLong_AsLongLong(long object) {
		return Bound.API.PyLong_AsLongLong(object);
	}

	public static long PyLong_FromString(byte[] text, long end, int base) {
		return Bound.API.PyLong_FromString(text, end, base);
	}

	public static long PyBool_FromLong(long value) {
		return Bound.API.PyBool_FromLong(value);
	}

	public static long PyFloat_FromDouble(double value) {
		return Bound.API.PyFloat_FromDouble(value);
	}

	public static double PyFloat_AsDouble(long object) {
		return Bound.API.PyFloat_AsDouble(object);
	}

	public static long PyUnicode_FromStringAndSize(byte[] utf8, long size) {
		return Bound.API.PyUnicode_FromStringAndSize(utf8, size);
	}

	public static long PyUnicode_AsUTF8AndSize(long object, long size) {
		return Bound.API.PyUnicode_AsUTF8AndSize(object, size);
	}

	public static long PyBytes_FromStringAndSize(byte @Nullable [] bytes, long size) {
		return Bound.API.PyBytes_FromStringAndSize(bytes, size);
	}

	public static long PyBytes_AsString(long object) {
		return Bound.API.PyBytes_AsString(object);
	}

	public static long PyBytes_Size(long object) {
		return Bound.API.PyBytes_Size(object);
	}

	// Containers

	public static long PyList_New(long size) {
		return Bound.API.PyList_New(size);
	}

	public static int PyList_SetItem(long list, long index, long item) {
		return Bound.API.PyList_SetItem(list, index, item);
	}

	public static long PyList_GetItem(long list, long index) {
		return Bound.API.PyList_GetItem(list, index);
	}

	public static long PyList_Size(long list) {
		return Bound.API.PyList_Size(list);
	}

	public static long PyTuple_GetItem(long tuple, long index) {
		return Bound.API.PyTuple_GetItem(tuple, index);
	}

	public static long PyTuple_Size(long tuple) {
		return Bound.API.PyTuple_Size(tuple);
	}

	public static long PyDict_New() {
		return Bound.API.PyDict_New();
	}

	public static int PyDict_SetItem(long dict, long key, long value) {
		return Bound.API.PyDict_SetItem(dict, key, value);
	}

	public static int PyDict_SetItemString(long dict, byte[] key, long value) {
		return Bound.API.PyDict_SetItemString(dict, key, value);
	}

	public static int PyDict_GetItemStringRef(long dict, byte[] key, long[] result) {
		return Bound.API.PyDict_GetItemStringRef(dict, key, result);
	}

	public static int PyDict_Next(long dict, long position, long key, long value) {
		return Bound.API.PyDict_Next(dict, position, key, value);
	}

	public static long PyDict_Size(long dict) {
		return Bound.API.PyDict_Size(dict);
	}

	public static long PySet_New(long iterable) {
		return Bound.API.PySet_New(iterable);
	}

	public static int PySet_Add(long set, long key) {
		return Bound.API.PySet_Add(set, key);
	}

	public static long PyObject_GetIter(long object) {
		return Bound.API.PyObject_GetIter(object);
	}

	public static long PyIter_Next(long iterator) {
		return Bound.API.PyIter_Next(iterator);
	}

	// Objects and types

	public static long PyType_GetFlags(long type) {
		return Bound.API.PyType_GetFlags(type);
	}

	public static int PyType_IsSubtype(long type, long base) {
		return Bound.API.PyType_IsSubtype(type, base);
	}

	public static long PyObject_Str(long object) {
		return Bound.API.PyObject_Str(object);
	}

	public static long PyObject_GetAttrString(long object, byte[] name) {
		return Bound.API.PyObject_GetAttrString(object, name);
	}

	public static long PyObject_Vectorcall(long callable, long args, long nargsf, long kwnames) {
		return Bound.API.PyObject_Vectorcall(callable, args, nargsf, kwnames);
	}

	public static long PyObject_CallOneArg(long callable, long arg) {
		return Bound.API.PyObject_CallOneArg(callable, arg);
	}

	public static int PyObject_IsInstance(long object, long type) {
		return Bound.API.PyObject_IsInstance(object, type);
	}

	// Buffer protocol (buffer.html): Py_buffer is 80 bytes, the same layout in 3.13 and 3.14 (pybuffer.h)

	public static int PyObject_GetBuffer(long exporter, long view, int flags) {
		return Bound.API.PyObject_GetBuffer(exporter, view, flags);
	}

	public static void PyBuffer_Release(long view) {
		Bound.API.PyBuffer_Release(view);
	}

	public static int PyBuffer_IsContiguous(long view, byte order) {
		return Bound.API.PyBuffer_IsContiguous(view, order);
	}

	public static long PyByteArray_FromStringAndSize(long string, long size) {
		return Bound.API.PyByteArray_FromStringAndSize(string, size);
	}

	public static long PyByteArray_AsString(long bytearray) {
		return Bound.API.PyByteArray_AsString(bytearray);
	}

	public static long PyMemoryView_FromObject(long object) {
		return Bound.API.PyMemoryView_FromObject(object);
	}

	// Modules and code

	public static long PyImport_ImportModule(byte[] name) {
		return Bound.API.PyImport_ImportModule(name);
	}

	public static long PyImport_AddModuleRef(byte[] name) {
		return Bound.API.PyImport_AddModuleRef(name);
	}

	public static long PyModule_GetDict(long module) {
		return Bound.API.PyModule_GetDict(module);
	}

	public static long Py_CompileStringExFlags(byte[] code, byte[] filename, int start, @Nullable Pointer flags, int optimize) {
		return Bound.API.Py_CompileStringExFlags(code, filename, start, flags, optimize);
	}

	public static long PyEval_EvalCode(long code, long globals, long locals) {
		return Bound.API.PyEval_EvalCode(code, globals, locals);
	}

	// Errors

	public static long PyErr_GetRaisedException() {
		return Bound.API.PyErr_GetRaisedException();
	}

	public static void PyErr_SetRaisedException(long exception) {
		Bound.API.PyErr_SetRaisedException(exception);
	}

	public static long PyErr_Occurred() {
		return Bound.API.PyErr_Occurred();
	}

	public static void PyErr_Clear() {
		Bound.API.PyErr_Clear();
	}

	public static int PyErr_GivenExceptionMatches(long given, long exception) {
		return Bound.API.PyErr_GivenExceptionMatches(given, exception);
	}

	public static long PyException_GetCause(long exception) {
		return Bound.API.PyException_GetCause(exception);
	}

	public static long PyException_GetContext(long exception) {
		return Bound.API.PyException_GetContext(exception);
	}

	// Added for safe conversion (issue 8)

	/** {@code PyUnicode_4BYTE_KIND}: {@code Py_UCS4} code points. */
	public static final int UNICODE_4BYTE_KIND = 4;

	/** {@code PyLong_AsNativeBytes} flags 0: big-endian, signed (two's complement), no {@code __index__}. */
	public static final int ASNATIVEBYTES_BIG_ENDIAN = 0;

	public static long PyList_AsTuple(long list) {
		return Bound.API.PyList_AsTuple(list);
	}

	public static long PyDict_Copy(long dict) {
		return Bound.API.PyDict_Copy(dict);
	}

	public static long PyLong_AsNativeBytes(long object, byte @Nullable [] buffer, long size, int flags) {
		return Bound.API.PyLong_AsNativeBytes(object, buffer, size, flags);
	}

	public static long PyUnicode_GetLength(long object) {
		return Bound.API.PyUnicode_GetLength(object);
	}

	public static long PyUnicode_AsUCS4(long object, int[] buffer, long size, int copyNull) {
		return Bound.API.PyUnicode_AsUCS4(object, buffer, size, copyNull);
	}

	public static long PyUnicode_FromKindAndData(int kind, int[] buffer, long size) {
		return Bound.API.PyUnicode_FromKindAndData(kind, buffer, size);
	}

	// Added for bulk conversion (issue 11)

	/** {@code Py_MARSHAL_VERSION} 4: the newest format that 3.13 writes and 3.14 reads and writes. */
	public static final int MARSHAL_VERSION = 4;

	public static long PyMarshal_WriteObjectToString(long object, int version) {
		return Bound.API.PyMarshal_WriteObjectToString(object, version);
	}

	public static long PyMarshal_ReadObjectFromString(long data, long size) {
		return Bound.API.PyMarshal_ReadObjectFromString(data, size);
	}

	public static int Py_GetRecursionLimit() {
		return Bound.API.Py_GetRecursionLimit();
	}

	public static void Py_SetRecursionLimit(int limit) {
		Bound.API.Py_SetRecursionLimit(limit);
	}

	public static long PyUnicode_New(long size, int maxchar) {
		return Bound.API.PyUnicode_New(size, maxchar);
	}

	/**
	 * The 8-byte word at an address (FFM: a plain load; JNA: one JNI call).
	 * @param address the address
	 * @return the word
	 */
	public static long getLong(long address) {
		return Bound.API.getLong(address);
	}

	/**
	 * The 4-byte word at an address.
	 * @param address the address
	 * @return the word
	 */
	public static int getInt(long address) {
		return Bound.API.getInt(address);
	}

	/**
	 * Copy {@code count} elements from native memory into a Java primitive array, in one copy: a {@code char[]} takes
	 * 2-byte units (UTF-16 or UCS-2), the other arrays their own element size, in the machine's byte order.
	 * @param address the first element
	 * @param array a {@code byte[]}, {@code char[]}, {@code short[]}, {@code int[]}, {@code long[]}, {@code float[]}
	 * or {@code double[]}
	 * @param index the first array index written
	 * @param count the number of elements
	 */
	public static void copyToArray(long address, Object array, int index, int count) {
		Bound.API.copyToArray(address, array, index, count);
	}

	/**
	 * Copy {@code count} elements of a Java primitive array into native memory, in one copy (see
	 * {@link #copyToArray}).
	 * @param array the array
	 * @param index the first array index read
	 * @param count the number of elements
	 * @param address where the first element goes
	 */
	public static void copyFromArray(Object array, int index, int count, long address) {
		Bound.API.copyFromArray(array, index, count, address);
	}

	/**
	 * The address of a direct buffer's memory (its element 0, whatever its position).
	 * @param buffer a direct buffer
	 * @return the address
	 */
	public static long address(java.nio.Buffer buffer) {
		return Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(buffer));
	}

	/**
	 * The chosen binding as a constant: initialized on first use, which comes after the binding. Final and static,
	 * so that the JIT compiles each static method above to a direct call into that one binding.
	 */
	private static final class Bound {

		static final CApi API = chosen();

		private Bound() {
		}

		private static CApi chosen() {
			synchronized (CPython.class) {
				CApi api = chosen;
				if (api == null) {
					throw new IllegalStateException("A CPython function was called before CPython was bound: start a "
							+ "PythonRuntime first");
				}
				return api;
			}
		}

	}

}
