package dev.embedpython.capi;

/**
 * Turns a fetched Python exception into the Java exception that {@link PythonErrors#check} throws. Installed once
 * by the interpreter layer with {@link PythonErrors#setTranslator}; the binding itself throws no public types.
 * <p>
 * Thread contract: called on whichever thread checked the failing result, with its thread state attached; must
 * not call into CPython.
 */
@FunctionalInterface
public interface ErrorTranslator {

	/**
	 * The exception for a raised Python error.
	 * @param error the error
	 * @return the exception to throw
	 */
	RuntimeException translate(RaisedError error);

}
