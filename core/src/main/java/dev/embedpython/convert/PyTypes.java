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
 * @param boolType {@code PyBool_Type}
 * @param floatType {@code PyFloat_Type}
 * @param setType {@code PySet_Type}
 * @param frozenSetType {@code PyFrozenSet_Type}
 * @param timeoutError {@code PyExc_TimeoutError}
 * @param syntaxError {@code PyExc_SyntaxError}
 */
public record PyTypes(long none, long trueObject, long falseObject, long boolType, long floatType, long setType,
		long frozenSetType, long timeoutError, long syntaxError) {

	/**
	 * Look the addresses up in a loaded, initialized libpython.
	 * @param library the library
	 * @return the addresses
	 */
	public static PyTypes lookup(NativeLibrary library) {
		return new PyTypes(CPython.Py_GetConstantBorrowed(CPython.CONSTANT_NONE),
				CPython.Py_GetConstantBorrowed(CPython.CONSTANT_TRUE),
				CPython.Py_GetConstantBorrowed(CPython.CONSTANT_FALSE), address(library, "PyBool_Type"),
				address(library, "PyFloat_Type"), address(library, "PySet_Type"),
				address(library, "PyFrozenSet_Type"),
				library.getGlobalVariableAddress("PyExc_TimeoutError").getLong(0),
				library.getGlobalVariableAddress("PyExc_SyntaxError").getLong(0));
	}

	private static long address(NativeLibrary library, String symbol) {
		return com.sun.jna.Pointer.nativeValue(library.getGlobalVariableAddress(symbol));
	}

}
