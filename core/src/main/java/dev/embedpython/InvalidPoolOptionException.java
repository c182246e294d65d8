package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * A {@link PoolOptions} setting is invalid: thrown by {@link PoolOptions.Builder#build()} and, for a size the host
 * cannot hold, by {@link PythonRuntime#newPool}. It names the setting as the builder does ({@code acquireTimeout},
 * {@code preload[2]}), so a configuration layer can map it onto its own key.
 */
public class InvalidPoolOptionException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final String option;

	private final transient @Nullable Object value;

	private final String reason;

	/**
	 * Create a new instance.
	 * @param option the setting, as named by the builder, with an index for list elements
	 * @param value the rejected value
	 * @param reason what is wrong, e.g. {@code must be positive}
	 */
	public InvalidPoolOptionException(String option, @Nullable Object value, String reason) {
		super("Invalid pool option '" + option + "' (" + value + "): " + reason);
		this.option = option;
		this.value = value;
		this.reason = reason;
	}

	/**
	 * The setting, e.g. {@code callTimeout} or {@code preload[0]}.
	 * @return the name
	 */
	public String option() {
		return this.option;
	}

	/**
	 * The rejected value.
	 * @return the value
	 */
	public @Nullable Object value() {
		return this.value;
	}

	/**
	 * What is wrong with it.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

}
