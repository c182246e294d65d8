package dev.embedpython.convert;

import com.sun.jna.NativeLibrary;
import dev.embedpython.capi.CPython;

/**
 * Addresses of the static objects and types the converter identifies by pointer: {@code None}, {@code True},
 * {@code False} and the built-in types without a subclass flag. They are immortal and shared by every
 * interpreter, so one set serves the whole runtime.
 * <p>
 * Thread contract: immutable after construction; built on {@code python-main} with the main interpreter attached.
 *
 * @param none {@code Py_None}
 * @param trueObject {@code Py_True}
 * @param falseObject {@code Py_False}
 * @param floatType {@code PyFloat_Type}
 * @param setType {@code PySet_Type}
 * @param frozenSetType {@code PyFrozenSet_Type}
 * @param timeoutError {@code PyExc_TimeoutError}
 * @param syntaxError {@code PyExc_SyntaxError}
 * @param longType {@code PyLong_Type}
 * @param unicodeType {@code PyUnicode_Type}
 * @param bytesType {@code PyBytes_Type}
 * @param listType {@code PyList_Type}
 * @param tupleType {@code PyTuple_Type}
 * @param dictType {@code PyDict_Type}
 * @param smallInts the immortal small ints from {@value #SMALL_INT_MIN} to {@value #SMALL_INT_MAX}
 */
public record PyTypes(long none, long trueObject, long falseObject, long floatType, long setType,
		long frozenSetType, long timeoutError, long syntaxError, long longType, long unicodeType, long bytesType,
		long listType, long tupleType, long dictType, long[] smallInts) {

	/** The smallest cached small int. */
	public static final int SMALL_INT_MIN = -5;

	/** The largest cached small int. */
	public static final int SMALL_INT_MAX = 256;

	/**
	 * Look the addresses up in a loaded, initialized libpython.
	 * @param library the library
	 * @return the addresses
	 */
	public static PyTypes lookup(NativeLibrary library) {
		// Small ints are static, immortal and shared by all interpreters (3.12+): PyLong_FromLongLong returns the
		// same object every time, so it is looked up once and never reference-counted.
		long[] smallInts = new long[SMALL_INT_MAX - SMALL_INT_MIN + 1];
		for (int i = SMALL_INT_MIN; i <= SMALL_INT_MAX; i++) {
			smallInts[i - SMALL_INT_MIN] = CPython.PyLong_FromLongLong(i);
		}
		return new PyTypes(CPython.Py_GetConstantBorrowed(CPython.CONSTANT_NONE),
				CPython.Py_GetConstantBorrowed(CPython.CONSTANT_TRUE),
				CPython.Py_GetConstantBorrowed(CPython.CONSTANT_FALSE), address(library, "PyFloat_Type"), address(library, "PySet_Type"),
				address(library, "PyFrozenSet_Type"),
				library.getGlobalVariableAddress("PyExc_TimeoutError").getLong(0),
				library.getGlobalVariableAddress("PyExc_SyntaxError").getLong(0), address(library, "PyLong_Type"),
				address(library, "PyUnicode_Type"), address(library, "PyBytes_Type"), address(library, "PyList_Type"),
				address(library, "PyTuple_Type"), address(library, "PyDict_Type"), smallInts);
	}

	/**
	 * Whether an object is immortal (3.12+): reference counting it is a no-op, so the call can be skipped.
	 * @param object the object
	 * @return {@code true} for None, True, False and the cached small ints
	 */
	public boolean isImmortal(long object) {
		return object == this.none || object == this.trueObject || object == this.falseObject
				|| smallIntIndex(object) >= 0;
	}

	/**
	 * Where an object is in the small-int table: the small ints are one static array, so a pointer in its range
	 * is one of them (checked against the table, so a different layout only disables the shortcut).
	 * @param object the object
	 * @return the index ({@code value - }{@value #SMALL_INT_MIN}), or -1 if it is not a cached small int
	 */
	public int smallIntIndex(long object) {
		long[] table = this.smallInts;
		long first = table[0];
		if (object < first || object > table[table.length - 1]) {
			return -1;
		}
		// On the hot path of every call (results and releases): no division where the stride is a power of two
		// (sizeof(PyLongObject), 32 bytes on 3.13 and 3.14); the table check below makes any guess safe.
		long offset = object - first;
		long stride = table[1] - first;
		long index;
		if (stride > 0 && (stride & (stride - 1)) == 0) {
			index = offset >>> Long.numberOfTrailingZeros(stride);
		}
		else if (stride > 0 && offset % stride == 0) {
			index = offset / stride;
		}
		else {
			return -1;
		}
		return (index < table.length && table[(int) index] == object) ? (int) index : -1;
	}

	private static long address(NativeLibrary library, String symbol) {
		return com.sun.jna.Pointer.nativeValue(library.getGlobalVariableAddress(symbol));
	}

}
