package dev.embedpython.convert;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.embedpython.PythonConversionException;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.PythonErrors;
import dev.embedpython.capi.Scratch;
import org.jspecify.annotations.Nullable;

/**
 * Converts values between Java and Python, recursively, by value.
 * <p>
 * Containers of exact built-in types take the bulk path ({@link MarshalTransfer}: a constant number of native calls
 * for the whole container); everything it does not carry — subclasses, objects with behaviour of their own, Java
 * arrays inside collections — takes the per-object path below, with the results and errors it always had. Strings
 * cross in CPython's own representation ({@link StringObjects}), primitive arrays and buffers in one copy
 * ({@link BufferArrays}).
 * <p>
 * Thread contract: stateless apart from immutable addresses and per-thread buffers; call with an attached thread
 * state of the interpreter that owns (or will own) the objects. Every {@code PyObject*} it creates is either
 * returned as a new reference or released before it returns, also on failure.
 */
public final class ValueConverter {

	/** Which path converts a container. */
	enum ContainerPath {

		/** Bulk from {@link #BULK_MIN_TO_JAVA} or {@link #BULK_MIN_TO_PYTHON} items (any Python set). */
		AUTO,

		/** Never bulk: the per-object path for everything (tests compare both paths). */
		PER_OBJECT,

		/** Bulk for every container it may carry, whatever its size; per object for what it does not carry. */
		BULK,

		/** As {@link #BULK}, but a container the bulk path does not carry is an error (tests prove coverage). */
		BULK_ONLY

	}

	/**
	 * The path containers take; {@link ContainerPath#AUTO} except in tests. A JVM-wide switch, because the runtime is
	 * JVM-wide.
	 */
	static volatile ContainerPath containerPath = ContainerPath.AUTO;

	/**
	 * The smallest Python container the bulk path converts in {@link ContainerPath#AUTO}: it costs about seven native
	 * calls whatever the size, the per-object path one to three per item; measured, the bulk path is ahead from three
	 * or four items.
	 */
	static final int BULK_MIN_TO_JAVA = 4;

	/**
	 * The smallest Java collection or map the bulk path converts in {@link ContainerPath#AUTO}: two native calls
	 * whatever the size; measured, it is ahead from two items.
	 */
	static final int BULK_MIN_TO_PYTHON = 2;

	private static final int MAX_DEPTH = 256;

	/** The largest Java array the JVM reliably allocates. */
	private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

	/** What {@link #toJavaScalar} returns for an object whose conversion might run Python code. */
	private static final Object NOT_SCALAR = new Object();

	private static final byte[] QUALNAME = PythonErrors.cstring("__qualname__");

	private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);

	private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

	private final PyTypes types;

	/**
	 * Create a converter for one runtime.
	 * @param types the runtime's static object addresses
	 */
	public ValueConverter(PyTypes types) {
		this.types = types;
	}

	// Java -> Python

	/**
	 * Convert a Java value to a new Python reference.
	 * @param value the value
	 * @return a new reference
	 * @throws PythonConversionException for unsupported classes
	 */
	public long toPython(@Nullable Object value) {
		return toPython(value, 0);
	}

	/**
	 * A collection or map in bulk, if the path allows it and the bulk path carries it.
	 * @return a new reference, or 0 for the per-object path
	 */
	private static long toPythonInBulk(Object container) {
		ContainerPath path = containerPath;
		if (path == ContainerPath.PER_OBJECT || (path == ContainerPath.AUTO && size(container) < BULK_MIN_TO_PYTHON)) {
			return 0;
		}
		long object = MarshalTransfer.toPython(container);
		if (object == 0 && path == ContainerPath.BULK_ONLY) {
			throw new IllegalStateException("The bulk path did not carry a Java " + container.getClass().getName());
		}
		return object;
	}

	private static int size(Object container) {
		return (container instanceof Map<?, ?> map) ? map.size() : ((Collection<?>) container).size();
	}

	private long toPython(@Nullable Object value, int depth) {
		if (depth > MAX_DEPTH) {
			throw new PythonConversionException(
					"Java value nested deeper than " + MAX_DEPTH + " levels (a cyclic collection?)");
		}
		if (value == null) {
			return this.types.none();
		}
		if (value instanceof String string) {
			return StringObjects.toPython(string);
		}
		if (value instanceof Boolean bool) {
			// Immortal (3.12+): a "new reference" needs no increment.
			return bool ? this.types.trueObject() : this.types.falseObject();
		}
		if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
			long number = ((Number) value).longValue();
			if (number >= PyTypes.SMALL_INT_MIN && number <= PyTypes.SMALL_INT_MAX) {
				return this.types.smallInts()[(int) number - PyTypes.SMALL_INT_MIN];
			}
			return PythonErrors.check(CPython.PyLong_FromLongLong(number));
		}
		if (value instanceof Double || value instanceof Float) {
			return PythonErrors.check(CPython.PyFloat_FromDouble(((Number) value).doubleValue()));
		}
		if (value instanceof BigInteger big) {
			if (big.bitLength() < 64) {
				return PythonErrors.check(CPython.PyLong_FromLongLong(big.longValue()));
			}
			return PythonErrors.check(CPython.PyLong_FromString(PythonErrors.cstring(big.toString(16)), 0, 16));
		}
		if (value instanceof byte[] bytes) {
			return BufferArrays.toPythonBytes(bytes);
		}
		if (depth == 0 && (value instanceof List<?> || value instanceof Map<?, ?> || value instanceof Set<?>)) {
			// Only at the top (after the scalars: an interface check that fails costs more than a class check).
			long object = toPythonInBulk(value);
			if (object != 0) {
				return object;
			}
		}
		if (value instanceof List<?> list) {
			// One consistent copy: a list whose iteration yields fewer items than size() said (changed by another
			// thread, or a custom List) would leave NULL items, which crash the first Python code that reads them.
			Object[] items = list.toArray();
			long result = PythonErrors.check(CPython.PyList_New(items.length));
			try {
				for (int i = 0; i < items.length; i++) {
					// PyList_SetItem steals the item's reference, also on failure
					PythonErrors.check(CPython.PyList_SetItem(result, i, toPython(items[i], depth + 1)));
				}
				return result;
			}
			catch (RuntimeException ex) {
				CPython.Py_DecRef(result);
				throw ex;
			}
		}
		if (value instanceof Map<?, ?> map) {
			long result = PythonErrors.check(CPython.PyDict_New());
			try {
				for (Map.Entry<?, ?> entry : map.entrySet()) {
					long key = toPython(entry.getKey(), depth + 1);
					try {
						long item = toPython(entry.getValue(), depth + 1);
						try {
							PythonErrors.check(CPython.PyDict_SetItem(result, key, item));
						}
						finally {
							CPython.Py_DecRef(item);
						}
					}
					finally {
						CPython.Py_DecRef(key);
					}
				}
				return result;
			}
			catch (RuntimeException ex) {
				CPython.Py_DecRef(result);
				throw ex;
			}
		}
		if (value instanceof Set<?> set) {
			long result = PythonErrors.check(CPython.PySet_New(0));
			try {
				for (Object item : set) {
					long key = toPython(item, depth + 1);
					try {
						PythonErrors.check(CPython.PySet_Add(result, key));
					}
					finally {
						CPython.Py_DecRef(key);
					}
				}
				return result;
			}
			catch (RuntimeException ex) {
				CPython.Py_DecRef(result);
				throw ex;
			}
		}
		if (BufferArrays.isPrimitiveArray(value)) {
			return BufferArrays.toPython(value);
		}
		throw new PythonConversionException("Cannot convert Java " + value.getClass().getName()
				+ " to Python: supported are null, Boolean, Integer, Long, Short, Byte, BigInteger, Double, Float, "
				+ "String, byte[], double[], float[], long[], int[], short[], ByteBuffer, List, Map and Set");
	}

	/**
	 * Release a reference this converter returned or a call produced, skipping immortal objects.
	 * @param object the object, 0 for none
	 */
	public void release(long object) {
		if (object != 0 && !this.types.isImmortal(object)) {
			CPython.Py_DecRef(object);
		}
	}

	// Python -> Java

	/**
	 * Convert a Python object (borrowed) to a Java value.
	 * @param object the object
	 * @return the value
	 * @throws PythonConversionException naming the Python type for unsupported objects
	 */
	public @Nullable Object toJava(long object) {
		return toJava(object, 0, true);
	}

	/**
	 * Convert a Python object (borrowed) to a Java value of the requested type: the one entry the interpreter layer
	 * uses. Primitive-array targets read any object exporting a contiguous buffer in one copy; everything else
	 * converts by kind and is then coerced.
	 * @param <T> the requested type
	 * @param object the object
	 * @param type the requested type ({@code Object.class} for the natural mapping)
	 * @return the value
	 * @throws PythonConversionException if the object cannot become a {@code T}
	 */
	@SuppressWarnings("unchecked")
	public <T> @Nullable T toJava(long object, Class<T> type) {
		if (BufferArrays.isTarget(type) && object != this.types.none()) {
			return (T) BufferArrays.toJava(object, type);
		}
		return coerce(toJava(object), type);
	}

	/**
	 * @param bulk whether the bulk path may convert this object's containers: not below a container it already
	 * declined, so that no object is serialized twice
	 */
	private @Nullable Object toJava(long object, int depth, boolean bulk) {
		if (depth > MAX_DEPTH) {
			throw new PythonConversionException(
					"Python value nested deeper than " + MAX_DEPTH + " levels (a self-referencing container?)");
		}
		Object scalar = toJavaScalar(object);
		if (scalar != NOT_SCALAR) {
			return scalar;
		}
		// Exact built-in containers by pointer first; subclasses by the type's flags.
		long type = CPython.typeOf(object);
		boolean tryBulk = bulk && takesBulkPath(object, type);
		if (tryBulk) {
			Object value = MarshalTransfer.toJava(object, depth);
			if (value != MarshalReader.NOT_CARRIED) {
				return value;
			}
			if (containerPath == ContainerPath.BULK_ONLY) {
				throw new IllegalStateException("The bulk path did not carry a Python " + pythonTypeName(type));
			}
		}
		boolean childBulk = bulk && !tryBulk;
		if (type == this.types.dictType()) {
			return toJavaMap(object, depth, childBulk);
		}
		if (type == this.types.listType()) {
			return toJavaList(object, depth, childBulk);
		}
		if (type == this.types.tupleType()) {
			return toJavaTuple(object, depth, childBulk);
		}
		long flags = CPython.PyType_GetFlags(type);
		if ((flags & CPython.TPFLAGS_UNICODE_SUBCLASS) != 0) {
			return StringObjects.toJava(object);
		}
		if ((flags & CPython.TPFLAGS_LONG_SUBCLASS) != 0) {
			return toJavaInteger(object);
		}
		if ((flags & CPython.TPFLAGS_BYTES_SUBCLASS) != 0) {
			return toJavaBytes(object);
		}
		if ((flags & CPython.TPFLAGS_LIST_SUBCLASS) != 0) {
			return toJavaList(object, depth, childBulk);
		}
		if ((flags & CPython.TPFLAGS_TUPLE_SUBCLASS) != 0) {
			return toJavaTuple(object, depth, childBulk);
		}
		if ((flags & CPython.TPFLAGS_DICT_SUBCLASS) != 0) {
			return toJavaMap(object, depth, childBulk);
		}
		if (CPython.PyType_IsSubtype(type, this.types.setType()) == 1
				|| CPython.PyType_IsSubtype(type, this.types.frozenSetType()) == 1) {
			Set<@Nullable Object> set = new LinkedHashSet<>();
			long iterator = PythonErrors.check(CPython.PyObject_GetIter(object));
			try {
				for (long item; (item = CPython.PyIter_Next(iterator)) != 0;) {
					try {
						set.add(toJava(item, depth + 1, childBulk));
					}
					finally {
						CPython.Py_DecRef(item);
					}
				}
				if (CPython.PyErr_Occurred() != 0) {
					throw PythonErrors.raised();
				}
			}
			finally {
				CPython.Py_DecRef(iterator);
			}
			return set;
		}
		throw new PythonConversionException("Cannot convert Python " + pythonTypeName(type) + " to Java: supported are "
				+ "None, bool, int, float, str, bytes, list, tuple, dict, set and frozenset");
	}

	/**
	 * Whether an exact built-in container goes to {@link MarshalTransfer}: by size, since below a few items the
	 * per-object path makes fewer native calls. Sizes are read as {@code PyList_GET_SIZE} and
	 * {@code PyDict_GET_SIZE} read them; sets always qualify (per object, each item costs an iterator step).
	 */
	private boolean takesBulkPath(long object, long type) {
		ContainerPath path = containerPath;
		if (path == ContainerPath.PER_OBJECT) {
			return false;
		}
		boolean sized = type == this.types.listType() || type == this.types.tupleType()
				|| type == this.types.dictType();
		if (!sized) {
			return type == this.types.setType() || type == this.types.frozenSetType();
		}
		if (path != ContainerPath.AUTO) {
			return true;
		}
		long size = ObjectLayout.verified() ? CPython.getLong(object + ObjectLayout.SIZE)
				: (type == this.types.dictType()) ? CPython.PyDict_Size(object)
						: (type == this.types.listType()) ? CPython.PyList_Size(object) : CPython.PyTuple_Size(object);
		return size >= BULK_MIN_TO_JAVA;
	}

	private static byte[] toJavaBytes(long object) {
		long size = CPython.PyBytes_Size(object);
		if (size > MAX_ARRAY) {
			throw new PythonConversionException("Python bytes of " + size + " bytes is too large for a Java byte[]");
		}
		long data = PythonErrors.check(CPython.PyBytes_AsString(object));
		return (size == 0) ? new byte[0] : CPython.read(data, size);
	}

	// Converting an element can run Python code: a set subclass's __iter__, a destructor when a reference is
	// released, a dict subclass's keys(). That code can change or free anything reachable from Python, so no borrowed
	// pointer into a list or dict that Python code can reach is held across the conversion of such an element: it and
	// the rest are converted from a snapshot that only this converter references. Scalars (None, bool and the exact
	// int, float, str and bytes) convert without running Python code, so a list is read in place up to its first
	// other item (a dict is always copied, see toJavaMap). A tuple cannot change; its elements are kept alive by the
	// tuple, and the tuple by its owner (the caller, or the snapshot of its parent). The bulk path runs no Python
	// code either (see MarshalTransfer), but it is only tried from a snapshot like any other non-scalar item.

	/**
	 * Convert an object whose conversion cannot run Python code.
	 * @param object the object
	 * @return the value, or {@link #NOT_SCALAR} if converting it might run Python code
	 */
	private @Nullable Object toJavaScalar(long object) {
		if (object == this.types.none()) {
			return null;
		}
		if (object == this.types.trueObject()) {
			return Boolean.TRUE;
		}
		if (object == this.types.falseObject()) {
			return Boolean.FALSE;
		}
		int smallInt = this.types.smallIntIndex(object);
		if (smallInt >= 0) {
			return (long) (smallInt + PyTypes.SMALL_INT_MIN);
		}
		long type = CPython.typeOf(object);
		if (type == this.types.longType()) {
			return toJavaInteger(object);
		}
		if (type == this.types.unicodeType()) {
			return StringObjects.toJava(object);
		}
		if (type == this.types.floatType()) {
			return CPython.PyFloat_AsDouble(object);
		}
		if (type == this.types.bytesType()) {
			return toJavaBytes(object);
		}
		return NOT_SCALAR;
	}

	private List<@Nullable Object> toJavaList(long object, int depth, boolean bulk) {
		long size = CPython.PyList_Size(object);
		List<@Nullable Object> list = new ArrayList<>((int) size);
		for (long i = 0; i < size; i++) {
			Object scalar = toJavaScalar(CPython.PyList_GetItem(object, i));
			if (scalar == NOT_SCALAR) {
				// Nothing ran yet, so the list is as it was: PyList_AsTuple copies the items of a list or list
				// subclass without calling it.
				long snapshot = PythonErrors.check(CPython.PyList_AsTuple(object));
				try {
					toJavaItems(snapshot, i, list, depth, bulk);
				}
				finally {
					CPython.Py_DecRef(snapshot);
				}
				return list;
			}
			list.add(scalar);
		}
		return list;
	}

	private List<@Nullable Object> toJavaTuple(long object, int depth, boolean bulk) {
		List<@Nullable Object> list = new ArrayList<>((int) CPython.PyTuple_Size(object));
		toJavaItems(object, 0, list, depth, bulk);
		return Collections.unmodifiableList(list);
	}

	private void toJavaItems(long tuple, long from, List<@Nullable Object> list, int depth, boolean bulk) {
		long size = CPython.PyTuple_Size(tuple);
		for (long i = from; i < size; i++) {
			list.add(toJava(CPython.PyTuple_GetItem(tuple, i), depth + 1, bulk));
		}
	}

	private Map<@Nullable Object, @Nullable Object> toJavaMap(long object, int depth, boolean bulk) {
		// Always a snapshot: resuming a copy where an in-place walk stopped costs more than copying up front.
		// PyDict_Copy copies a dict (or a subclass that keeps dict's iteration) without running Python code; a
		// subclass with its own __iter__ (OrderedDict) is copied through its keys(), in its own order.
		long snapshot = PythonErrors.check(CPython.PyDict_Copy(object));
		try {
			Map<@Nullable Object, @Nullable Object> map = new LinkedHashMap<>();
			if (depth < Scratch.LEVELS) {
				toJavaEntries(snapshot, map, depth, bulk);
			}
			else {
				toJavaEntriesDeep(snapshot, map, depth, bulk);
			}
			return map;
		}
		finally {
			CPython.Py_DecRef(snapshot);
		}
	}

	private void toJavaEntries(long dict, Map<@Nullable Object, @Nullable Object> map, int depth, boolean bulk) {
		// Position, key and value live in this nesting level's native slot (nested dicts use deeper slots).
		Scratch scratch = Scratch.get();
		int level = depth;
		scratch.write(level, 0, 0);
		while (CPython.PyDict_Next(dict, scratch.slot(level, 0), scratch.slot(level, 1), scratch.slot(level, 2)) != 0) {
			long key = scratch.read(level, 1);
			long value = scratch.read(level, 2);
			map.put(toJava(key, depth + 1, bulk), toJava(value, depth + 1, bulk));
		}
	}

	private void toJavaEntriesDeep(long dict, Map<@Nullable Object, @Nullable Object> map, int depth, boolean bulk) {
		try (com.sun.jna.Memory words = new com.sun.jna.Memory(24)) {
			words.clear();
			long base = com.sun.jna.Pointer.nativeValue(words);
			while (CPython.PyDict_Next(dict, base, base + 8, base + 16) != 0) {
				map.put(toJava(words.getLong(8), depth + 1, bulk), toJava(words.getLong(16), depth + 1, bulk));
			}
		}
	}

	private static Object toJavaInteger(long object) {
		long value = CPython.PyLong_AsLongLong(object);
		if (value != -1 || CPython.PyErr_Occurred() == 0) {
			return value;
		}
		// OverflowError: copy the exact two's complement bytes. PyLong_AsNativeBytes reads an int or int subclass
		// directly (no __index__, __int__ or __str__, no int_max_str_digits limit); size 0 asks for the size.
		CPython.PyErr_Clear();
		long size = CPython.PyLong_AsNativeBytes(object, null, 0, CPython.ASNATIVEBYTES_BIG_ENDIAN);
		if (size < 0) {
			throw PythonErrors.raised();
		}
		if (size > MAX_ARRAY) {
			throw new PythonConversionException("Python int of " + size + " bytes is too large for a Java BigInteger");
		}
		byte[] bytes = new byte[(int) size];
		if (CPython.PyLong_AsNativeBytes(object, bytes, size, CPython.ASNATIVEBYTES_BIG_ENDIAN) < 0) {
			throw PythonErrors.raised();
		}
		return new BigInteger(bytes);
	}

	static String pythonTypeName(long type) {
		// A metaclass's __getattribute__ may reassign the object's __class__: own the type while reading it.
		CPython.Py_IncRef(type);
		try {
			String name = PythonErrors.stringAttribute(type, QUALNAME);
			return (name != null) ? "'" + name + "'" : "object";
		}
		finally {
			CPython.Py_DecRef(type);
		}
	}

	// Java -> Java (the requested result type)

	/**
	 * Narrow a converted value to the type the caller asked for.
	 * @param <T> the type
	 * @param value a value produced by {@link #toJava(long)}
	 * @param type the requested type
	 * @return the value as {@code T}
	 * @throws PythonConversionException if it does not fit
	 */
	@SuppressWarnings("unchecked")
	static <T> @Nullable T coerce(@Nullable Object value, Class<T> type) {
		if (value == null) {
			if (type.isPrimitive()) {
				throw new PythonConversionException("Python None cannot be converted to " + type.getName());
			}
			return null;
		}
		Class<?> boxed = box(type);
		if (boxed.isInstance(value)) {
			return (T) value;
		}
		Object result = null;
		if (value instanceof Long || value instanceof BigInteger) {
			BigInteger big = (value instanceof Long l) ? BigInteger.valueOf(l) : (BigInteger) value;
			if (boxed == Long.class && big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0) {
				result = big.longValue();
			}
			else if (boxed == Integer.class && big.bitLength() < 32) {
				result = big.intValue();
			}
			else if (boxed == Short.class && big.bitLength() < 16) {
				result = big.shortValue();
			}
			else if (boxed == Byte.class && big.bitLength() < 8) {
				result = big.byteValue();
			}
			else if (boxed == BigInteger.class) {
				result = big;
			}
			else if (boxed == Double.class) {
				result = big.doubleValue();
			}
			else if (boxed == Float.class) {
				result = big.floatValue();
			}
			if (result == null && (boxed == Long.class || boxed == Integer.class || boxed == Short.class
					|| boxed == Byte.class)) {
				throw new PythonConversionException(
						"Python int " + big + " does not fit in " + type.getName());
			}
		}
		else if (value instanceof Double d && boxed == Float.class) {
			result = d.floatValue();
		}
		else if (value instanceof List<?> list && (boxed == Collection.class || boxed == Iterable.class)) {
			result = list;
		}
		if (result == null) {
			throw new PythonConversionException("Python " + pythonName(value) + " cannot be converted to "
					+ type.getName());
		}
		return (T) result;
	}

	private static Class<?> box(Class<?> type) {
		if (!type.isPrimitive()) {
			return type;
		}
		if (type == long.class) {
			return Long.class;
		}
		if (type == int.class) {
			return Integer.class;
		}
		if (type == double.class) {
			return Double.class;
		}
		if (type == boolean.class) {
			return Boolean.class;
		}
		if (type == float.class) {
			return Float.class;
		}
		if (type == short.class) {
			return Short.class;
		}
		if (type == byte.class) {
			return Byte.class;
		}
		return type;
	}

	private static String pythonName(Object value) {
		if (value instanceof Boolean) {
			return "bool";
		}
		if (value instanceof Long || value instanceof BigInteger) {
			return "int";
		}
		if (value instanceof Double) {
			return "float";
		}
		if (value instanceof String) {
			return "str";
		}
		if (value instanceof byte[]) {
			return "bytes";
		}
		if (value instanceof List) {
			return "list";
		}
		if (value instanceof Map) {
			return "dict";
		}
		if (value instanceof Set) {
			return "set";
		}
		return value.getClass().getSimpleName();
	}

}
