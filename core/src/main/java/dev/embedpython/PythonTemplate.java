package dev.embedpython;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Thread-safe facade over a {@link PythonPool}: each method borrows a session, runs one operation and gives the
 * session back.
 * <p>
 * Thread contract: any thread, any number of threads at once.
 */
public class PythonTemplate {

	private final PythonPool pool;

	/**
	 * Create a template on a pool.
	 * @param pool the pool to borrow from
	 */
	public PythonTemplate(PythonPool pool) {
		this.pool = Objects.requireNonNull(pool, "pool");
	}

	/**
	 * The pool this template borrows from.
	 * @return the pool
	 */
	public PythonPool getPool() {
		return this.pool;
	}

	/**
	 * Run statements, see {@link PythonSession#exec(String)}.
	 * @param code Python source
	 */
	public void exec(String code) {
		this.pool.execute((session) -> {
			session.exec(code);
			return null;
		});
	}

	/**
	 * Evaluate an expression, see {@link PythonSession#eval(String)}.
	 * @param expression the expression
	 * @return the value
	 */
	public @Nullable Object eval(String expression) {
		return this.pool.execute((session) -> session.eval(expression));
	}

	/**
	 * Evaluate an expression and convert it, see {@link PythonSession#eval(String, Class)}.
	 * @param <T> the result type
	 * @param expression the expression
	 * @param type the expected type
	 * @return the value
	 */
	public <T> @Nullable T eval(String expression, Class<T> type) {
		return this.pool.execute((session) -> session.eval(expression, type));
	}

	/**
	 * Call {@code module.function(*args)}, see {@link PythonSession#call(String, String, Object...)}.
	 * @param module the module
	 * @param function the function
	 * @param args the arguments
	 * @return the result
	 */
	public @Nullable Object call(String module, String function, @Nullable Object... args) {
		return this.pool.execute((session) -> session.call(module, function, args));
	}

	/**
	 * Call {@code module.function(*args)} and convert the result, see
	 * {@link PythonSession#call(Class, String, String, Object...)}.
	 * @param <T> the result type
	 * @param type the expected type
	 * @param module the module
	 * @param function the function
	 * @param args the arguments
	 * @return the result
	 */
	public <T> @Nullable T call(Class<T> type, String module, String function, @Nullable Object... args) {
		return this.pool.execute((session) -> session.call(type, module, function, args));
	}

	/**
	 * Run a callback with one borrowed session.
	 * @param <T> the result type
	 * @param callback the work
	 * @return its result
	 */
	public <T extends @Nullable Object> T execute(PythonCallback<T> callback) {
		return this.pool.execute(callback);
	}

}
