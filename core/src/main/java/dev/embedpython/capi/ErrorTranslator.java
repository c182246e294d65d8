package dev.embedpython.capi;

/**
 * Turns a fetched Python exception into the Java exception that {@link PythonErrors#check} throws. Installed once
 * by the interpreter layer with {@link PythonErrors#setTranslator}; the binding itself throws no public types.
 * <p>
 * Thread contract: called on whichever thread checked the failing result, with its thread state attached; must
 * not call into CPython, except to take a reference to the exception object it is given.
 */
@FunctionalInterface
public interface ErrorTranslator {

	/**
	 * The exception for a raised Python error.
	 * @param error the error
	 * @return the exception to throw
	 */
	RuntimeException translate(RaisedError error);

	/**
	 * The exception for a raised Python error, with the exception object at hand: a translator may keep the object
	 * (taking its own reference) to raise the very same exception in Python again later, as a Java method called
	 * from Python does when a Python call it made fails and it lets the exception propagate.
	 * @param error the error
	 * @param exception the exception object, borrowed
	 * @return the exception to throw
	 */
	default RuntimeException translate(RaisedError error, long exception) {
		return translate(error);
	}

}
