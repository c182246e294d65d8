package dev.embedpython.autoconfigure.module;

import java.util.List;

import dev.embedpython.PythonPool;
import dev.embedpython.autoconfigure.PythonProperties;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Kind;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Problem;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanNameAware;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.SmartFactoryBean;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The bean of one {@link PythonModule} interface. Its pool, the application's {@link JsonMapper} (Jackson's
 * default one when the context has none, or several without a primary) and {@code python.modules.*} are looked up
 * when the implementation is created, not when the bean is defined, so they come from their own auto-configurations
 * in the usual order. It is created with the context's singletons, even under lazy initialization, so that a module
 * or function that is missing fails the start ({@code python.modules.validate}); the bean depends on its pool, so
 * beans that use the interface are destroyed before the pool closes.
 * <p>
 * Thread contract: created and initialized by the bean factory; {@link #getObject()} is thread-safe.
 *
 * @param <T> the interface
 */
class PythonModuleFactoryBean<T> implements SmartFactoryBean<T>, BeanFactoryAware, BeanNameAware {

	private final Class<T> type;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	private String beanName = "";

	private volatile @Nullable T object;

	PythonModuleFactoryBean(Class<T> type) {
		this.type = type;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void setBeanName(String name) {
		this.beanName = name;
	}

	@Override
	public T getObject() {
		T object = this.object;
		if (object == null) {
			synchronized (this) {
				object = this.object;
				if (object == null) {
					object = create();
					this.object = object;
				}
			}
		}
		return object;
	}

	private T create() {
		ConfigurableListableBeanFactory beanFactory = this.beanFactory;
		if (beanFactory == null) {
			throw new IllegalStateException("No bean factory set on the factory of " + this.type.getName());
		}
		PythonModule annotation = this.type.getAnnotation(PythonModule.class);
		String poolName = (annotation != null) ? annotation.pool() : PythonModuleProxyFactory.DEFAULT_POOL;
		PythonPool pool = pool(beanFactory, poolName);
		for (String name : beanFactory.getBeanNamesForType(PythonPool.class, true, false)) {
			if (beanFactory.containsSingleton(name) && beanFactory.getSingleton(name) == pool) {
				beanFactory.registerDependentBean(name, this.beanName);
			}
		}
		PythonProperties.Modules settings = beanFactory.getBeanProvider(PythonProperties.class)
			.getIfAvailable(PythonProperties::new)
			.getModules();
		if (settings.getStreamBatchSize() < 1) {
			throw new InvalidConfigurationPropertyValueException("python.modules.stream-batch-size",
					settings.getStreamBatchSize(), "must be at least 1");
		}
		PythonModuleProxyFactory.Builder builder = PythonModuleProxyFactory.builder()
			.pool(poolName, pool)
			.streamBatchSize(settings.getStreamBatchSize())
			.validate(settings.isValidate());
		beanFactory.getBeanProvider(JsonMapper.class).ifUnique(builder::jsonMapper);
		return builder.build().createClient(this.type);
	}

	private PythonPool pool(ConfigurableListableBeanFactory beanFactory, String name) {
		try {
			if (PythonModuleProxyFactory.DEFAULT_POOL.equals(name)) {
				return beanFactory.getBean(PythonPool.class);
			}
			return BeanFactoryAnnotationUtils.qualifiedBeanOfType(beanFactory, PythonPool.class, name);
		}
		catch (NoSuchBeanDefinitionException ex) {
			String reason;
			if (ex instanceof NoUniqueBeanDefinitionException unique) {
				reason = "pool '" + name + "' is ambiguous: " + unique.getNumberOfBeansFound()
						+ " PythonPool beans qualify " + unique.getBeanNamesFound() + "; mark one @Primary";
			}
			else if (PythonModuleProxyFactory.DEFAULT_POOL.equals(name)) {
				reason = "there is no default PythonPool bean (is python.enabled false?)";
			}
			else {
				reason = "pool '" + name + "' is not configured: set python.pools." + name + ".* or use pool = \""
						+ PythonModuleProxyFactory.DEFAULT_POOL + "\"";
			}
			throw new PythonModuleValidationException(this.type,
					List.of(new Problem(Kind.POOL, this.type.getSimpleName(), reason)));
		}
	}

	@Override
	public Class<T> getObjectType() {
		return this.type;
	}

	@Override
	public boolean isEagerInit() {
		return true;
	}

}
