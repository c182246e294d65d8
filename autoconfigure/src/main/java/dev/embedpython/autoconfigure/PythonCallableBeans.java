package dev.embedpython.autoconfigure;

import java.util.Map;
import java.util.regex.Pattern;

import dev.embedpython.PoolOptions;
import dev.embedpython.PythonCallable;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Registers every {@link PythonCallable} bean of the context, under its bean name, with every auto-configured pool:
 * {@code @Bean PythonCallable priceOf()} is {@code java.priceOf(...)} in Python. A bean name that is not a Python
 * identifier fails startup, naming the bean and the fix.
 * <p>
 * Thread contract: called by the pool factory while it creates pool beans.
 */
final class PythonCallableBeans implements PythonPoolCustomizer {

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	private final ListableBeanFactory beanFactory;

	PythonCallableBeans(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void customize(String poolName, PoolOptions.Builder builder) {
		Map<String, PythonCallable> callables = this.beanFactory.getBeansOfType(PythonCallable.class);
		callables.forEach((name, callable) -> {
			if (!IDENTIFIER.matcher(name).matches()) {
				throw new IllegalStateException("PythonCallable bean '" + name + "' cannot be called from Python by "
						+ "that name: a name is a Python identifier (letters, digits and '_', not starting with a digit). "
						+ "Name the bean accordingly, e.g. @Bean(\"" + name.replaceAll("[^A-Za-z0-9_]", "_") + "\")");
			}
			builder.callable(name, callable);
		});
	}

}
