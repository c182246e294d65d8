package dev.embedpython.convert;

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
 * Java to Python: {@code double[]}, {@code float[]}, {@code long[]}, {@code int[]}, {@code short[]} become a
 * writable {@code memoryview} of a new {@code bytearray} with the matching format ({@code d f q i h}), which
 * {@code numpy.asarray} takes without another copy. ({@code byte[]} stays {@code bytes}.)
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

		void read(Pointer pointer, long offset, Object array, int length) {
			switch (this) {
				case DOUBLE -> pointer.read(offset, (double[]) array, 0, length);
				case FLOAT -> pointer.read(offset, (float[]) array, 0, length);
				case LONG -> pointer.read(offset, (long[]) array, 0, length);
				case INT -> pointer.read(offset, (int[]) array, 0, length);
				case SHORT -> pointer.read(offset, (short[]) array, 0, length);
				case BYTE -> pointer.read(offset, (byte[]) array, 0, length);
			}
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
		try (Memory view = new Memory(VIEW_SIZE)) {
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
				return copy(object, type, element, dimensions, view);
			}
			finally {
				CPython.PyBuffer_Release(address);
			}
		}
	}

	private static Object copy(long object, Class<?> type, Element element, int dimensions, Memory view) {
		int ndim = view.getInt(NDIM);
		long itemsize = view.getLong(ITEMSIZE);
		long formatAddress = view.getLong(FORMAT);
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
		if (CPython.PyBuffer_IsContiguous(Pointer.nativeValue(view), (byte) 'C') != 1) {
			throw mismatch(object, type, found.replace("a " + ndim, "a non-contiguous " + ndim), expected
					+ " (numpy.ascontiguousarray makes one)");
		}
		Pointer data = new Pointer(view.getLong(BUF));
		long count = view.getLong(LEN) / itemsize;
		if (dimensions == 1) {
			if (count > MAX_ARRAY) {
				throw new PythonConversionException("Python " + typeName(object) + " of " + count + " items is too "
						+ "large for a Java " + type.getSimpleName());
			}
			Object array = element.newArray((int) count);
			if (count > 0) {
				element.read(data, 0, array, (int) count);
			}
			return array;
		}
		Pointer shape = new Pointer(view.getLong(SHAPE));
		long rows = shape.getLong(0);
		long columns = shape.getLong(8);
		if (rows > MAX_ARRAY || columns > MAX_ARRAY) {
			throw new PythonConversionException("Python " + typeName(object) + " of shape (" + rows + ", " + columns
					+ ") is too large for a Java " + type.getSimpleName());
		}
		Object[] result = (Object[]) java.lang.reflect.Array.newInstance(type.getComponentType(), (int) rows);
		for (int row = 0; row < rows; row++) {
			Object array = element.newArray((int) columns);
			if (columns > 0) {
				element.read(data, row * columns * itemsize, array, (int) columns);
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
	 * Whether a Java value is a primitive array that {@link #toPython} converts.
	 * @param value the value
	 * @return {@code true} for {@code double[], float[], long[], int[], short[]}
	 */
	static boolean isPrimitiveArray(Object value) {
		return value instanceof double[] || value instanceof float[] || value instanceof long[]
				|| value instanceof int[] || value instanceof short[];
	}

	/**
	 * A writable {@code memoryview} over a new {@code bytearray} holding a copy of a primitive array.
	 * @param value a value for which {@link #isPrimitiveArray} is true
	 * @return a new reference
	 */
	static long toPython(Object value) {
		Element element = Element.of(value.getClass().getComponentType());
		int length = java.lang.reflect.Array.getLength(value);
		long bytes = (long) length * element.size;
		long bytearray = PythonErrors.check(CPython.PyByteArray_FromStringAndSize(0, bytes));
		try {
			if (length > 0) {
				Pointer data = new Pointer(PythonErrors.check(CPython.PyByteArray_AsString(bytearray)));
				switch (element) {
					case DOUBLE -> data.write(0, (double[]) value, 0, length);
					case FLOAT -> data.write(0, (float[]) value, 0, length);
					case LONG -> data.write(0, (long[]) value, 0, length);
					case INT -> data.write(0, (int[]) value, 0, length);
					case SHORT -> data.write(0, (short[]) value, 0, length);
					case BYTE -> data.write(0, (byte[]) value, 0, length);
				}
			}
			long bytesView = PythonErrors.check(CPython.PyMemoryView_FromObject(bytearray));
			try {
				long cast = PythonErrors.check(CPython.PyObject_GetAttrString(bytesView, PythonErrors.cstring("cast")));
				try {
					byte[] letter = { (byte) element.format };
					long format = PythonErrors.check(CPython.PyUnicode_FromStringAndSize(letter, 1));
					try {
						return PythonErrors.check(CPython.PyObject_CallOneArg(cast, format));
					}
					finally {
						CPython.Py_DecRef(format);
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
		finally {
			CPython.Py_DecRef(bytearray);
		}
	}

}
