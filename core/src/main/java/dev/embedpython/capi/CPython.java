package dev.embedpython.capi;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * Direct-mapped functions of libpython common to CPython 3.13 and 3.14. Bound once per JVM by {@link #bind}.
 * Pointers are {@code long}; {@code char*} inputs are NUL-terminated UTF-8 {@code byte[]}.
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

	/** {@code Py_TPFLAGS_BASE_EXC_SUBCLASS}. */
	public static final long TPFLAGS_BASE_EXC_SUBCLASS = 1L << 30;

	/** {@code Py_TPFLAGS_TYPE_SUBCLASS}. */
	public static final long TPFLAGS_TYPE_SUBCLASS = 1L << 31;

	private static volatile boolean bound;

	private CPython() {
	}

	/**
	 * Register the natives of this class against a loaded libpython. A JVM binds one libpython, once.
	 * @param library the loaded library
	 */
	public static synchronized void bind(NativeLibrary library) {
		if (!bound) {
			Native.register(CPython.class, library);
			bound = true;
		}
	}

	/**
	 * Read a {@code PyObject*} field ({@code ob_type}) of an object: offset 8 in the GIL build's header.
	 * @param object the object
	 * @return its type
	 */
	public static long typeOf(long object) {
		return new Pointer(object).getLong(8);
	}

	/**
	 * Copy a NUL-terminated or sized UTF-8 buffer.
	 * @param address the buffer
	 * @param length the byte count
	 * @return the bytes
	 */
	public static byte[] read(long address, long length) {
		return new Pointer(address).getByteArray(0, Math.toIntExact(length));
	}

	// Lifecycle and thread states (init.html)

	public static native int Py_IsInitialized();

	public static native int Py_FinalizeEx();

	public static native long Py_GetVersion();

	public static native long PyEval_SaveThread();

	public static native void PyEval_RestoreThread(long tstate);

	public static native long PyThreadState_New(long interp);

	public static native void PyThreadState_Clear(long tstate);

	public static native void PyThreadState_Delete(long tstate);

	public static native void PyThreadState_DeleteCurrent();

	public static native long PyThreadState_GetUnchecked();

	public static native long PyThreadState_GetInterpreter(long tstate);

	public static native long PyInterpreterState_GetID(long interp);

	public static native long PyInterpreterState_Main();

	public static native int PyThreadState_SetAsyncExc(long threadId, long exception);

	public static native long PyThread_get_thread_ident();

	/** The first thread state of an interpreter's list; 0 when it has none. */
	public static native long PyInterpreterState_ThreadHead(long interp);

	/** The next thread state in its interpreter's list; 0 at the end. */
	public static native long PyThreadState_Next(long tstate);

	public static native void Py_EndInterpreter(long tstate);

	public static native PyStatus.ByValue Py_NewInterpreterFromConfig(long[] tstateOut, Pointer config);

	// Reference counting and constants

	public static native void Py_IncRef(long object);

	public static native void Py_DecRef(long object);

	public static native long Py_GetConstantBorrowed(int constant);

	// Numbers, strings, bytes

	public static native long PyLong_FromLongLong(long value);

	public static native long PyLong_AsLongLong(long object);

	public static native long PyLong_FromString(byte[] text, long end, int base);

	public static native long PyBool_FromLong(long value);

	public static native long PyFloat_FromDouble(double value);

	public static native double PyFloat_AsDouble(long object);

	public static native long PyUnicode_FromStringAndSize(byte[] utf8, long size);

	public static native long PyUnicode_AsUTF8AndSize(long object, long size);

	public static native long PyBytes_FromStringAndSize(byte[] bytes, long size);

	public static native long PyBytes_AsString(long object);

	public static native long PyBytes_Size(long object);

	// Containers

	public static native long PyList_New(long size);

	public static native int PyList_SetItem(long list, long index, long item);

	public static native long PyList_GetItem(long list, long index);

	public static native long PyList_Size(long list);

	public static native long PyTuple_GetItem(long tuple, long index);

	public static native long PyTuple_Size(long tuple);

	public static native long PyDict_New();

	public static native int PyDict_SetItem(long dict, long key, long value);

	public static native int PyDict_SetItemString(long dict, byte[] key, long value);

	public static native int PyDict_GetItemStringRef(long dict, byte[] key, long[] result);

	public static native int PyDict_Next(long dict, long position, long key, long value);

	public static native long PyDict_Size(long dict);

	public static native long PySet_New(long iterable);

	public static native int PySet_Add(long set, long key);

	public static native long PyObject_GetIter(long object);

	public static native long PyIter_Next(long iterator);

	// Objects and types

	public static native long PyType_GetFlags(long type);

	public static native int PyType_IsSubtype(long type, long base);

	public static native long PyObject_Str(long object);

	public static native long PyObject_GetAttrString(long object, byte[] name);

	public static native long PyObject_Vectorcall(long callable, long args, long nargsf, long kwnames);

	public static native long PyObject_CallOneArg(long callable, long arg);

	public static native int PyObject_IsInstance(long object, long type);

	// Buffer protocol (buffer.html): Py_buffer is 80 bytes, the same layout in 3.13 and 3.14 (pybuffer.h)

	public static native int PyObject_GetBuffer(long exporter, long view, int flags);

	public static native void PyBuffer_Release(long view);

	public static native int PyBuffer_IsContiguous(long view, byte order);

	public static native long PyByteArray_FromStringAndSize(long string, long size);

	public static native long PyByteArray_AsString(long bytearray);

	public static native long PyMemoryView_FromObject(long object);

	// Modules and code

	public static native long PyImport_ImportModule(byte[] name);

	public static native long PyImport_AddModuleRef(byte[] name);

	public static native long PyModule_GetDict(long module);

	public static native long Py_CompileStringExFlags(byte[] code, byte[] filename, int start, Pointer flags,
			int optimize);

	public static native long PyEval_EvalCode(long code, long globals, long locals);

	// Errors

	public static native long PyErr_GetRaisedException();

	public static native void PyErr_SetRaisedException(long exception);

	public static native long PyErr_Occurred();

	public static native void PyErr_Clear();

	public static native int PyErr_GivenExceptionMatches(long given, long exception);

	public static native long PyException_GetCause(long exception);

	public static native long PyException_GetContext(long exception);

	// Added for safe conversion (issue 8)

	/** {@code PyUnicode_4BYTE_KIND}: {@code Py_UCS4} code points. */
	public static final int UNICODE_4BYTE_KIND = 4;

	/** {@code PyLong_AsNativeBytes} flags 0: big-endian, signed (two's complement), no {@code __index__}. */
	public static final int ASNATIVEBYTES_BIG_ENDIAN = 0;

	public static native long PyList_AsTuple(long list);

	public static native long PyDict_Copy(long dict);

	public static native long PyLong_AsNativeBytes(long object, byte @org.jspecify.annotations.Nullable [] buffer,
			long size, int flags);

	public static native long PyUnicode_GetLength(long object);

	public static native long PyUnicode_AsUCS4(long object, int[] buffer, long size, int copyNull);

	public static native long PyUnicode_FromKindAndData(int kind, int[] buffer, long size);

	// Added for bulk conversion (issue 11)

	/** {@code Py_MARSHAL_VERSION} 4: the newest format that 3.13 writes and 3.14 reads and writes. */
	public static final int MARSHAL_VERSION = 4;

	public static native long PyMarshal_WriteObjectToString(long object, int version);

	public static native long PyMarshal_ReadObjectFromString(long data, long size);

	public static native int Py_GetRecursionLimit();

	public static native void Py_SetRecursionLimit(int limit);

	public static native long PyUnicode_New(long size, int maxchar);

	/**
	 * The 8-byte word at an address (with JNA one JNI call).
	 * @param address the address
	 * @return the word
	 */
	public static long getLong(long address) {
		return new Pointer(address).getLong(0);
	}

	/**
	 * The 4-byte word at an address.
	 * @param address the address
	 * @return the word
	 */
	public static int getInt(long address) {
		return new Pointer(address).getInt(0);
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
		copy(address, array, index, count, true);
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
		copy(address, array, index, count, false);
	}

	/**
	 * The address of a direct buffer's memory (its element 0, whatever its position).
	 * @param buffer a direct buffer
	 * @return the address
	 */
	public static long address(java.nio.Buffer buffer) {
		return Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
	}

	/** From this size on, copies go through a direct-buffer view (a bulk copy; measured 2x faster on JDK 25). */
	private static final int VIEW_MIN_BYTES = 64 * 1024;

	/** The largest view made at once: a {@code ByteBuffer}'s capacity is an {@code int}. */
	private static final int VIEW_MAX_BYTES = 1 << 30;

	private static void copy(long address, Object array, int index, int count, boolean intoArray) {
		int width = elementSize(array);
		if ((long) count * width < VIEW_MIN_BYTES) {
			copySmall(new Pointer(address), array, index, count, intoArray);
			return;
		}
		// A new view per chunk costs a JNI call (NewDirectByteBuffer), repaid only by large copies.
		int chunk = VIEW_MAX_BYTES / width;
		for (int done = 0; done < count; done += chunk) {
			int elements = Math.min(chunk, count - done);
			java.nio.ByteBuffer view = new Pointer(address + (long) done * width)
				.getByteBuffer(0, (long) elements * width)
				.order(java.nio.ByteOrder.nativeOrder());
			copyView(view, array, index + done, elements, intoArray);
		}
	}

	private static int elementSize(Object array) {
		if (array instanceof byte[]) {
			return 1;
		}
		if (array instanceof char[] || array instanceof short[]) {
			return 2;
		}
		if (array instanceof int[] || array instanceof float[]) {
			return 4;
		}
		if (array instanceof long[] || array instanceof double[]) {
			return 8;
		}
		throw new IllegalArgumentException("not a primitive array: " + array.getClass().getName());
	}

	private static void copyView(java.nio.ByteBuffer view, Object array, int index, int count, boolean intoArray) {
		if (array instanceof byte[] bytes) {
			if (intoArray) {
				view.get(bytes, index, count);
			}
			else {
				view.put(bytes, index, count);
			}
		}
		else if (array instanceof char[] chars) {
			if (intoArray) {
				view.asCharBuffer().get(chars, index, count);
			}
			else {
				view.asCharBuffer().put(chars, index, count);
			}
		}
		else if (array instanceof short[] shorts) {
			if (intoArray) {
				view.asShortBuffer().get(shorts, index, count);
			}
			else {
				view.asShortBuffer().put(shorts, index, count);
			}
		}
		else if (array instanceof int[] ints) {
			if (intoArray) {
				view.asIntBuffer().get(ints, index, count);
			}
			else {
				view.asIntBuffer().put(ints, index, count);
			}
		}
		else if (array instanceof long[] longs) {
			if (intoArray) {
				view.asLongBuffer().get(longs, index, count);
			}
			else {
				view.asLongBuffer().put(longs, index, count);
			}
		}
		else if (array instanceof float[] floats) {
			if (intoArray) {
				view.asFloatBuffer().get(floats, index, count);
			}
			else {
				view.asFloatBuffer().put(floats, index, count);
			}
		}
		else {
			double[] doubles = (double[]) array;
			if (intoArray) {
				view.asDoubleBuffer().get(doubles, index, count);
			}
			else {
				view.asDoubleBuffer().put(doubles, index, count);
			}
		}
	}

	private static void copySmall(Pointer pointer, Object array, int index, int count, boolean intoArray) {
		if (array instanceof byte[] bytes) {
			if (intoArray) {
				pointer.read(0, bytes, index, count);
			}
			else {
				pointer.write(0, bytes, index, count);
			}
		}
		else if (array instanceof char[] chars) {
			// JNA's own char[] copy converts to wchar_t (4 bytes on Linux): 2-byte units go as shorts.
			short[] units = new short[count];
			if (intoArray) {
				pointer.read(0, units, 0, count);
				for (int i = 0; i < count; i++) {
					chars[index + i] = (char) units[i];
				}
			}
			else {
				for (int i = 0; i < count; i++) {
					units[i] = (short) chars[index + i];
				}
				pointer.write(0, units, 0, count);
			}
		}
		else if (array instanceof short[] shorts) {
			if (intoArray) {
				pointer.read(0, shorts, index, count);
			}
			else {
				pointer.write(0, shorts, index, count);
			}
		}
		else if (array instanceof int[] ints) {
			if (intoArray) {
				pointer.read(0, ints, index, count);
			}
			else {
				pointer.write(0, ints, index, count);
			}
		}
		else if (array instanceof long[] longs) {
			if (intoArray) {
				pointer.read(0, longs, index, count);
			}
			else {
				pointer.write(0, longs, index, count);
			}
		}
		else if (array instanceof float[] floats) {
			if (intoArray) {
				pointer.read(0, floats, index, count);
			}
			else {
				pointer.write(0, floats, index, count);
			}
		}
		else {
			double[] doubles = (double[]) array;
			if (intoArray) {
				pointer.read(0, doubles, index, count);
			}
			else {
				pointer.write(0, doubles, index, count);
			}
		}
	}

}
