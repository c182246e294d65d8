package dev.embedpython.autoconfigure;

import java.util.Map;

import dev.embedpython.PythonPool;

import org.springframework.beans.factory.annotation.Qualifier;
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
 * Registers one {@link PythonPool} bean per {@code python.pools.<name>} entry: bean name
 * {@code <name>PythonPool}, qualifier {@code <name>}, created by {@link PythonPoolFactory#create(String)}. The beans
 * are not default candidates: an unqualified {@code PythonPool} injection point still gets the default pool, and
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

	private static RootBeanDefinition definition(String name) {
		RootBeanDefinition definition = new RootBeanDefinition();
		definition.setTargetType(PythonPool.class);
		definition.setFactoryBeanName(PythonAutoConfiguration.POOL_FACTORY_BEAN_NAME);
		definition.setFactoryMethodName("create");
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
		definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
		definition.setDefaultCandidate(false);
		definition.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
		return definition;
	}

}
