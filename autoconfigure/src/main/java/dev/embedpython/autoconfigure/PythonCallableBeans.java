package dev.embedpython.autoconfigure;

import java.util.regex.Pattern;

import dev.embedpython.PoolOptions;
import dev.embedpython.PythonCallable;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Registers every {@link PythonCallable} bean of the context, under its bean name, with every auto-configured pool:
 * {@code @Bean PythonCallable priceOf()} is {@code java.priceOf(...)} in Python. The bean is looked up at its
 * first call, not when the pool is created, so a callable may depend on beans that use the pool (a
 * {@code PythonTemplate}). A bean name that is not a Python identifier fails startup, naming the bean and the fix.
 * <p>
 * Thread contract: {@link #customize} is called by the pool factory while it creates pool beans; the registered
 * callables are called from any thread.
 */
final class PythonCallableBeans implements PythonPoolCustomizer {

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	private final ListableBeanFactory beanFactory;

	PythonCallableBeans(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void customize(String poolName, PoolOptions.Builder builder) {
		for (String name : this.beanFactory.getBeanNamesForType(PythonCallable.class, true, false)) {
			if (!IDENTIFIER.matcher(name).matches()) {
				throw new IllegalStateException("PythonCallable bean '" + name + "' cannot be called from Python by "
						+ "that name: a name is a Python identifier (letters, digits and '_', not starting with a digit). "
						+ "Name the bean accordingly, e.g. @Bean(\"" + name.replaceAll("[^A-Za-z0-9_]", "_") + "\")");
			}
			builder.callable(name, new LazyBean(this.beanFactory, name));
		}
	}

	/**
	 * A callable bean, fetched from the context at its first call.
	 */
	private static final class LazyBean implements PythonCallable {

		private final ListableBeanFactory beanFactory;

		private final String name;

		private volatile @Nullable PythonCallable bean;

		LazyBean(ListableBeanFactory beanFactory, String name) {
			this.beanFactory = beanFactory;
			this.name = name;
		}

		@Override
		public @Nullable Object call(Invocation invocation) throws Exception {
			PythonCallable target = this.bean;
			if (target == null) {
				target = this.beanFactory.getBean(this.name, PythonCallable.class);
				if (this.beanFactory.isSingleton(this.name)) {
					this.bean = target;
				}
			}
			return target.call(invocation);
		}

		@Override
		public String toString() {
			return "PythonCallable bean '" + this.name + "'";
		}

	}

}
