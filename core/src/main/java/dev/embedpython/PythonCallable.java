package dev.embedpython;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A Java function that Python code calls by name, through the built-in module {@code _embedpython} that every
 * interpreter has:
 *
 * <pre class="code">
 * from _embedpython import java
 * price = java.price_of("A-17", 3)           # the same as _embedpython.call("price_of", "A-17", 3)
 * </pre>
 *
 * Register it with {@link PoolOptions.Builder#callable} (the pool's calls and interpreters) or
 * {@link RuntimeOptions.Builder#callable} (every interpreter); the Spring Boot starter registers every
 * {@code PythonCallable} bean under its bean name.
 * <p>
 * Arguments arrive converted as a {@link PythonSession}'s results are ({@code int} as {@link Long}, {@code list} as
 * {@link List}, ...) or as the type asked for ({@link Invocation#argument(int, Class)}); the result is converted as a
 * session's arguments are. An exception it throws is raised in Python as {@code _embedpython.JavaException} (a
 * {@code RuntimeError}) whose {@code java_class} and {@code java_message} name it; a {@link PythonException} of a
 * Python call it made through {@link Invocation#session()} that it lets through is raised as the original Python
 * exception object. Keyword arguments are refused with {@code TypeError}.
 * <p>
 * Thread contract: called on the thread that runs the calling Python code: the thread that made the Java call into
 * Python, the platform worker of a virtual thread's call, or a thread that Python code started, possibly by several
 * threads at once. The calling interpreter's GIL is released while it runs (other Python threads of that
 * interpreter go on), and the call context of the Java call in flight (e.g. the SLF4J MDC, see
 * {@link CallContextPropagator}) is in effect.
 */
@FunctionalInterface
public interface PythonCallable {

	/**
	 * Run the function.
	 * @param invocation the arguments and the interpreter that called
	 * @return the result, converted to Python ({@code null} is {@code None})
	 * @throws Exception raised in Python as {@code JavaException}
	 */
	@Nullable Object call(Invocation invocation) throws Exception;

	/**
	 * One call of a {@link PythonCallable} from Python: its arguments, and the calling interpreter for calls back
	 * into Python. Valid only during the call, on the calling thread.
	 */
	interface Invocation {

		/**
		 * The name the function was called by.
		 * @return the name
		 */
		String name();

		/**
		 * The number of positional arguments.
		 * @return the count
		 */
		int size();

		/**
		 * One argument in its natural Java form.
		 * @param index from 0
		 * @return the value
		 * @throws IndexOutOfBoundsException if there is no such argument
		 * @throws PythonConversionException if the Python value has no natural Java form (ask for a type instead)
		 */
		@Nullable Object argument(int index);

		/**
		 * One argument converted to the given type ({@code double[].class} reads a numpy array or any contiguous
		 * buffer in one copy, as for session results).
		 * @param <T> the type
		 * @param index from 0
		 * @param type the Java type
		 * @return the value
		 * @throws IndexOutOfBoundsException if there is no such argument
		 * @throws PythonConversionException if it cannot become a {@code T}
		 */
		<T> @Nullable T argument(int index, Class<T> type);

		/**
		 * Every argument in its natural Java form.
		 * @return an unmodifiable list
		 * @throws PythonConversionException if one has no natural Java form
		 */
		List<@Nullable Object> arguments();

		/**
		 * The interpreter that called, for calls back into Python on the same thread and interpreter (re-entrant:
		 * Java, Python, Java, Python, ..., up to 64 callables in progress on one thread, beyond which Python gets a
		 * {@code RecursionError}). Its {@link PythonSession#close()} does nothing: it belongs to the call.
		 * @return the session, valid until this function returns, on the calling thread only
		 */
		PythonSession session();

	}

}
