package dev.embedpython.autoconfigure;

import java.util.Map;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonTemplate;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one {@link PythonPool} bean and one {@link PythonTemplate} bean per {@code python.pools.<name>} entry:
 * bean names {@code <name>PythonPool} and {@code <name>PythonTemplate}, both qualified {@code <name>}. The pool is
 * created by {@link PythonPoolFactory#create(String)} of the context's {@code PythonPoolFactory}, found by type, so a
 * user's factory under any bean name is used. The beans are not default candidates: an unqualified
 * {@code PythonPool} or {@code PythonTemplate} injection point still gets the default one, and
 * {@code @Qualifier("<name>")} selects a named one.
 * <p>
 * Thread contract: used once, by the configuration class parser.
 */
class PythonPoolsRegistrar implements ImportBeanDefinitionRegistrar {

	private final Environment environment;

	PythonPoolsRegistrar(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
		Map<String, PythonProperties.Pool> pools = Binder.get(this.environment)
			.bind("python.pools", Bindable.mapOf(String.class, PythonProperties.Pool.class))
			.orElse(Map.of());
		for (String name : pools.keySet()) {
			String key = "python.pools." + name;
			PythonPoolFactory.checkName(name, key);
			PythonPoolFactory.require(!PythonAutoConfiguration.DEFAULT_POOL_NAME.equals(name), key, name,
					"'" + name + "' is the name of the pool configured under python.pool; choose another name");
			// The python health contributor shows the runtime as a component next to the pools.
			PythonPoolFactory.require(!"runtime".equals(name), key, name,
					"'runtime' is the name of the runtime's health component; choose another name");
			registry.registerBeanDefinition(beanName(name), definition(name));
			registry.registerBeanDefinition(templateBeanName(name), templateDefinition(name));
		}
	}

	/**
	 * The bean name of a named pool.
	 * @param name the pool's name
	 * @return {@code <name>PythonPool}
	 */
	static String beanName(String name) {
		return name + "PythonPool";
	}

	/**
	 * The bean name of a named pool's template.
	 * @param name the pool's name
	 * @return {@code <name>PythonTemplate}
	 */
	static String templateBeanName(String name) {
		return name + "PythonTemplate";
	}

	/**
	 * Create a named pool: the factory method of the pool bean definitions, whose factory argument is autowired by
	 * type.
	 * @param factory the context's pool factory
	 * @param name the pool's name
	 * @return the pool
	 */
	static PythonPool createPool(PythonPoolFactory factory, String name) {
		return factory.create(name);
	}

	private static RootBeanDefinition definition(String name) {
		RootBeanDefinition definition = new RootBeanDefinition(PythonPoolsRegistrar.class);
		definition.setTargetType(PythonPool.class);
		definition.setFactoryMethodName("createPool");
		definition.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(1, name);
		definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
		definition.setDefaultCandidate(false);
		definition.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
		return definition;
	}

	private static RootBeanDefinition templateDefinition(String name) {
		RootBeanDefinition definition = new RootBeanDefinition(PythonTemplate.class);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, new RuntimeBeanReference(beanName(name)));
		definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
		definition.setDefaultCandidate(false);
		return definition;
	}

}
