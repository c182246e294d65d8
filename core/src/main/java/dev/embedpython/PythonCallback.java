package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * Work done with one borrowed {@link PythonSession}, see {@link PythonPool#execute(PythonCallback)}.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface PythonCallback<T extends @Nullable Object> {

	/**
	 * Run Python code with the given session. The session is valid only during this call and only on the calling
	 * thread.
	 * @param session the borrowed session
	 * @return the result
	 */
	T doInPython(PythonSession session);

}
