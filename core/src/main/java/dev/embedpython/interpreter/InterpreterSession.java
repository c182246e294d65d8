package dev.embedpython.interpreter;

import java.util.Objects;

import dev.embedpython.PythonSession;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PythonSession} whose every method is one {@link Operation} on an {@link Interpreter}: the argument checks
 * and the mapping onto the interpreter's methods, shared by a pool's sessions and the session of a Java callable's
 * invocation, which differ only in how an operation gets the interpreter attached ({@link #run}).
 * <p>
 * Thread contract: as the subclass states.
 */
public abstract class InterpreterSession implements PythonSession {

	/**
	 * Run one operation with the interpreter attached.
	 * @param <T> the result type
	 * @param name the function's name, or what kind of code runs ({@code <exec>}, {@code <eval>}, ...)
	 * @param module the function's module, {@code null} for code
	 * @param operation the operation
	 * @return its result
	 */
	protected abstract <T> @Nullable T run(String name, @Nullable String module, Operation<T> operation);

	@Override
	public void exec(String code) {
		Objects.requireNonNull(code, "code");
		run("<exec>", null, (interpreter) -> {
			interpreter.exec(code);
			return null;
		});
	}

	@Override
	public @Nullable Object eval(String expression) {
		return eval(expression, Object.class);
	}

	@Override
	public <T> @Nullable T eval(String expression, Class<T> type) {
		Objects.requireNonNull(expression, "expression");
		return run("<eval>", null, (interpreter) -> interpreter.eval(expression, type));
	}

	@Override
	public @Nullable Object call(String module, String function, @Nullable Object... args) {
		return call(Object.class, module, function, args);
	}

	@Override
	public <T> @Nullable T call(Class<T> type, String module, String function, @Nullable Object... args) {
		Objects.requireNonNull(module, "module");
		Objects.requireNonNull(function, "function");
		Object[] arguments = (args != null) ? args : new Object[] { null };
		return run(function, module, (interpreter) -> interpreter.call(type, module, function, arguments));
	}

	@Override
	public void set(String name, @Nullable Object value) {
		Objects.requireNonNull(name, "name");
		run("<set>", null, (interpreter) -> {
			interpreter.set(name, value);
			return null;
		});
	}

	@Override
	public @Nullable Object get(String name) {
		return get(name, Object.class);
	}

	@Override
	public <T> @Nullable T get(String name, Class<T> type) {
		Objects.requireNonNull(name, "name");
		return run("<get>", null, (interpreter) -> interpreter.get(name, type));
	}

	/**
	 * What one session method does with the attached interpreter.
	 * @param <T> the result type
	 */
	@FunctionalInterface
	public interface Operation<T> {

		/**
		 * Run with the interpreter attached.
		 * @param interpreter the interpreter
		 * @return the result
		 */
		@Nullable T run(Interpreter interpreter);

	}

}
