package dev.embedpython.capi;

import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

/**
 * One binding of libpython's functions: {@link JnaCApi} (JNA direct mapping, every JDK) or {@code FfmCApi}
 * ({@code java.lang.foreign}, JDK 22+, in the jar's {@code META-INF/versions/22}). {@link CPython}'s static methods
 * delegate to the one instance chosen at {@link CPython#bindFfm} or {@link CPython#bindJna}, held in a {@code static final} field, so that the
 * JIT sees one implementation and inlines it. Method names are the C names (C has no overloads: the FFM binding
 * derives each C signature from the declaration here); pointers are {@code long}.
 * <p>
 * Adding a function: declare it here, implement it in {@link JnaCApi} (a native in its {@code Natives} and the
 * override) and in {@code FfmCApi} (a handle and the override: {@code critical} only for functions that can neither
 * block nor run Python code), and add the static method to {@link CPython}. The compiler reports a missing
 * override; a misspelt name fails binding at start-up.
 * <p>
 * Thread contract: stateless; the C API's rules about attached thread states apply to every function.
 */
abstract class CApi {

	// Memory at native addresses

	/** The 8-byte word at an address. */
	abstract long getLong(long address);

	/** Store an 8-byte word at an address. */
	abstract void putLong(long address, long value);

	/** Store the first {@code count} words of an array from an address on. */
	abstract void putLongs(long address, long[] values, int count);

	/** Copy {@code length} bytes from an address. */
	abstract byte[] getBytes(long address, int length);

	/** The 4-byte word at an address. */
	abstract int getInt(long address);

	/** Copy elements from an address into a primitive array (see {@link CPython#copyToArray}). */
	abstract void copyToArray(long address, Object array, int index, int count);

	/** Copy elements of a primitive array to an address (see {@link CPython#copyFromArray}). */
	abstract void copyFromArray(Object array, int index, int count, long address);

	// Lifecycle and thread states (init.html)

	abstract int Py_IsInitialized();

	abstract int Py_FinalizeEx();

	abstract long Py_GetVersion();

	abstract long PyEval_SaveThread();

	abstract void PyEval_RestoreThread(long tstate);

	abstract long PyThreadState_New(long interp);

	abstract void PyThreadState_Clear(long tstate);

	abstract void PyThreadState_Delete(long tstate);

	abstract void PyThreadState_DeleteCurrent();

	abstract long PyThreadState_GetUnchecked();

	abstract long PyThreadState_GetInterpreter(long tstate);

	abstract long PyInterpreterState_GetID(long interp);

	abstract long PyInterpreterState_Main();

	abstract int PyThreadState_SetAsyncExc(long threadId, long exception);

	abstract long PyThread_get_thread_ident();

	abstract long PyInterpreterState_ThreadHead(long interp);

	abstract long PyThreadState_Next(long tstate);

	abstract void Py_EndInterpreter(long tstate);

	abstract PyStatus.ByValue Py_NewInterpreterFromConfig(long[] tstateOut, Pointer config);

	// Reference counting and constants

	abstract void Py_IncRef(long object);

	abstract void Py_DecRef(long object);

	abstract long Py_GetConstantBorrowed(int constant);

	// Numbers, strings, bytes

	abstract long PyLong_FromLongLong(long value);

	abstract long PyLong_AsLongLong(long object);

	abstract long PyLong_FromString(byte[] text, long end, int base);

	abstract long PyBool_FromLong(long value);

	abstract long PyFloat_FromDouble(double value);

	abstract double PyFloat_AsDouble(long object);

	abstract long PyUnicode_FromStringAndSize(byte[] utf8, long size);

	abstract long PyUnicode_AsUTF8AndSize(long object, long size);

	abstract long PyBytes_FromStringAndSize(byte @Nullable [] bytes, long size);

	abstract long PyBytes_AsString(long object);

	abstract long PyBytes_Size(long object);

	// Containers

	abstract long PyList_New(long size);

	abstract int PyList_SetItem(long list, long index, long item);

	abstract long PyList_GetItem(long list, long index);

	abstract long PyList_Size(long list);

	abstract long PyTuple_GetItem(long tuple, long index);

	abstract long PyTuple_Size(long tuple);

	abstract long PyDict_New();

	abstract int PyDict_SetItem(long dict, long key, long value);

	abstract int PyDict_SetItemString(long dict, byte[] key, long value);

	abstract int PyDict_GetItemStringRef(long dict, byte[] key, long[] result);

	abstract int PyDict_Next(long dict, long position, long key, long value);

	abstract long PyDict_Size(long dict);

	abstract long PySet_New(long iterable);

	abstract int PySet_Add(long set, long key);

	abstract long PyObject_GetIter(long object);

	abstract long PyIter_Next(long iterator);

	// Objects and types

	abstract long PyType_GetFlags(long type);

	abstract int PyType_IsSubtype(long type, long base);

	abstract long PyObject_Str(long object);

	abstract long PyObject_GetAttrString(long object, byte[] name);

	abstract long PyObject_Vectorcall(long callable, long args, long nargsf, long kwnames);

	abstract long PyObject_CallOneArg(long callable, long arg);

	abstract int PyObject_IsInstance(long object, long type);

	// Buffer protocol (buffer.html): Py_buffer is 80 bytes, the same layout in 3.13 and 3.14 (pybuffer.h)

	abstract int PyObject_GetBuffer(long exporter, long view, int flags);

	abstract void PyBuffer_Release(long view);

	abstract int PyBuffer_IsContiguous(long view, byte order);

	abstract long PyByteArray_FromStringAndSize(long string, long size);

	abstract long PyByteArray_AsString(long bytearray);

	abstract long PyMemoryView_FromObject(long object);

	// Modules and code

	abstract long PyImport_ImportModule(byte[] name);

	abstract long PyImport_AddModuleRef(byte[] name);

	abstract long PyModule_GetDict(long module);

	abstract long Py_CompileStringExFlags(byte[] code, byte[] filename, int start, @Nullable Pointer flags, int optimize);

	abstract long PyEval_EvalCode(long code, long globals, long locals);

	// Errors

	abstract long PyErr_GetRaisedException();

	abstract void PyErr_SetRaisedException(long exception);

	abstract long PyErr_Occurred();

	abstract void PyErr_Clear();

	abstract int PyErr_GivenExceptionMatches(long given, long exception);

	abstract long PyException_GetCause(long exception);

	abstract long PyException_GetContext(long exception);

	// Added for safe conversion (issue 8)

	abstract long PyList_AsTuple(long list);

	abstract long PyDict_Copy(long dict);

	abstract long PyLong_AsNativeBytes(long object, byte @Nullable [] buffer, long size, int flags);

	abstract long PyUnicode_GetLength(long object);

	abstract long PyUnicode_AsUCS4(long object, int[] buffer, long size, int copyNull);

	abstract long PyUnicode_FromKindAndData(int kind, int[] buffer, long size);

	// Added for bulk conversion (issue 11)

	abstract long PyMarshal_WriteObjectToString(long object, int version);

	abstract long PyMarshal_ReadObjectFromString(long data, long size);

	abstract int Py_GetRecursionLimit();

	abstract void Py_SetRecursionLimit(int limit);

	abstract long PyUnicode_New(long size, int maxchar);

}
