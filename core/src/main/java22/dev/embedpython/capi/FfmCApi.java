package dev.embedpython.capi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

/**
 * The binding through {@code java.lang.foreign} (JDK 22+): one downcall handle per function, each a
 * {@code static final} constant so that the JIT compiles a call to a direct native call. Shipped in the jar's
 * {@code META-INF/versions/22} and chosen by {@link CPython#bindFfm}; never loaded on older JDKs.
 * <p>
 * Every function's C signature is derived from its {@link CApi} declaration: {@code long}, {@code int},
 * {@code double}, {@code byte} as themselves; pointers, arrays and {@link Pointer} as a 64-bit integer (the
 * {@code PyObject*} addresses the engine handles as {@code long}; an {@code ADDRESS} and a {@code JAVA_LONG} are
 * passed alike on LP64 Linux); {@link PyStatus} by value as its struct. Java arrays are copied into per-thread
 * native memory ({@link Arguments}) and back for out-parameters: no heap segment, so no function needs
 * {@code Linker.Option.critical(true)} for its arguments. Passing the {@code byte[]} of a string in place that way
 * measured ~20 % faster for a 7-item dict to Python, but {@code PyUnicode_FromStringAndSize} is not a safe critical
 * call: invalid UTF-8 calls the codec error handler looked up by name in the interpreter's registry (which
 * {@code codecs.register_error} fills), and a long text would hold off every safepoint while it is decoded.
 * <p>
 * {@code Linker.Option.critical(false)} (no thread-state transition, no safepoint while in C) is used only for
 * functions that cannot block, cannot run Python code (no {@code __del__}, {@code __index__}, {@code __hash__},
 * {@code __eq__}, warnings or imports) and do bounded work; the reason is written next to each. Never for
 * {@code PyEval_RestoreThread}/{@code PyEval_SaveThread} (they wait for or hand over a GIL), {@code Py_DecRef}
 * and {@code PyErr_Clear} (a freed object's {@code __del__} runs), {@code PyLong_AsLongLong} and
 * {@code PyFloat_AsDouble} ({@code __index__}/{@code __float__} of a non-exact number), the setters of containers
 * (hashing, comparing, the freed previous item) or anything that calls, imports, compiles or evaluates.
 * <p>
 * Thread contract: stateless apart from each thread's own {@link Arguments}; the C API's rules apply.
 */
final class FfmCApi extends CApi {

	private static final Linker LINKER = Linker.nativeLinker();

	/** Addresses of libpython's symbols, resolved through the library {@link CPython#bindFfm} was given. */
	private static final ToLongFunction<String> SYMBOLS = CPython.symbolsForFfm();

	/** The whole address space: reads and writes at a native address the C API gave or expects. */
	@SuppressWarnings("restricted")
	private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

	/** Up to this many words, {@link #putLongs} stores them one by one. */
	private static final int SHORT_VECTOR = 16;

	/** {@code PyStatus}: {@code int _type; const char *func; const char *err_msg; int exitcode;}. */
	private static final StructLayout PY_STATUS = MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("_type"),
			MemoryLayout.paddingLayout(4), ValueLayout.JAVA_LONG.withName("func"),
			ValueLayout.JAVA_LONG.withName("err_msg"), ValueLayout.JAVA_INT.withName("exitcode"),
			MemoryLayout.paddingLayout(4));

	FfmCApi() {
	}

	@SuppressWarnings("restricted")
	private static MethodHandle downcall(String name) {
		return LINKER.downcallHandle(symbol(name), descriptor(name));
	}

	@SuppressWarnings("restricted")
	private static MethodHandle critical(String name) {
		return LINKER.downcallHandle(symbol(name), descriptor(name), Linker.Option.critical(false));
	}

	private static MemorySegment symbol(String name) {
		return MemorySegment.ofAddress(SYMBOLS.applyAsLong(name));
	}

	/** The C signature of a function, from its {@link CApi} declaration (C has no overloads: one per name). */
	private static FunctionDescriptor descriptor(String name) {
		for (Method method : CApi.class.getDeclaredMethods()) {
			if (method.getName().equals(name)) {
				List<MemoryLayout> arguments = new ArrayList<>();
				for (Class<?> type : method.getParameterTypes()) {
					arguments.add(layout(type));
				}
				MemoryLayout[] layouts = arguments.toArray(new MemoryLayout[0]);
				return (method.getReturnType() == void.class) ? FunctionDescriptor.ofVoid(layouts)
						: FunctionDescriptor.of(layout(method.getReturnType()), layouts);
			}
		}
		throw new IllegalStateException("No CApi declaration for " + name);
	}

	private static MemoryLayout layout(Class<?> type) {
		if (type == int.class) {
			return ValueLayout.JAVA_INT;
		}
		if (type == double.class) {
			return ValueLayout.JAVA_DOUBLE;
		}
		if (type == byte.class) {
			return ValueLayout.JAVA_BYTE;
		}
		if (PyStatus.class.isAssignableFrom(type)) {
			return PY_STATUS;
		}
		if (type == long.class || type.isArray() || type == Pointer.class) {
			return ValueLayout.JAVA_LONG;
		}
		throw new IllegalStateException("No C layout for " + type);
	}

	private static RuntimeException unchecked(Throwable ex) {
		if (ex instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (ex instanceof Error error) {
			throw error;
		}
		// A downcall throws nothing checked; invokeExact only declares Throwable.
		return new IllegalStateException(ex);
	}

	private static @Nullable Pointer pointer(long address) {
		return (address != 0) ? new Pointer(address) : null;
	}

	// Memory at native addresses: plain loads and stores, no call.

	@Override
	long getLong(long address) {
		return ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, address);
	}

	@Override
	void putLong(long address, long value) {
		ALL.set(ValueLayout.JAVA_LONG_UNALIGNED, address, value);
	}

	@Override
	void putLongs(long address, long[] values, int count) {
		if (count > SHORT_VECTOR) {
			MemorySegment.copy(values, 0, ALL, ValueLayout.JAVA_LONG_UNALIGNED, address, count);
			return;
		}
		// A call's few arguments: plain stores (~1.5 ns for two) beat the bulk copy's set-up (~20 ns).
		for (int i = 0; i < count; i++) {
			ALL.set(ValueLayout.JAVA_LONG_UNALIGNED, address + 8L * i, values[i]);
		}
	}

	@Override
	byte[] getBytes(long address, int length) {
		byte[] bytes = new byte[length];
		MemorySegment.copy(ALL, ValueLayout.JAVA_BYTE, address, bytes, 0, length);
		return bytes;
	}

	@Override
	int getInt(long address) {
		return ALL.get(ValueLayout.JAVA_INT_UNALIGNED, address);
	}

	@Override
	void copyToArray(long address, Object array, int index, int count) {
		MemorySegment.copy(ALL, elementLayout(array), address, array, index, count);
	}

	@Override
	void copyFromArray(Object array, int index, int count, long address) {
		MemorySegment.copy(array, index, ALL, elementLayout(array), address, count);
	}

	/** The layout of a primitive array's elements at a native address, in the machine's byte order. */
	private static ValueLayout elementLayout(Object array) {
		if (array instanceof byte[]) {
			return ValueLayout.JAVA_BYTE;
		}
		if (array instanceof char[]) {
			return ValueLayout.JAVA_CHAR_UNALIGNED;
		}
		if (array instanceof short[]) {
			return ValueLayout.JAVA_SHORT_UNALIGNED;
		}
		if (array instanceof int[]) {
			return ValueLayout.JAVA_INT_UNALIGNED;
		}
		if (array instanceof long[]) {
			return ValueLayout.JAVA_LONG_UNALIGNED;
		}
		if (array instanceof float[]) {
			return ValueLayout.JAVA_FLOAT_UNALIGNED;
		}
		if (array instanceof double[]) {
			return ValueLayout.JAVA_DOUBLE_UNALIGNED;
		}
		throw new IllegalArgumentException("not a primitive array: " + array.getClass().getName());
	}

	// Lifecycle and thread states (init.html)

	private static final MethodHandle Py_IsInitialized = downcall("Py_IsInitialized");

	@Override
	int Py_IsInitialized() {
		try {
			return (int) Py_IsInitialized.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle Py_FinalizeEx = downcall("Py_FinalizeEx");

	@Override
	int Py_FinalizeEx() {
		try {
			return (int) Py_FinalizeEx.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle Py_GetVersion = downcall("Py_GetVersion");

	@Override
	long Py_GetVersion() {
		try {
			return (long) Py_GetVersion.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyEval_SaveThread = downcall("PyEval_SaveThread");

	@Override
	long PyEval_SaveThread() {
		try {
			return (long) PyEval_SaveThread.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyEval_RestoreThread = downcall("PyEval_RestoreThread");

	@Override
	void PyEval_RestoreThread(long tstate) {
		try {
			PyEval_RestoreThread.invokeExact(tstate);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyThreadState_New = downcall("PyThreadState_New");

	@Override
	long PyThreadState_New(long interp) {
		try {
			return (long) PyThreadState_New.invokeExact(interp);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyThreadState_Clear = downcall("PyThreadState_Clear");

	@Override
	void PyThreadState_Clear(long tstate) {
		try {
			PyThreadState_Clear.invokeExact(tstate);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyThreadState_Delete = downcall("PyThreadState_Delete");

	@Override
	void PyThreadState_Delete(long tstate) {
		try {
			PyThreadState_Delete.invokeExact(tstate);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyThreadState_DeleteCurrent = downcall("PyThreadState_DeleteCurrent");

	@Override
	void PyThreadState_DeleteCurrent() {
		try {
			PyThreadState_DeleteCurrent.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: reads a C thread-local. */
	private static final MethodHandle PyThreadState_GetUnchecked = critical("PyThreadState_GetUnchecked");

	@Override
	long PyThreadState_GetUnchecked() {
		try {
			return (long) PyThreadState_GetUnchecked.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyThreadState_GetInterpreter = downcall("PyThreadState_GetInterpreter");

	@Override
	long PyThreadState_GetInterpreter(long tstate) {
		try {
			return (long) PyThreadState_GetInterpreter.invokeExact(tstate);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyInterpreterState_GetID = downcall("PyInterpreterState_GetID");

	@Override
	long PyInterpreterState_GetID(long interp) {
		try {
			return (long) PyInterpreterState_GetID.invokeExact(interp);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyInterpreterState_Main = downcall("PyInterpreterState_Main");

	@Override
	long PyInterpreterState_Main() {
		try {
			return (long) PyInterpreterState_Main.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyThreadState_SetAsyncExc = downcall("PyThreadState_SetAsyncExc");

	@Override
	int PyThreadState_SetAsyncExc(long threadId, long exception) {
		try {
			return (int) PyThreadState_SetAsyncExc.invokeExact(threadId, exception);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: pthread_self(). */
	private static final MethodHandle PyThread_get_thread_ident = critical("PyThread_get_thread_ident");

	@Override
	long PyThread_get_thread_ident() {
		try {
			return (long) PyThread_get_thread_ident.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyInterpreterState_ThreadHead = downcall("PyInterpreterState_ThreadHead");

	@Override
	long PyInterpreterState_ThreadHead(long interp) {
		try {
			return (long) PyInterpreterState_ThreadHead.invokeExact(interp);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyThreadState_Next = downcall("PyThreadState_Next");

	@Override
	long PyThreadState_Next(long tstate) {
		try {
			return (long) PyThreadState_Next.invokeExact(tstate);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle Py_EndInterpreter = downcall("Py_EndInterpreter");

	@Override
	void Py_EndInterpreter(long tstate) {
		try {
			Py_EndInterpreter.invokeExact(tstate);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle Py_NewInterpreterFromConfig = downcall("Py_NewInterpreterFromConfig");

	@Override
	PyStatus.ByValue Py_NewInterpreterFromConfig(long[] tstateOut, Pointer config) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
			MemorySegment status = (MemorySegment) Py_NewInterpreterFromConfig.invokeExact((SegmentAllocator) arena,
					out.address(), Pointer.nativeValue(config));
			tstateOut[0] = out.get(ValueLayout.JAVA_LONG, 0);
			PyStatus.ByValue result = new PyStatus.ByValue();
			result._type = status.get(ValueLayout.JAVA_INT, 0);
			result.func = pointer(status.get(ValueLayout.JAVA_LONG, 8));
			result.err_msg = pointer(status.get(ValueLayout.JAVA_LONG, 16));
			result.exitcode = status.get(ValueLayout.JAVA_INT, 24);
			return result;
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Reference counting and constants

	/** Critical: only increments a count: never frees, never runs code. */
	private static final MethodHandle Py_IncRef = critical("Py_IncRef");

	@Override
	void Py_IncRef(long object) {
		try {
			Py_IncRef.invokeExact(object);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle Py_DecRef = downcall("Py_DecRef");

	@Override
	void Py_DecRef(long object) {
		try {
			Py_DecRef.invokeExact(object);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: answers a static object. */
	private static final MethodHandle Py_GetConstantBorrowed = critical("Py_GetConstantBorrowed");

	@Override
	long Py_GetConstantBorrowed(int constant) {
		try {
			return (long) Py_GetConstantBorrowed.invokeExact(constant);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Numbers, strings, bytes

	/** Critical: a small int from the cache or a new int (ints are not GC-tracked: no collection). */
	private static final MethodHandle PyLong_FromLongLong = critical("PyLong_FromLongLong");

	@Override
	long PyLong_FromLongLong(long value) {
		try {
			return (long) PyLong_FromLongLong.invokeExact(value);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyLong_AsLongLong = downcall("PyLong_AsLongLong");

	@Override
	long PyLong_AsLongLong(long object) {
		try {
			return (long) PyLong_AsLongLong.invokeExact(object);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyLong_FromString = downcall("PyLong_FromString");

	@Override
	long PyLong_FromString(byte[] text, long end, int base) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			return (long) PyLong_FromString.invokeExact(arguments.in(text), end, base);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	/** Critical: answers Py_True or Py_False. */
	private static final MethodHandle PyBool_FromLong = critical("PyBool_FromLong");

	@Override
	long PyBool_FromLong(long value) {
		try {
			return (long) PyBool_FromLong.invokeExact(value);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: a new float from the free list or the allocator; floats are not GC-tracked. */
	private static final MethodHandle PyFloat_FromDouble = critical("PyFloat_FromDouble");

	@Override
	long PyFloat_FromDouble(double value) {
		try {
			return (long) PyFloat_FromDouble.invokeExact(value);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyFloat_AsDouble = downcall("PyFloat_AsDouble");

	@Override
	double PyFloat_AsDouble(long object) {
		try {
			return (double) PyFloat_AsDouble.invokeExact(object);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyUnicode_FromStringAndSize = downcall("PyUnicode_FromStringAndSize");

	@Override
	long PyUnicode_FromStringAndSize(byte[] utf8, long size) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			return (long) PyUnicode_FromStringAndSize.invokeExact(arguments.in(utf8), size);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	private static final MethodHandle PyUnicode_AsUTF8AndSize = downcall("PyUnicode_AsUTF8AndSize");

	@Override
	long PyUnicode_AsUTF8AndSize(long object, long size) {
		try {
			return (long) PyUnicode_AsUTF8AndSize.invokeExact(object, size);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyBytes_FromStringAndSize = downcall("PyBytes_FromStringAndSize");

	@Override
	long PyBytes_FromStringAndSize(byte @Nullable [] bytes, long size) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			return (long) PyBytes_FromStringAndSize.invokeExact(arguments.in(bytes), size);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	/** Critical: answers ob_sval; TypeError is made in C. */
	private static final MethodHandle PyBytes_AsString = critical("PyBytes_AsString");

	@Override
	long PyBytes_AsString(long object) {
		try {
			return (long) PyBytes_AsString.invokeExact(object);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: reads ob_size. */
	private static final MethodHandle PyBytes_Size = critical("PyBytes_Size");

	@Override
	long PyBytes_Size(long object) {
		try {
			return (long) PyBytes_Size.invokeExact(object);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Containers

	private static final MethodHandle PyList_New = downcall("PyList_New");

	@Override
	long PyList_New(long size) {
		try {
			return (long) PyList_New.invokeExact(size);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyList_SetItem = downcall("PyList_SetItem");

	@Override
	int PyList_SetItem(long list, long index, long item) {
		try {
			return (int) PyList_SetItem.invokeExact(list, index, item);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: bounds check and a borrowed item; IndexError/SystemError are made in C. */
	private static final MethodHandle PyList_GetItem = critical("PyList_GetItem");

	@Override
	long PyList_GetItem(long list, long index) {
		try {
			return (long) PyList_GetItem.invokeExact(list, index);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: reads ob_size. */
	private static final MethodHandle PyList_Size = critical("PyList_Size");

	@Override
	long PyList_Size(long list) {
		try {
			return (long) PyList_Size.invokeExact(list);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: bounds check and a borrowed item; IndexError/SystemError are made in C. */
	private static final MethodHandle PyTuple_GetItem = critical("PyTuple_GetItem");

	@Override
	long PyTuple_GetItem(long tuple, long index) {
		try {
			return (long) PyTuple_GetItem.invokeExact(tuple, index);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: reads ob_size; SystemError for a non-tuple is made in C. */
	private static final MethodHandle PyTuple_Size = critical("PyTuple_Size");

	@Override
	long PyTuple_Size(long tuple) {
		try {
			return (long) PyTuple_Size.invokeExact(tuple);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyDict_New = downcall("PyDict_New");

	@Override
	long PyDict_New() {
		try {
			return (long) PyDict_New.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyDict_SetItem = downcall("PyDict_SetItem");

	@Override
	int PyDict_SetItem(long dict, long key, long value) {
		try {
			return (int) PyDict_SetItem.invokeExact(dict, key, value);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyDict_SetItemString = downcall("PyDict_SetItemString");

	@Override
	int PyDict_SetItemString(long dict, byte[] key, long value) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			return (int) PyDict_SetItemString.invokeExact(dict, arguments.in(key), value);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	private static final MethodHandle PyDict_GetItemStringRef = downcall("PyDict_GetItemStringRef");

	@Override
	int PyDict_GetItemStringRef(long dict, byte[] key, long[] result) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			long out = arguments.out(8);
			int found = (int) PyDict_GetItemStringRef.invokeExact(dict, arguments.in(key), out);
			result[0] = ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, out);
			return found;
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	/** Critical: walks the entries of the dict storage (no __iter__), writes the native scratch slots. */
	private static final MethodHandle PyDict_Next = critical("PyDict_Next");

	@Override
	int PyDict_Next(long dict, long position, long key, long value) {
		try {
			return (int) PyDict_Next.invokeExact(dict, position, key, value);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: reads ma_used. */
	private static final MethodHandle PyDict_Size = critical("PyDict_Size");

	@Override
	long PyDict_Size(long dict) {
		try {
			return (long) PyDict_Size.invokeExact(dict);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PySet_New = downcall("PySet_New");

	@Override
	long PySet_New(long iterable) {
		try {
			return (long) PySet_New.invokeExact(iterable);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PySet_Add = downcall("PySet_Add");

	@Override
	int PySet_Add(long set, long key) {
		try {
			return (int) PySet_Add.invokeExact(set, key);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyObject_GetIter = downcall("PyObject_GetIter");

	@Override
	long PyObject_GetIter(long object) {
		try {
			return (long) PyObject_GetIter.invokeExact(object);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyIter_Next = downcall("PyIter_Next");

	@Override
	long PyIter_Next(long iterator) {
		try {
			return (long) PyIter_Next.invokeExact(iterator);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Objects and types

	/** Critical: reads tp_flags. */
	private static final MethodHandle PyType_GetFlags = critical("PyType_GetFlags");

	@Override
	long PyType_GetFlags(long type) {
		try {
			return (long) PyType_GetFlags.invokeExact(type);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: walks tp_mro (a tuple): no __subclasscheck__. */
	private static final MethodHandle PyType_IsSubtype = critical("PyType_IsSubtype");

	@Override
	int PyType_IsSubtype(long type, long base) {
		try {
			return (int) PyType_IsSubtype.invokeExact(type, base);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyObject_Str = downcall("PyObject_Str");

	@Override
	long PyObject_Str(long object) {
		try {
			return (long) PyObject_Str.invokeExact(object);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyObject_GetAttrString = downcall("PyObject_GetAttrString");

	@Override
	long PyObject_GetAttrString(long object, byte[] name) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			return (long) PyObject_GetAttrString.invokeExact(object, arguments.in(name));
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	private static final MethodHandle PyObject_Vectorcall = downcall("PyObject_Vectorcall");

	@Override
	long PyObject_Vectorcall(long callable, long args, long nargsf, long kwnames) {
		try {
			return (long) PyObject_Vectorcall.invokeExact(callable, args, nargsf, kwnames);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyObject_CallOneArg = downcall("PyObject_CallOneArg");

	@Override
	long PyObject_CallOneArg(long callable, long arg) {
		try {
			return (long) PyObject_CallOneArg.invokeExact(callable, arg);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyObject_IsInstance = downcall("PyObject_IsInstance");

	@Override
	int PyObject_IsInstance(long object, long type) {
		try {
			return (int) PyObject_IsInstance.invokeExact(object, type);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Buffer protocol (buffer.html): Py_buffer is 80 bytes, the same layout in 3.13 and 3.14 (pybuffer.h)

	private static final MethodHandle PyObject_GetBuffer = downcall("PyObject_GetBuffer");

	@Override
	int PyObject_GetBuffer(long exporter, long view, int flags) {
		try {
			return (int) PyObject_GetBuffer.invokeExact(exporter, view, flags);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyBuffer_Release = downcall("PyBuffer_Release");

	@Override
	void PyBuffer_Release(long view) {
		try {
			PyBuffer_Release.invokeExact(view);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyBuffer_IsContiguous = downcall("PyBuffer_IsContiguous");

	@Override
	int PyBuffer_IsContiguous(long view, byte order) {
		try {
			return (int) PyBuffer_IsContiguous.invokeExact(view, order);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyByteArray_FromStringAndSize = downcall("PyByteArray_FromStringAndSize");

	@Override
	long PyByteArray_FromStringAndSize(long string, long size) {
		try {
			return (long) PyByteArray_FromStringAndSize.invokeExact(string, size);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyByteArray_AsString = downcall("PyByteArray_AsString");

	@Override
	long PyByteArray_AsString(long bytearray) {
		try {
			return (long) PyByteArray_AsString.invokeExact(bytearray);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyMemoryView_FromObject = downcall("PyMemoryView_FromObject");

	@Override
	long PyMemoryView_FromObject(long object) {
		try {
			return (long) PyMemoryView_FromObject.invokeExact(object);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Modules and code

	private static final MethodHandle PyImport_ImportModule = downcall("PyImport_ImportModule");

	@Override
	long PyImport_ImportModule(byte[] name) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			return (long) PyImport_ImportModule.invokeExact(arguments.in(name));
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	private static final MethodHandle PyImport_AddModuleRef = downcall("PyImport_AddModuleRef");

	@Override
	long PyImport_AddModuleRef(byte[] name) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			return (long) PyImport_AddModuleRef.invokeExact(arguments.in(name));
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	private static final MethodHandle PyModule_GetDict = downcall("PyModule_GetDict");

	@Override
	long PyModule_GetDict(long module) {
		try {
			return (long) PyModule_GetDict.invokeExact(module);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle Py_CompileStringExFlags = downcall("Py_CompileStringExFlags");

	@Override
	long Py_CompileStringExFlags(byte[] code, byte[] filename, int start, @Nullable Pointer flags, int optimize) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			return (long) Py_CompileStringExFlags.invokeExact(arguments.in(code), arguments.in(filename), start,
					Pointer.nativeValue(flags), optimize);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	private static final MethodHandle PyEval_EvalCode = downcall("PyEval_EvalCode");

	@Override
	long PyEval_EvalCode(long code, long globals, long locals) {
		try {
			return (long) PyEval_EvalCode.invokeExact(code, globals, locals);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Errors

	private static final MethodHandle PyErr_GetRaisedException = downcall("PyErr_GetRaisedException");

	@Override
	long PyErr_GetRaisedException() {
		try {
			return (long) PyErr_GetRaisedException.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyErr_SetRaisedException = downcall("PyErr_SetRaisedException");

	@Override
	void PyErr_SetRaisedException(long exception) {
		try {
			PyErr_SetRaisedException.invokeExact(exception);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/** Critical: reads the thread state. */
	private static final MethodHandle PyErr_Occurred = critical("PyErr_Occurred");

	@Override
	long PyErr_Occurred() {
		try {
			return (long) PyErr_Occurred.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyErr_Clear = downcall("PyErr_Clear");

	@Override
	void PyErr_Clear() {
		try {
			PyErr_Clear.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyErr_GivenExceptionMatches = downcall("PyErr_GivenExceptionMatches");

	@Override
	int PyErr_GivenExceptionMatches(long given, long exception) {
		try {
			return (int) PyErr_GivenExceptionMatches.invokeExact(given, exception);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyException_GetCause = downcall("PyException_GetCause");

	@Override
	long PyException_GetCause(long exception) {
		try {
			return (long) PyException_GetCause.invokeExact(exception);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyException_GetContext = downcall("PyException_GetContext");

	@Override
	long PyException_GetContext(long exception) {
		try {
			return (long) PyException_GetContext.invokeExact(exception);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Added for safe conversion (issue 8)

	private static final MethodHandle PyList_AsTuple = downcall("PyList_AsTuple");

	@Override
	long PyList_AsTuple(long list) {
		try {
			return (long) PyList_AsTuple.invokeExact(list);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyDict_Copy = downcall("PyDict_Copy");

	@Override
	long PyDict_Copy(long dict) {
		try {
			return (long) PyDict_Copy.invokeExact(dict);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyLong_AsNativeBytes = downcall("PyLong_AsNativeBytes");

	@Override
	long PyLong_AsNativeBytes(long object, byte @Nullable [] buffer, long size, int flags) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			long out = (buffer != null) ? arguments.out(buffer.length) : 0;
			long result = (long) PyLong_AsNativeBytes.invokeExact(object, out, size, flags);
			if (buffer != null) {
				MemorySegment.copy(ALL, ValueLayout.JAVA_BYTE, out, buffer, 0, buffer.length);
			}
			return result;
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	/** Critical: reads the length. */
	private static final MethodHandle PyUnicode_GetLength = critical("PyUnicode_GetLength");

	@Override
	long PyUnicode_GetLength(long object) {
		try {
			return (long) PyUnicode_GetLength.invokeExact(object);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	private static final MethodHandle PyUnicode_AsUCS4 = downcall("PyUnicode_AsUCS4");

	@Override
	long PyUnicode_AsUCS4(long object, int[] buffer, long size, int copyNull) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			long out = arguments.out(4L * buffer.length);
			long result = (long) PyUnicode_AsUCS4.invokeExact(object, out, size, copyNull);
			MemorySegment.copy(ALL, ValueLayout.JAVA_INT_UNALIGNED, out, buffer, 0, buffer.length);
			return result;
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	private static final MethodHandle PyUnicode_FromKindAndData = downcall("PyUnicode_FromKindAndData");

	@Override
	long PyUnicode_FromKindAndData(int kind, int[] buffer, long size) {
		Arguments arguments = Arguments.get();
		long mark = arguments.mark();
		try {
			return (long) PyUnicode_FromKindAndData.invokeExact(kind, arguments.in(buffer), size);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
		finally {
			arguments.reset(mark);
		}
	}

	// Added for bulk conversion (issue 11)

	// Runs __buffer__ of a bytes-like object it meets and allocates the result: a regular downcall.
	private static final MethodHandle PyMarshal_WriteObjectToString = downcall("PyMarshal_WriteObjectToString");

	@Override
	long PyMarshal_WriteObjectToString(long object, int version) {
		try {
			return (long) PyMarshal_WriteObjectToString.invokeExact(object, version);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Builds a whole container (unbounded work, allocations that may start the cyclic GC): a regular downcall.
	private static final MethodHandle PyMarshal_ReadObjectFromString = downcall("PyMarshal_ReadObjectFromString");

	@Override
	long PyMarshal_ReadObjectFromString(long data, long size) {
		try {
			return (long) PyMarshal_ReadObjectFromString.invokeExact(data, size);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Critical: reads one field of the interpreter, runs nothing.
	private static final MethodHandle Py_GetRecursionLimit = critical("Py_GetRecursionLimit");

	@Override
	int Py_GetRecursionLimit() {
		try {
			return (int) Py_GetRecursionLimit.invokeExact();
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Takes the runtime's thread-state list lock to update every thread: may wait, so a regular downcall.
	private static final MethodHandle Py_SetRecursionLimit = downcall("Py_SetRecursionLimit");

	@Override
	void Py_SetRecursionLimit(int limit) {
		try {
			Py_SetRecursionLimit.invokeExact(limit);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	// Allocates up to the whole string's memory: a regular downcall, so a long allocation does not hold off
	// safepoints.
	private static final MethodHandle PyUnicode_New = downcall("PyUnicode_New");

	@Override
	long PyUnicode_New(long size, int maxchar) {
		try {
			return (long) PyUnicode_New.invokeExact(size, maxchar);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/**
	 * Per-thread native memory for the Java arrays a call passes: a bump allocator that the call resets when it
	 * returns, so a call allocates nothing and one nested inside another's arguments (there is none today: the
	 * engine has no upcalls) could not overwrite them. An argument that does not fit gets memory of its own, freed
	 * by the garbage collector once the call has returned (its Java array came from the heap too).
	 * <p>
	 * Thread contract: each thread uses only its own instance.
	 */
	private static final class Arguments {

		private static final long CAPACITY = 8192;

		private static final ThreadLocal<Arguments> CURRENT = ThreadLocal.withInitial(Arguments::new);

		private final MemorySegment buffer = Arena.ofAuto().allocate(CAPACITY, 8);

		private final long base = this.buffer.address();

		private long top;

		/** Memory of arguments that did not fit, kept reachable until the outermost call returns. */
		private @Nullable List<MemorySegment> spilled;

		static Arguments get() {
			return CURRENT.get();
		}

		long mark() {
			return this.top;
		}

		void reset(long mark) {
			this.top = mark;
			if (mark == 0 && this.spilled != null) {
				this.spilled = null;
			}
		}

		/** Room for {@code bytes} bytes, 8-aligned; its address. */
		long out(long bytes) {
			long size = (bytes + 7) & ~7L;
			if (size > CAPACITY - this.top) {
				MemorySegment own = Arena.ofAuto().allocate(Math.max(bytes, 1), 8);
				if (this.spilled == null) {
					this.spilled = new ArrayList<>();
				}
				this.spilled.add(own);
				return own.address();
			}
			long address = this.base + this.top;
			this.top += size;
			return address;
		}

		/** A copy of the array in native memory; {@code NULL} for {@code null}, as JNA passes it. */
		long in(byte @Nullable [] array) {
			if (array == null) {
				return 0;
			}
			long address = out(array.length);
			MemorySegment.copy(array, 0, ALL, ValueLayout.JAVA_BYTE, address, array.length);
			return address;
		}

		long in(int[] array) {
			long address = out(4L * array.length);
			MemorySegment.copy(array, 0, ALL, ValueLayout.JAVA_INT_UNALIGNED, address, array.length);
			return address;
		}

	}

}
