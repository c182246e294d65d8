package dev.embedpython.convert;

import java.nio.charset.StandardCharsets;

import dev.embedpython.capi.CPython;
import dev.embedpython.capi.PythonErrors;

/**
 * Where CPython keeps the fields that the inline accessors of its public headers read ({@code PyUnicode_DATA},
 * {@code PyUnicode_KIND}, {@code PyUnicode_GET_LENGTH}, {@code PyBytes_AS_STRING}, {@code PyBytes_GET_SIZE},
 * {@code PyList_GET_SIZE}, {@code PyTuple_GET_SIZE}, {@code PyDict_GET_SIZE}): reading one costs a memory read
 * instead of a call into libpython. The offsets are those of the GIL build of 3.13 and 3.14 on 64-bit platforms
 * ({@code cpython/unicodeobject.h}, {@code cpython/bytesobject.h}, {@code cpython/dictobject.h}); they are checked
 * once per JVM against the C API on objects created for the purpose, and if any check fails the converter uses
 * only C calls.
 * <p>
 * Thread contract: {@link #verified()} needs an attached thread state (any interpreter) the first time; afterwards
 * it is a volatile read.
 */
final class ObjectLayout {

	/** {@code ob_size} of a {@code PyVarObject} (list, tuple, bytes) and {@code ma_used} of a {@code PyDictObject}. */
	static final long SIZE = 16;

	/** {@code ob_sval} of a {@code PyBytesObject}. */
	static final long BYTES_DATA = 32;

	/** {@code length} of a {@code PyASCIIObject}. */
	static final long STR_LENGTH = 16;

	/** The {@code state} bit field of a {@code PyASCIIObject}. */
	static final long STR_STATE = 32;

	/** The characters of a compact ASCII string: right after the {@code PyASCIIObject}. */
	static final long STR_ASCII_DATA = 40;

	/** The characters of any other compact string: right after the {@code PyCompactUnicodeObject}. */
	static final long STR_COMPACT_DATA = 56;

	/** {@code state.kind} (1, 2 or 4 bytes per character) starts at bit 2 (after {@code interned:2}). */
	static final int STR_KIND_SHIFT = 2;

	/** {@code state.compact}. */
	static final int STR_COMPACT = 1 << 5;

	/** {@code state.ascii}. */
	static final int STR_ASCII = 1 << 6;

	private static final int UNKNOWN = 0;

	private static final int CONFIRMED = 1;

	private static final int REFUSED = -1;

	private static volatile int state = UNKNOWN;

	private ObjectLayout() {
	}

	/**
	 * Whether the offsets above match the running libpython.
	 * @return {@code true} once checked and confirmed
	 */
	static boolean verified() {
		int current = state;
		if (current == UNKNOWN) {
			// Idempotent: threads that race here compute the same answer on objects of their own.
			current = check() ? CONFIRMED : REFUSED;
			state = current;
		}
		return current == CONFIRMED;
	}

	private static boolean check() {
		return checkString("abc", 1, true, 'a') && checkString("\u00e9", 1, false, 0xe9)
				&& checkString("\u2603", 2, false, 0x2603) && checkString("\ud83d\ude00", 4, false, 0x1f600)
				&& checkBytes() && checkContainers();
	}

	private static boolean checkString(String text, int kind, boolean ascii, int first) {
		byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
		long object = PythonErrors.check(CPython.PyUnicode_FromStringAndSize(utf8, utf8.length));
		try {
			int bits = CPython.getInt(object + STR_STATE);
			long data = object + (ascii ? STR_ASCII_DATA : STR_COMPACT_DATA);
			int value = switch (kind) {
				case 1 -> CPython.read(data, 1)[0] & 0xff;
				case 2 -> CPython.getInt(data) & 0xffff;
				default -> CPython.getInt(data);
			};
			return CPython.getLong(object + STR_LENGTH) == text.codePointCount(0, text.length())
					&& ((bits >>> STR_KIND_SHIFT) & 7) == kind && (bits & STR_COMPACT) != 0
					&& ((bits & STR_ASCII) != 0) == ascii && value == first;
		}
		finally {
			CPython.Py_DecRef(object);
		}
	}

	private static boolean checkBytes() {
		long object = PythonErrors.check(CPython.PyBytes_FromStringAndSize(new byte[] { 1, 2, 3 }, 3));
		try {
			return CPython.getLong(object + SIZE) == 3 && CPython.PyBytes_AsString(object) == object + BYTES_DATA;
		}
		finally {
			CPython.Py_DecRef(object);
		}
	}

	private static boolean checkContainers() {
		long list = PythonErrors.check(CPython.PyList_New(2));
		try {
			// PyList_SetItem steals the item's reference
			PythonErrors.check(CPython.PyList_SetItem(list, 0, PythonErrors.check(CPython.PyFloat_FromDouble(0.5))));
			PythonErrors.check(CPython.PyList_SetItem(list, 1, PythonErrors.check(CPython.PyFloat_FromDouble(1.5))));
			long tuple = PythonErrors.check(CPython.PyList_AsTuple(list));
			try {
				long dict = PythonErrors.check(CPython.PyDict_New());
				try {
					PythonErrors.check(CPython.PyDict_SetItem(dict, tuple, list));
					return CPython.getLong(list + SIZE) == 2 && CPython.getLong(tuple + SIZE) == 2
							&& CPython.getLong(dict + SIZE) == 1;
				}
				finally {
					CPython.Py_DecRef(dict);
				}
			}
			finally {
				CPython.Py_DecRef(tuple);
			}
		}
		finally {
			CPython.Py_DecRef(list);
		}
	}

}
