package dev.embedpython;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The rules for registering {@link PythonCallable}s by name, shared by {@link RuntimeOptions} and
 * {@link PoolOptions}.
 * <p>
 * Thread contract: stateless.
 */
final class Callables {

	/** What a name must be, for messages. */
	static final String NAME_RULE = "must be a Python identifier (letters, digits and '_', not starting with a digit), "
			+ "so that Python code can write java.<name>(...)";

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	private Callables() {
	}

	/**
	 * The first name that is not a Python identifier.
	 * @param names the names
	 * @return the name, {@code null} when all are valid
	 */
	static @Nullable String invalidName(Collection<String> names) {
		for (String name : names) {
			if (!IDENTIFIER.matcher(name).matches()) {
				return name;
			}
		}
		return null;
	}

	/**
	 * An unmodifiable copy that keeps the registration order.
	 * @param callables the callables
	 * @return the copy
	 */
	static Map<String, PythonCallable> copy(Map<String, PythonCallable> callables) {
		return Collections.unmodifiableMap(new LinkedHashMap<>(callables));
	}

}
