package dev.embedpython.capi;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * The one choke point for C-API failures: every {@code NULL} or {@code -1} result goes through {@link #check}, which
 * consumes the raised exception (the interpreter is clean afterwards), reads it into a {@link RaisedError} (type,
 * message, traceback, syntax position, cause chain) and throws what the installed {@link ErrorTranslator} makes of
 * it. Also the C-string helper of the binding.
 * <p>
 * Thread contract: stateless apart from the process-wide settings; call with an attached thread state of the
 * interpreter that raised.
 */
public final class PythonErrors {

	private static final byte[] TRACEBACK = cstring("traceback");

	private static final byte[] FORMAT_EXCEPTION = cstring("format_exception");

	private static final byte[] MODULE = cstring("__module__");

	private static final byte[] QUALNAME = cstring("__qualname__");

	private static final byte[] LINENO = cstring("lineno");

	private static final byte[] OFFSET = cstring("offset");

	private static final byte[] SUPPRESS_CONTEXT = cstring("__suppress_context__");

	private static final int MAX_CHAIN = 16;

	private static volatile long syntaxErrorType;

	private static volatile ErrorTranslator translator = (error) -> new IllegalStateException(error.describe());

	private PythonErrors() {
	}

	/**
	 * Remember the exception type that gets its own Java class. Called once per runtime start.
	 * @param syntaxError {@code PyExc_SyntaxError}
	 */
	public static void setSyntaxErrorType(long syntaxError) {
		syntaxErrorType = syntaxError;
	}

	/**
	 * Install the translation of Python errors into Java exceptions. Called once per runtime start.
	 * @param errorTranslator the translator
	 */
	public static void setTranslator(ErrorTranslator errorTranslator) {
		translator = errorTranslator;
	}

	/**
	 * Check a {@code PyObject*} result.
	 * @param result the result
	 * @return the result if not {@code NULL}
	 * @throws RuntimeException the translated Python error if it is {@code NULL}
	 */
	public static long check(long result) {
		if (result == 0) {
			throw raised();
		}
		return result;
	}

	/**
	 * Check an {@code int} status result.
	 * @param result the result
	 * @return the result if not {@code -1}
	 * @throws RuntimeException the translated Python error if it is {@code -1}
	 */
	public static int check(int result) {
		if (result == -1) {
			throw raised();
		}
		return result;
	}

	/**
	 * Consume the raised exception and translate it into the Java exception to throw.
	 * @return the exception
	 */
	public static RuntimeException raised() {
		long exception = CPython.PyErr_GetRaisedException();
		if (exception == 0) {
			return translator.translate(unset());
		}
		try {
			return translator.translate(read(exception, new long[MAX_CHAIN + 1], 0), exception);
		}
		finally {
			CPython.Py_DecRef(exception);
		}
	}

	/**
	 * Consume the raised exception and read it.
	 * @return the error
	 */
	public static RaisedError fetch() {
		long exception = CPython.PyErr_GetRaisedException();
		if (exception == 0) {
			return unset();
		}
		try {
			return read(exception, new long[MAX_CHAIN + 1], 0);
		}
		finally {
			CPython.Py_DecRef(exception);
		}
	}

	private static RaisedError unset() {
		return new RaisedError("SystemError", "a C-API call failed without setting an exception", "", false, 0, 0, null);
	}

	/**
	 * Read one exception and, recursively, its cause or context.
	 * @param exception the exception, kept alive by the caller
	 * @param chain the addresses of the exceptions above this one ({@code chain[0..depth)}): all alive, because each
	 * level holds a reference to the next while it translates it, so an address seen again is the same exception
	 * (a {@code __cause__}/{@code __context__} cycle, which Python allows by assignment)
	 * @param depth how many exceptions are above this one
	 */
	private static RaisedError read(long exception, long[] chain, int depth) {
		chain[depth] = exception;
		long type = CPython.typeOf(exception);
		// __str__, __qualname__ and the traceback run Python code, which may reassign __class__: own the type.
		CPython.Py_IncRef(type);
		try {
			return readOwned(exception, type, chain, depth);
		}
		finally {
			CPython.Py_DecRef(type);
		}
	}

	private static RaisedError readOwned(long exception, long type, long[] chain, int depth) {
		String typeName = typeName(type);
		String message = stringOf(exception);
		String traceback = formatTraceback(exception, typeName, message);
		RaisedError cause = null;
		if (depth < MAX_CHAIN) {
			long next = CPython.PyException_GetCause(exception);
			if (next == 0 && !isTrue(exception, SUPPRESS_CONTEXT)) {
				next = CPython.PyException_GetContext(exception);
			}
			if (next != 0) {
				try {
					if (!contains(chain, depth + 1, next)) {
						cause = read(next, chain, depth + 1);
					}
				}
				finally {
					CPython.Py_DecRef(next);
				}
			}
		}
		if (syntaxErrorType != 0 && CPython.PyType_IsSubtype(type, syntaxErrorType) == 1) {
			return new RaisedError(typeName, message, traceback, true, intAttribute(exception, LINENO),
					intAttribute(exception, OFFSET), cause);
		}
		return new RaisedError(typeName, message, traceback, false, 0, 0, cause);
	}

	private static boolean contains(long[] addresses, int count, long address) {
		for (int i = 0; i < count; i++) {
			if (addresses[i] == address) {
				return true;
			}
		}
		return false;
	}

	private static String typeName(long type) {
		String qualname = stringAttribute(type, QUALNAME);
		String module = stringAttribute(type, MODULE);
		if (qualname == null) {
			return "<unknown>";
		}
		return (module == null || module.equals("builtins")) ? qualname : module + "." + qualname;
	}

	private static String formatTraceback(long exception, String typeName, String message) {
		long module = CPython.PyImport_ImportModule(TRACEBACK);
		if (module == 0) {
			CPython.PyErr_Clear();
			return typeName + ": " + message + "\n";
		}
		long lines = 0;
		try {
			long format = CPython.PyObject_GetAttrString(module, FORMAT_EXCEPTION);
			if (format == 0) {
				CPython.PyErr_Clear();
				return typeName + ": " + message + "\n";
			}
			try {
				lines = CPython.PyObject_CallOneArg(format, exception);
			}
			finally {
				CPython.Py_DecRef(format);
			}
			if (lines == 0 || (CPython.PyType_GetFlags(CPython.typeOf(lines)) & CPython.TPFLAGS_LIST_SUBCLASS) == 0) {
				CPython.PyErr_Clear();
				return typeName + ": " + message + "\n";
			}
			StringBuilder text = new StringBuilder();
			long size = CPython.PyList_Size(lines);
			for (long i = 0; i < size; i++) {
				// Reading a str runs no Python code, so the borrowed line stays valid.
				String line = string(CPython.PyList_GetItem(lines, i));
				if (line != null) {
					text.append(line);
				}
			}
			return text.toString();
		}
		finally {
			if (lines != 0) {
				CPython.Py_DecRef(lines);
			}
			CPython.Py_DecRef(module);
		}
	}

	private static String stringOf(long object) {
		long str = CPython.PyObject_Str(object);
		if (str == 0) {
			CPython.PyErr_Clear();
			return "<unprintable>";
		}
		try {
			String value = string(str);
			return (value != null) ? value : "<unprintable>";
		}
		finally {
			CPython.Py_DecRef(str);
		}
	}

	/**
	 * Read a {@code str} attribute, with any error cleared.
	 * @param object the object
	 * @param name the attribute name as a C string
	 * @return the text, or {@code null} if it is missing or not a str
	 */
	public static @Nullable String stringAttribute(long object, byte[] name) {
		long value = CPython.PyObject_GetAttrString(object, name);
		if (value == 0) {
			CPython.PyErr_Clear();
			return null;
		}
		try {
			return string(value);
		}
		finally {
			CPython.Py_DecRef(value);
		}
	}

	private static int intAttribute(long object, byte[] name) {
		long value = CPython.PyObject_GetAttrString(object, name);
		if (value == 0) {
			CPython.PyErr_Clear();
			return 0;
		}
		try {
			if ((CPython.PyType_GetFlags(CPython.typeOf(value)) & CPython.TPFLAGS_LONG_SUBCLASS) == 0) {
				return 0;
			}
			long result = CPython.PyLong_AsLongLong(value);
			if (result == -1 && CPython.PyErr_Occurred() != 0) {
				CPython.PyErr_Clear();
				return 0;
			}
			return (int) result;
		}
		finally {
			CPython.Py_DecRef(value);
		}
	}

	private static boolean isTrue(long object, byte[] name) {
		long value = CPython.PyObject_GetAttrString(object, name);
		if (value == 0) {
			CPython.PyErr_Clear();
			return false;
		}
		boolean result = value == CPython.Py_GetConstantBorrowed(CPython.CONSTANT_TRUE);
		CPython.Py_DecRef(value);
		return result;
	}

	/**
	 * Read a {@code str} exactly (lone surrogates included), with any error cleared.
	 * @param str the object
	 * @return the text, or {@code null} if it is not a str or cannot be read
	 */
	static @Nullable String string(long str) {
		if (str == 0 || (CPython.PyType_GetFlags(CPython.typeOf(str)) & CPython.TPFLAGS_UNICODE_SUBCLASS) == 0) {
			return null;
		}
		String text = Scratch.get().string(str);
		if (text == null) {
			CPython.PyErr_Clear();
		}
		return text;
	}

	/**
	 * Encode a Java string as a NUL-terminated UTF-8 C string.
	 * @param text the text
	 * @return the bytes
	 */
	public static byte[] cstring(String text) {
		byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
		byte[] result = new byte[utf8.length + 1];
		System.arraycopy(utf8, 0, result, 0, utf8.length);
		return result;
	}

}
