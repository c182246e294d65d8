package dev.embedpython.autoconfigure.module;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link PythonModule} interface cannot be used: its module does not import, a method's function is missing, is
 * not callable or does not accept the method's arguments, its pool does not exist, or the interface itself declares
 * something that cannot be called. Thrown when the interface's bean is created, so the context fails to start; each
 * {@link Problem} names the method and what is missing.
 * <p>
 * Thread contract: immutable.
 */
public class PythonModuleValidationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String interfaceName;

	private final List<Problem> problems;

	/**
	 * Create a new instance.
	 * @param interfaceType the interface
	 * @param problems what is wrong, at least one
	 */
	public PythonModuleValidationException(Class<?> interfaceType, List<Problem> problems) {
		super("@PythonModule interface " + interfaceType.getName() + " cannot be used: "
				+ problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
		this.interfaceName = interfaceType.getName();
		this.problems = List.copyOf(problems);
	}

	/**
	 * The interface's fully qualified name.
	 * @return the name
	 */
	public String interfaceName() {
		return this.interfaceName;
	}

	/**
	 * What is wrong.
	 * @return the problems, in the order of the interface's methods
	 */
	public List<Problem> problems() {
		return this.problems;
	}

	/**
	 * One thing that is wrong.
	 *
	 * @param kind what kind of thing
	 * @param where {@code Interface.method}, or {@code Interface} for the module and the pool
	 * @param description what is missing or wrong, with the names Python gave it
	 */
	public record Problem(Kind kind, String where, String description) {

		@Override
		public String toString() {
			return this.where + ": " + this.description;
		}

	}

	/**
	 * The kinds of problem, each with its own fix.
	 */
	public enum Kind {

		/** The module could not be imported. */
		MODULE,

		/** A method's function is missing or not callable. */
		FUNCTION,

		/** A method's function does not accept the method's arguments. */
		SIGNATURE,

		/** The interface's pool does not exist. */
		POOL,

		/** The interface declares a method that cannot be called (a return type or keyword the proxy cannot serve). */
		DEFINITION,

		/** Jackson 3, through which values cross, is not on the class path. */
		MAPPER

	}

}
