package dev.embedpython.interpreter;

import dev.embedpython.PythonException;
import dev.embedpython.PythonSyntaxException;
import dev.embedpython.capi.ErrorTranslator;
import dev.embedpython.capi.RaisedError;

/**
 * Python errors as the public exception types: {@link PythonSyntaxException} for {@code SyntaxError} and its
 * subclasses, {@link PythonException} for the rest, with the cause chain kept. Messages of extension modules that
 * refuse sub-interpreters gain the fix (a pool with SHARED_GIL or MAIN isolation).
 * <p>
 * Thread contract: stateless; thread-safe.
 */
final class PythonExceptions implements ErrorTranslator {

	static final PythonExceptions INSTANCE = new PythonExceptions();

	private static final String SUBINTERPRETER_REFUSAL = "does not support loading in subinterpreters";

	/** numpy's refusal to initialize in a second interpreter (numpy/_core/src/multiarray/multiarraymodule.c). */
	private static final String ONCE_PER_PROCESS = "cannot load module more than once per process";

	private PythonExceptions() {
	}

	@Override
	public PythonException translate(RaisedError error) {
		PythonException cause = (error.cause() != null) ? translate(error.cause()) : null;
		if (error.syntaxError()) {
			return new PythonSyntaxException(error.typeName(), error.message(), error.traceback(), cause, error.line(),
					error.column());
		}
		return new PythonException(error.typeName(), withHint(error.message()), error.traceback(), cause);
	}

	@Override
	public PythonException translate(RaisedError error, long exception) {
		PythonException translated = translate(error);
		// A Java callable that lets this exception through raises the very same Python exception object again.
		CallbackFrame.keep(translated, exception);
		return translated;
	}

	private static String withHint(String message) {
		if (message.contains(SUBINTERPRETER_REFUSAL)) {
			return message + " (this module can only be used in a pool with SHARED_GIL or MAIN isolation, e.g. "
					+ "python.pools.numeric.isolation: main)";
		}
		if (message.contains(ONCE_PER_PROCESS)) {
			return message + " (this extension module loads in one interpreter per process: import it only in the "
					+ "main interpreter, from a pool with MAIN isolation, e.g. python.pools.numeric.isolation: main)";
		}
		return message;
	}

	/**
	 * The same Python exception with a message that says where it happened; the original is the cause.
	 * @param ex the exception
	 * @param context the prefix, e.g. {@code Pool 'default': the init script failed in a new interpreter: }
	 * @return the exception to throw
	 */
	static PythonException withContext(PythonException ex, String context) {
		if (ex instanceof PythonSyntaxException syntax) {
			return new PythonSyntaxException(ex.pythonType(), context + ex.pythonMessage(), ex.pythonTraceback(), ex,
					syntax.line(), syntax.column());
		}
		return new PythonException(ex.pythonType(), context + ex.pythonMessage(), ex.pythonTraceback(), ex);
	}

	/**
	 * {@code NameError} for a global that is not bound, as Python words it.
	 * @param name the name
	 * @return the exception
	 */
	static PythonException nameError(String name) {
		String message = "name '" + name + "' is not defined";
		return new PythonException("NameError", message, "NameError: " + message + "\n", null);
	}

}
