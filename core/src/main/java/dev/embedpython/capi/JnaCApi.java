package dev.embedpython.capi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

/**
 * The binding through JNA direct mapping ({@code Native.register}): every JDK from 17, and the one forced with
 * {@code jna}. Each function is a JNI native of {@link Natives}, called by its override here (inlined by the JIT).
 * <p>
 * Thread contract: stateless; the C API's rules apply.
 */
final class JnaCApi extends CApi {

	private JnaCApi() {
	}

	/**
	 * Register the natives against a loaded libpython.
	 * @param library the library
	 * @return the binding
	 * @throws UnsatisfiedLinkError if a function is missing
	 */
	static JnaCApi register(NativeLibrary library) {
		Native.register(Natives.class, library);
		return new JnaCApi();
	}

	// Memory at native addresses: one JNI call each, as JNA's Pointer does

	@Override
	long getLong(long address) {
		return new Pointer(address).getLong(0);
	}

	@Override
	void putLong(long address, long value) {
		new Pointer(address).setLong(0, value);
	}

	@Override
	void putLongs(long address, long[] values, int count) {
		new Pointer(address).write(0, values, 0, count);
	}

	@Override
	byte[] getBytes(long address, int length) {
		return new Pointer(address).getByteArray(0, length);
	}

	@Override
	int getInt(long address) {
		return new Pointer(address).getInt(0);
	}

	@Override
	void copyToArray(long address, Object array, int index, int count) {
		copy(address, array, index, count, true);
	}

	@Override
	void copyFromArray(Object array, int index, int count, long address) {
		copy(address, array, index, count, false);
	}

	// Lifecycle and thread states (init.html)

	@Override
	int Py_IsInitialized() {
		return Natives.Py_IsInitialized();
	}

	@Override
	int Py_FinalizeEx() {
		return Natives.Py_FinalizeEx();
	}

	@Override
	long Py_GetVersion() {
		return Natives.Py_GetVersion();
	}

	@Override
	long PyEval_SaveThread() {
		return Natives.PyEval_SaveThread();
	}

	@Override
	void PyEval_RestoreThread(long tstate) {
		Natives.PyEval_RestoreThread(tstate);
	}

	@Override
	long PyThreadState_New(long interp) {
		return Natives.PyThreadState_New(interp);
	}

	@Override
	void PyThreadState_Clear(long tstate) {
		Natives.PyThreadState_Clear(tstate);
	}

	@Override
	void PyThreadState_Delete(long tstate) {
		Natives.PyThreadState_Delete(tstate);
	}

	@Override
	void PyThreadState_DeleteCurrent() {
		Natives.PyThreadState_DeleteCurrent();
	}

	@Override
	long PyThreadState_GetUnchecked() {
		return Natives.PyThreadState_GetUnchecked();
	}

	@Override
	long PyThreadState_GetInterpreter(long tstate) {
		return Natives.PyThreadState_GetInterpreter(tstate);
	}

	@Override
	long PyInterpreterState_GetID(long interp) {
		return Natives.PyInterpreterState_GetID(interp);
	}

	@Override
	long PyInterpreterState_Main() {
		return Natives.PyInterpreterState_Main();
	}

	@Override
	int PyThreadState_SetAsyncExc(long threadId, long exception) {
		return Natives.PyThreadState_SetAsyncExc(threadId, exception);
	}

	@Override
	long PyThread_get_thread_ident() {
		return Natives.PyThread_get_thread_ident();
	}

	@Override
	long PyInterpreterState_ThreadHead(long interp) {
		return Natives.PyInterpreterState_ThreadHead(interp);
	}

	@Override
	long PyThreadState_Next(long tstate) {
		return Natives.PyThreadState_Next(tstate);
	}

	@Override
	void Py_EndInterpreter(long tstate) {
		Natives.Py_EndInterpreter(tstate);
	}

	@Override
	PyStatus.ByValue Py_NewInterpreterFromConfig(long[] tstateOut, Pointer config) {
		return Natives.Py_NewInterpreterFromConfig(tstateOut, config);
	}

	// Reference counting and constants

	@Override
	void Py_IncRef(long object) {
		Natives.Py_IncRef(object);
	}

	@Override
	void Py_DecRef(long object) {
		Natives.Py_DecRef(object);
	}

	@Override
	long Py_GetConstantBorrowed(int constant) {
		return Natives.Py_GetConstantBorrowed(constant);
	}

	// Numbers, strings, bytes

	@Override
	long PyLong_FromLongLong(long value) {
		return Natives.PyLong_FromLongLong(value);
	}

	@Override
	long PyLong_AsLongLong(long object) {
		return Natives.PyLong_AsLongLong(object);
	}

	@Override
	long PyLong_FromString(byte[] text, long end, int base) {
		return Natives.PyLong_FromString(text, end, base);
	}

	@Override
	long PyBool_FromLong(long value) {
		return Natives.PyBool_FromLong(value);
	}

	@Override
	long PyFloat_FromDouble(double value) {
		return Natives.PyFloat_FromDouble(value);
	}

	@Override
	double PyFloat_AsDouble(long object) {
		return Natives.PyFloat_AsDouble(object);
	}

	@Override
	long PyUnicode_FromStringAndSize(byte[] utf8, long size) {
		return Natives.PyUnicode_FromStringAndSize(utf8, size);
	}

	@Override
	long PyUnicode_AsUTF8AndSize(long object, long size) {
		return Natives.PyUnicode_AsUTF8AndSize(object, size);
	}

	@Override
	long PyBytes_FromStringAndSize(byte @Nullable [] bytes, long size) {
		return Natives.PyBytes_FromStringAndSize(bytes, size);
	}

	@Override
	long PyBytes_AsString(long object) {
		return Natives.PyBytes_AsString(object);
	}

	@Override
	long PyBytes_Size(long object) {
		return Natives.PyBytes_Size(object);
	}

	// Containers

	@Override
	long PyList_New(long size) {
		return Natives.PyList_New(size);
	}

	@Override
	int PyList_SetItem(long list, long index, long item) {
		return Natives.PyList_SetItem(list, index, item);
	}

	@Override
	long PyList_GetItem(long list, long index) {
		return Natives.PyList_GetItem(list, index);
	}

	@Override
	long PyList_Size(long list) {
		return Natives.PyList_Size(list);
	}

	@Override
	long PyTuple_GetItem(long tuple, long index) {
		return Natives.PyTuple_GetItem(tuple, index);
	}

	@Override
	long PyTuple_Size(long tuple) {
		return Natives.PyTuple_Size(tuple);
	}

	@Override
	long PyDict_New() {
		return Natives.PyDict_New();
	}

	@Override
	int PyDict_SetItem(long dict, long key, long value) {
		return Natives.PyDict_SetItem(dict, key, value);
	}

	@Override
	int PyDict_SetItemString(long dict, byte[] key, long value) {
		return Natives.PyDict_SetItemString(dict, key, value);
	}

	@Override
	int PyDict_GetItemStringRef(long dict, byte[] key, long[] result) {
		return Natives.PyDict_GetItemStringRef(dict, key, result);
	}

	@Override
	int PyDict_Next(long dict, long position, long key, long value) {
		return Natives.PyDict_Next(dict, position, key, value);
	}

	@Override
	long PyDict_Size(long dict) {
		return Natives.PyDict_Size(dict);
	}

	@Override
	long PySet_New(long iterable) {
		return Natives.PySet_New(iterable);
	}

	@Override
	int PySet_Add(long set, long key) {
		return Natives.PySet_Add(set, key);
	}

	@Override
	long PyObject_GetIter(long object) {
		return Natives.PyObject_GetIter(object);
	}

	@Override
	long PyIter_Next(long iterator) {
		return Natives.PyIter_Next(iterator);
	}

	// Objects and types

	@Override
	long PyType_GetFlags(long type) {
		return Natives.PyType_GetFlags(type);
	}

	@Override
	int PyType_IsSubtype(long type, long base) {
		return Natives.PyType_IsSubtype(type, base);
	}

	@Override
	long PyObject_Str(long object) {
		return Natives.PyObject_Str(object);
	}

	@Override
	long PyObject_GetAttrString(long object, byte[] name) {
		return Natives.PyObject_GetAttrString(object, name);
	}

	@Override
	long PyObject_Vectorcall(long callable, long args, long nargsf, long kwnames) {
		return Natives.PyObject_Vectorcall(callable, args, nargsf, kwnames);
	}

	@Override
	long PyObject_CallOneArg(long callable, long arg) {
		return Natives.PyObject_CallOneArg(callable, arg);
	}

	@Override
	int PyObject_IsInstance(long object, long type) {
		return Natives.PyObject_IsInstance(object, type);
	}

	// Buffer protocol (buffer.html): Py_buffer is 80 bytes, the same layout in 3.13 and 3.14 (pybuffer.h)

	@Override
	int PyObject_GetBuffer(long exporter, long view, int flags) {
		return Natives.PyObject_GetBuffer(exporter, view, flags);
	}

	@Override
	void PyBuffer_Release(long view) {
		Natives.PyBuffer_Release(view);
	}

	@Override
	int PyBuffer_IsContiguous(long view, byte order) {
		return Natives.PyBuffer_IsContiguous(view, order);
	}

	@Override
	long PyByteArray_FromStringAndSize(long string, long size) {
		return Natives.PyByteArray_FromStringAndSize(string, size);
	}

	@Override
	long PyByteArray_AsString(long bytearray) {
		return Natives.PyByteArray_AsString(bytearray);
	}

	@Override
	long PyMemoryView_FromObject(long object) {
		return Natives.PyMemoryView_FromObject(object);
	}

	// Modules and code

	@Override
	long PyImport_ImportModule(byte[] name) {
		return Natives.PyImport_ImportModule(name);
	}

	@Override
	long PyImport_AddModuleRef(byte[] name) {
		return Natives.PyImport_AddModuleRef(name);
	}

	@Override
	long PyModule_GetDict(long module) {
		return Natives.PyModule_GetDict(module);
	}

	@Override
	long Py_CompileStringExFlags(byte[] code, byte[] filename, int start, @Nullable Pointer flags, int optimize) {
		return Natives.Py_CompileStringExFlags(code, filename, start, flags, optimize);
	}

	@Override
	long PyEval_EvalCode(long code, long globals, long locals) {
		return Natives.PyEval_EvalCode(code, globals, locals);
	}

	// Errors

	@Override
	long PyErr_GetRaisedException() {
		return Natives.PyErr_GetRaisedException();
	}

	@Override
	void PyErr_SetRaisedException(long exception) {
		Natives.PyErr_SetRaisedException(exception);
	}

	@Override
	long PyErr_Occurred() {
		return Natives.PyErr_Occurred();
	}

	@Override
	void PyErr_Clear() {
		Natives.PyErr_Clear();
	}

	@Override
	int PyErr_GivenExceptionMatches(long given, long exception) {
		return Natives.PyErr_GivenExceptionMatches(given, exception);
	}

	@Override
	long PyException_GetCause(long exception) {
		return Natives.PyException_GetCause(exception);
	}

	@Override
	long PyException_GetContext(long exception) {
		return Natives.PyException_GetContext(exception);
	}

	// Added for safe conversion (issue 8)

	@Override
	long PyList_AsTuple(long list) {
		return Natives.PyList_AsTuple(list);
	}

	@Override
	long PyDict_Copy(long dict) {
		return Natives.PyDict_Copy(dict);
	}

	@Override
	long PyLong_AsNativeBytes(long object, byte @Nullable [] buffer, long size, int flags) {
		return Natives.PyLong_AsNativeBytes(object, buffer, size, flags);
	}

	@Override
	long PyUnicode_GetLength(long object) {
		return Natives.PyUnicode_GetLength(object);
	}

	@Override
	long PyUnicode_AsUCS4(long object, int[] buffer, long size, int copyNull) {
		return Natives.PyUnicode_AsUCS4(object, buffer, size, copyNull);
	}

	@Override
	long PyUnicode_FromKindAndData(int kind, int[] buffer, long size) {
		return Natives.PyUnicode_FromKindAndData(kind, buffer, size);
	}

	// Added for bulk conversion (issue 11)

	@Override
	long PyMarshal_WriteObjectToString(long object, int version) {
		return Natives.PyMarshal_WriteObjectToString(object, version);
	}

	@Override
	long PyMarshal_ReadObjectFromString(long data, long size) {
		return Natives.PyMarshal_ReadObjectFromString(data, size);
	}

	@Override
	int Py_GetRecursionLimit() {
		return Natives.Py_GetRecursionLimit();
	}

	@Override
	void Py_SetRecursionLimit(int limit) {
		Natives.Py_SetRecursionLimit(limit);
	}

	@Override
	long PyUnicode_New(long size, int maxchar) {
		return Natives.PyUnicode_New(size, maxchar);
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
			ByteBuffer view = new Pointer(address + (long) done * width)
				.getByteBuffer(0, (long) elements * width)
				.order(ByteOrder.nativeOrder());
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

	private static void copyView(ByteBuffer view, Object array, int index, int count, boolean intoArray) {
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

	/**
	 * The direct-mapped natives, named as in C.
	 */
	private static final class Natives {

		private Natives() {
		}

		static native int Py_IsInitialized();

		static native int Py_FinalizeEx();

		static native long Py_GetVersion();

		static native long PyEval_SaveThread();

		static native void PyEval_RestoreThread(long tstate);

		static native long PyThreadState_New(long interp);

		static native void PyThreadState_Clear(long tstate);

		static native void PyThreadState_Delete(long tstate);

		static native void PyThreadState_DeleteCurrent();

		static native long PyThreadState_GetUnchecked();

		static native long PyThreadState_GetInterpreter(long tstate);

		static native long PyInterpreterState_GetID(long interp);

		static native long PyInterpreterState_Main();

		static native int PyThreadState_SetAsyncExc(long threadId, long exception);

		static native long PyThread_get_thread_ident();

		static native long PyInterpreterState_ThreadHead(long interp);

		static native long PyThreadState_Next(long tstate);

		static native void Py_EndInterpreter(long tstate);

		static native PyStatus.ByValue Py_NewInterpreterFromConfig(long[] tstateOut, Pointer config);

		static native void Py_IncRef(long object);

		static native void Py_DecRef(long object);

		static native long Py_GetConstantBorrowed(int constant);

		static native long PyLong_FromLongLong(long value);

		static native long PyLong_AsLongLong(long object);

		static native long PyLong_FromString(byte[] text, long end, int base);

		static native long PyBool_FromLong(long value);

		static native long PyFloat_FromDouble(double value);

		static native double PyFloat_AsDouble(long object);

		static native long PyUnicode_FromStringAndSize(byte[] utf8, long size);

		static native long PyUnicode_AsUTF8AndSize(long object, long size);

		static native long PyBytes_FromStringAndSize(byte @Nullable [] bytes, long size);

		static native long PyBytes_AsString(long object);

		static native long PyBytes_Size(long object);

		static native long PyList_New(long size);

		static native int PyList_SetItem(long list, long index, long item);

		static native long PyList_GetItem(long list, long index);

		static native long PyList_Size(long list);

		static native long PyTuple_GetItem(long tuple, long index);

		static native long PyTuple_Size(long tuple);

		static native long PyDict_New();

		static native int PyDict_SetItem(long dict, long key, long value);

		static native int PyDict_SetItemString(long dict, byte[] key, long value);

		static native int PyDict_GetItemStringRef(long dict, byte[] key, long[] result);

		static native int PyDict_Next(long dict, long position, long key, long value);

		static native long PyDict_Size(long dict);

		static native long PySet_New(long iterable);

		static native int PySet_Add(long set, long key);

		static native long PyObject_GetIter(long object);

		static native long PyIter_Next(long iterator);

		static native long PyType_GetFlags(long type);

		static native int PyType_IsSubtype(long type, long base);

		static native long PyObject_Str(long object);

		static native long PyObject_GetAttrString(long object, byte[] name);

		static native long PyObject_Vectorcall(long callable, long args, long nargsf, long kwnames);

		static native long PyObject_CallOneArg(long callable, long arg);

		static native int PyObject_IsInstance(long object, long type);

		static native int PyObject_GetBuffer(long exporter, long view, int flags);

		static native void PyBuffer_Release(long view);

		static native int PyBuffer_IsContiguous(long view, byte order);

		static native long PyByteArray_FromStringAndSize(long string, long size);

		static native long PyByteArray_AsString(long bytearray);

		static native long PyMemoryView_FromObject(long object);

		static native long PyImport_ImportModule(byte[] name);

		static native long PyImport_AddModuleRef(byte[] name);

		static native long PyModule_GetDict(long module);

		static native long Py_CompileStringExFlags(byte[] code, byte[] filename, int start, @Nullable Pointer flags, int optimize);

		static native long PyEval_EvalCode(long code, long globals, long locals);

		static native long PyErr_GetRaisedException();

		static native void PyErr_SetRaisedException(long exception);

		static native long PyErr_Occurred();

		static native void PyErr_Clear();

		static native int PyErr_GivenExceptionMatches(long given, long exception);

		static native long PyException_GetCause(long exception);

		static native long PyException_GetContext(long exception);

		static native long PyList_AsTuple(long list);

		static native long PyDict_Copy(long dict);

		static native long PyLong_AsNativeBytes(long object, byte @Nullable [] buffer, long size, int flags);

		static native long PyUnicode_GetLength(long object);

		static native long PyUnicode_AsUCS4(long object, int[] buffer, long size, int copyNull);

		static native long PyUnicode_FromKindAndData(int kind, int[] buffer, long size);

		static native long PyMarshal_WriteObjectToString(long object, int version);

		static native long PyMarshal_ReadObjectFromString(long data, long size);

		static native int Py_GetRecursionLimit();

		static native void Py_SetRecursionLimit(int limit);

		static native long PyUnicode_New(long size, int maxchar);

	}

}
