package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * Exclusive use of one interpreter, borrowed from a {@link PythonPool} with {@link PythonPool#acquire()} and
 * given back with {@link #close()}.
 * <p>
 * Thread contract: a session belongs to the thread that acquired it; every method called from another thread
 * throws {@link IllegalStateException} naming the owner. Sessions acquired on a virtual thread run their calls on
 * a platform thread that serves the interpreter, so a virtual thread never holds a CPython thread state.
 * <p>
 * Values cross as: {@code null}/{@code None}, {@code Boolean}/{@code bool}, {@code Integer}, {@code Long},
 * {@code BigInteger}/{@code int} (Python ints come back as {@code Long}, or {@code BigInteger} when they do not
 * fit), {@code Double}, {@code Float}/{@code float} (back as {@code Double}), {@code String}/{@code str},
 * {@code byte[]}/{@code bytes}, {@code List}/{@code list} (tuples come back as unmodifiable lists), {@code Map}/
 * {@code dict} (insertion order kept), {@code Set}/{@code set}/{@code frozenset}. Anything else raises
 * {@link PythonConversionException}.
 */
public interface PythonSession extends AutoCloseable {

	/**
	 * Run statements in the interpreter's {@code __main__} namespace. Compiled code is cached per interpreter.
	 * @param code Python source
	 * @throws PythonException if the code raises
	 */
	void exec(String code);

	/**
	 * Evaluate an expression in the interpreter's {@code __main__} namespace.
	 * @param expression a Python expression
	 * @return the value converted to Java
	 */
	@Nullable Object eval(String expression);

	/**
	 * Evaluate an expression and convert the result to the given type.
	 * @param <T> the result type
	 * @param expression a Python expression
	 * @param type the expected Java type ({@code Long.class}, {@code Integer.class}, {@code Double.class},
	 * {@code String.class}, {@code List.class}, {@code Map.class}, ...)
	 * @return the converted value, {@code null} for {@code None}
	 * @throws PythonConversionException if the value cannot be converted to {@code type}
	 */
	<T> @Nullable T eval(String expression, Class<T> type);

	/**
	 * Call {@code module.function(*args)}. The module and function are looked up once per interpreter.
	 * @param module the module name, e.g. {@code json} or {@code myapp.scoring}
	 * @param function the function (or any callable attribute) name
	 * @param args the arguments, converted to Python
	 * @return the result converted to Java
	 */
	@Nullable Object call(String module, String function, @Nullable Object... args);

	/**
	 * Call {@code module.function(*args)} and convert the result to the given type.
	 * @param <T> the result type
	 * @param type the expected Java type
	 * @param module the module name
	 * @param function the function name
	 * @param args the arguments, converted to Python
	 * @return the converted result
	 */
	<T> @Nullable T call(Class<T> type, String module, String function, @Nullable Object... args);

	/**
	 * Bind a global name in the interpreter's {@code __main__} namespace.
	 * @param name the variable name
	 * @param value the value, converted to Python
	 */
	void set(String name, @Nullable Object value);

	/**
	 * Read a global of the interpreter's {@code __main__} namespace.
	 * @param name the variable name
	 * @return the value converted to Java
	 * @throws PythonException ({@code NameError}) if the name is not bound
	 */
	@Nullable Object get(String name);

	/**
	 * Read a global and convert it to the given type.
	 * @param <T> the result type
	 * @param name the variable name
	 * @param type the expected Java type
	 * @return the converted value
	 */
	<T> @Nullable T get(String name, Class<T> type);

	/**
	 * Give the interpreter back to its pool. Idempotent; any later use throws {@link IllegalStateException}.
	 */
	@Override
	void close();

}
