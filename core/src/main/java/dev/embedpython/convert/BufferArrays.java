package dev.embedpython.convert;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.embedpython.PythonConversionException;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.PythonErrors;
import dev.embedpython.capi.RaisedError;

/**
 * Java primitive arrays to and from any Python object that exports a buffer (the buffer protocol: numpy arrays,
 * {@code array.array}, {@code bytes}, {@code bytearray}, {@code memoryview}), in one copy and without numpy-specific
 * code.
 * <p>
 * Python to Java: a C-contiguous buffer whose element type matches the requested array converts to it —
 * {@code double[]} from 8-byte floats ({@code float64}), {@code float[]} from 4-byte floats, {@code long[]} from
 * 8-byte signed integers ({@code int64}), {@code int[]} from 4-byte signed integers, {@code short[]} from 2-byte
 * signed integers, {@code byte[]} from any 1-byte integers ({@code int8}, {@code uint8}, bytes). A 2-dimensional
 * buffer converts to the array of rows ({@code double[][]}: {@code result[i][j]} is {@code a[i, j]}), one Java array
 * per row. Anything else — not a buffer, not C-contiguous, another element type or number of dimensions, a
 * byte order other than the machine's — fails with a {@link PythonConversionException} that says what was found and
 * what was expected; nothing is converted element by element.
 * <p>
 * Java to Python, in one copy: {@code double[]}, {@code float[]}, {@code long[]}, {@code int[]}, {@code short[]}
 * become a writable {@code memoryview} of a new {@code bytearray} with the matching format ({@code d f q i h}),
 * which {@code numpy.asarray} takes without another copy; a {@link ByteBuffer} (its bytes from position to limit,
 * direct or not) becomes one with format {@code B}. A {@code byte[]} stays {@code bytes}, copied straight into the
 * new object.
 * <p>
 * Thread contract: the caller holds an attached thread state of the interpreter that owns the objects.
 */
public final class BufferArrays {

	/** {@code sizeof(Py_buffer)}, and its field offsets (pybuffer.h, unchanged since 3.3). */
	private static final int VIEW_SIZE = 80;

	private static final int BUF = 0;

	private static final int LEN = 16;

	private static final int ITEMSIZE = 24;

	private static final int NDIM = 36;

	private static final int FORMAT = 40;

	private static final int SHAPE = 48;

	/** {@code PyBUF_RECORDS_RO}: format, shape and strides, read-only is fine; contiguity is checked here. */
	private static final int PYBUF_RECORDS_RO = 0x001C;

	private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

	/** One {@code Py_buffer} per thread: a request fills it and releases it before the next one. */
	private static final ThreadLocal<Memory> VIEWS = ThreadLocal.withInitial(() -> new Memory(VIEW_SIZE));

	private BufferArrays() {
	}

	/** The element types, with what a buffer must hold for each. */
	private enum Element {

		DOUBLE(double.class, 'd', 8, "8-byte floats (format 'd', numpy float64)"),
		FLOAT(float.class, 'f', 4, "4-byte floats (format 'f', numpy float32)"),
		LONG(long.class, 'q', 8, "8-byte signed integers (format 'q' or 'l', numpy int64)"),
		INT(int.class, 'i', 4, "4-byte signed integers (format 'i', numpy int32)"),
		SHORT(short.class, 'h', 2, "2-byte signed integers (format 'h', numpy int16)"),
		BYTE(byte.class, 'b', 1, "1-byte integers (format 'b', 'B' or 'c', numpy int8 or uint8)");

		final Class<?> type;

		final char format;

		final int size;

		final String description;

		Element(Class<?> type, char format, int size, String description) {
			this.type = type;
			this.format = format;
			this.size = size;
			this.description = description;
		}

		static Element of(Class<?> type) {
			for (Element element : values()) {
				if (element.type == type) {
					return element;
				}
			}
			return null;
		}

		boolean accepts(char letter, long itemsize) {
			if (itemsize != this.size) {
				return false;
			}
			return switch (this) {
				case DOUBLE, FLOAT -> letter == 'd' || letter == 'f';
				case LONG, INT, SHORT -> "bhilqn".indexOf(letter) >= 0;
				case BYTE -> "bBc".indexOf(letter) >= 0;
			};
		}

		Object newArray(int length) {
			return java.lang.reflect.Array.newInstance(this.type, length);
		}

	}

	/**
	 * Whether a requested type is converted through the buffer protocol.
	 * @param type the requested Java type
	 * @return {@code true} for one- and two-dimensional arrays of {@code double, float, long, int, short, byte}
	 */
	public static boolean isTarget(Class<?> type) {
		Class<?> component = type.getComponentType();
		if (component == null) {
			return false;
		}
		if (component.isArray()) {
			component = component.getComponentType();
		}
		return Element.of(component) != null;
	}

	/**
	 * Copy a Python buffer into a Java array of the requested type.
	 * @param object the exporter (borrowed)
	 * @param type a type for which {@link #isTarget} is true
	 * @return the new array
	 * @throws PythonConversionException if the object exports no buffer, or one that does not match
	 */
	public static Object toJava(long object, Class<?> type) {
		boolean twoD = type.getComponentType().isArray();
		Element element = Element.of(twoD ? type.getComponentType().getComponentType() : type.getComponentType());
		int dimensions = twoD ? 2 : 1;
		Memory view = VIEWS.get();
		view.clear();
		long address = Pointer.nativeValue(view);
		if (CPython.PyObject_GetBuffer(object, address, PYBUF_RECORDS_RO) != 0) {
			RaisedError cause = PythonErrors.fetch();
			throw new PythonConversionException("Cannot convert Python " + typeName(object) + " to "
					+ type.getSimpleName() + ": it exports no buffer (" + cause.describe() + "); expected a "
					+ "C-contiguous " + dimensions + "-dimensional buffer of " + element.description
					+ ", such as a numpy array, array.array or memoryview");
		}
		try {
			long[] fields = new long[VIEW_SIZE / 8];
			CPython.copyToArray(address, fields, 0, fields.length);
			return copy(object, type, element, dimensions, address, fields);
		}
		finally {
			CPython.PyBuffer_Release(address);
		}
	}

	private static Object copy(long object, Class<?> type, Element element, int dimensions, long view, long[] fields) {
		int ndim = (int) (fields[NDIM / 8] >>> 32);
		long itemsize = fields[ITEMSIZE / 8];
		long formatAddress = fields[FORMAT / 8];
		String format = (formatAddress == 0) ? "B"
				: new Pointer(formatAddress).getString(0, StandardCharsets.US_ASCII.name());
		String letters = format;
		boolean nativeOrder = true;
		if (!letters.isEmpty() && "@=<>!".indexOf(letters.charAt(0)) >= 0) {
			nativeOrder = letters.charAt(0) != '>' && letters.charAt(0) != '!';
			letters = letters.substring(1);
		}
		String found = "a " + ndim + "-dimensional buffer of format '" + format + "' with " + itemsize
				+ "-byte items";
		String expected = "a C-contiguous " + dimensions + "-dimensional buffer of " + element.description;
		if (letters.length() != 1 || !element.accepts(letters.charAt(0), itemsize)
				|| (!nativeOrder && itemsize > 1)) {
			throw mismatch(object, type, found, expected);
		}
		if (ndim != dimensions) {
			throw mismatch(object, type, found, expected);
		}
		if (CPython.PyBuffer_IsContiguous(view, (byte) 'C') != 1) {
			throw mismatch(object, type, found.replace("a " + ndim, "a non-contiguous " + ndim), expected
					+ " (numpy.ascontiguousarray makes one)");
		}
		long data = fields[BUF / 8];
		long count = fields[LEN / 8] / itemsize;
		if (dimensions == 1) {
			if (count > MAX_ARRAY) {
				throw new PythonConversionException("Python " + typeName(object) + " of " + count + " items is too "
						+ "large for a Java " + type.getSimpleName());
			}
			Object array = element.newArray((int) count);
			if (count > 0) {
				CPython.copyToArray(data, array, 0, (int) count);
			}
			return array;
		}
		long shape = fields[SHAPE / 8];
		long rows = CPython.getLong(shape);
		long columns = CPython.getLong(shape + 8);
		if (rows > MAX_ARRAY || columns > MAX_ARRAY) {
			throw new PythonConversionException("Python " + typeName(object) + " of shape (" + rows + ", " + columns
					+ ") is too large for a Java " + type.getSimpleName());
		}
		Object[] result = (Object[]) java.lang.reflect.Array.newInstance(type.getComponentType(), (int) rows);
		for (int row = 0; row < rows; row++) {
			Object array = element.newArray((int) columns);
			if (columns > 0) {
				CPython.copyToArray(data + row * columns * itemsize, array, 0, (int) columns);
			}
			result[row] = array;
		}
		return result;
	}

	private static PythonConversionException mismatch(long object, Class<?> type, String found, String expected) {
		return new PythonConversionException("Cannot convert Python " + typeName(object) + " to "
				+ type.getSimpleName() + ": found " + found + ", expected " + expected);
	}

	private static String typeName(long object) {
		return ValueConverter.pythonTypeName(CPython.typeOf(object));
	}

	/**
	 * Whether a Java value is a primitive array or buffer that {@link #toPython} converts.
	 * @param value the value
	 * @return {@code true} for {@code double[], float[], long[], int[], short[]} and {@link ByteBuffer}
	 */
	static boolean isPrimitiveArray(Object value) {
		return value instanceof double[] || value instanceof float[] || value instanceof long[]
				|| value instanceof int[] || value instanceof short[] || value instanceof ByteBuffer;
	}

	/**
	 * A {@code bytes} holding a copy of a Java array, copied straight into the new object.
	 * @param bytes the array
	 * @return a new reference
	 */
	static long toPythonBytes(byte[] bytes) {
		if (!ObjectLayout.verified()) {
			return PythonErrors.check(CPython.PyBytes_FromStringAndSize(bytes, bytes.length));
		}
		// PyBytes_FromStringAndSize(NULL, n) makes an uninitialized object to fill (bytes.html); JNA passes the null
		// array as NULL.
		long object = PythonErrors.check(CPython.PyBytes_FromStringAndSize(null, bytes.length));
		if (bytes.length > 0) {
			CPython.copyFromArray(bytes, 0, bytes.length, object + ObjectLayout.BYTES_DATA);
		}
		return object;
	}

	/**
	 * A writable {@code memoryview} over a new {@code bytearray} holding a copy of a primitive array or of a buffer's
	 * remaining bytes.
	 * @param value a value for which {@link #isPrimitiveArray} is true
	 * @return a new reference
	 */
	static long toPython(Object value) {
		char format;
		long size;
		if (value instanceof ByteBuffer buffer) {
			format = 'B';
			size = buffer.remaining();
		}
		else {
			Element element = Element.of(value.getClass().getComponentType());
			format = element.format;
			size = (long) java.lang.reflect.Array.getLength(value) * element.size;
		}
		long bytearray;
		if (value instanceof ByteBuffer buffer && buffer.isDirect()) {
			// CPython copies the bytes from the buffer's memory itself.
			bytearray = PythonErrors.check(
					CPython.PyByteArray_FromStringAndSize(CPython.address(buffer) + buffer.position(), size));
		}
		else {
			bytearray = PythonErrors.check(CPython.PyByteArray_FromStringAndSize(0, size));
		}
		try {
			if (size > 0) {
				long data = PythonErrors.check(CPython.PyByteArray_AsString(bytearray));
				if (value instanceof ByteBuffer buffer) {
					if (!buffer.isDirect()) {
						copyHeapBuffer(buffer, data);
					}
				}
				else {
					CPython.copyFromArray(value, 0, java.lang.reflect.Array.getLength(value), data);
				}
			}
			return castMemoryView(bytearray, format);
		}
		finally {
			CPython.Py_DecRef(bytearray);
		}
	}

	private static void copyHeapBuffer(ByteBuffer buffer, long data) {
		if (buffer.hasArray()) {
			CPython.copyFromArray(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining(), data);
		}
		else {
			// A read-only heap buffer hides its array.
			byte[] copy = new byte[buffer.remaining()];
			buffer.duplicate().get(copy);
			CPython.copyFromArray(copy, 0, copy.length, data);
		}
	}

	private static long castMemoryView(long bytearray, char format) {
		long bytesView = PythonErrors.check(CPython.PyMemoryView_FromObject(bytearray));
		try {
			long cast = PythonErrors.check(CPython.PyObject_GetAttrString(bytesView, PythonErrors.cstring("cast")));
			try {
				byte[] letter = { (byte) format };
				long formatObject = PythonErrors.check(CPython.PyUnicode_FromStringAndSize(letter, 1));
				try {
					return PythonErrors.check(CPython.PyObject_CallOneArg(cast, formatObject));
				}
				finally {
					CPython.Py_DecRef(formatObject);
				}
			}
			finally {
				CPython.Py_DecRef(cast);
			}
		}
		finally {
			CPython.Py_DecRef(bytesView);
		}
	}

}
