package dev.embedpython.autoconfigure.module;

import java.util.List;

import dev.embedpython.autoconfigure.PythonAutoConfiguration;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;

/**
 * {@link AutoConfiguration Auto-configuration} of {@link PythonModule} interfaces: those in the application's
 * auto-configuration packages (the package of the {@code @SpringBootApplication} class and below) become beans,
 * unless an {@link EnablePythonModules} has registered interfaces itself, as Spring Data does for repositories.
 * <p>
 * Thread contract: used by the bean factory, on the thread that refreshes the context.
 */
@AutoConfiguration(after = PythonAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "python.enabled", matchIfMissing = true)
@ConditionalOnMissingBean(type = "dev.embedpython.autoconfigure.module.PythonModuleFactoryBean")
@Import(PythonModulesAutoConfiguration.AutoConfigurationPackagesRegistrar.class)
public final class PythonModulesAutoConfiguration {

	/**
	 * Registers the interfaces of the auto-configuration packages.
	 */
	static class AutoConfigurationPackagesRegistrar implements ImportBeanDefinitionRegistrar {

		private final BeanFactory beanFactory;

		private final Environment environment;

		private final ResourceLoader resourceLoader;

		AutoConfigurationPackagesRegistrar(BeanFactory beanFactory, Environment environment,
				ResourceLoader resourceLoader) {
			this.beanFactory = beanFactory;
			this.environment = environment;
			this.resourceLoader = resourceLoader;
		}

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			if (!AutoConfigurationPackages.has(this.beanFactory)) {
				return;
			}
			List<String> packages = AutoConfigurationPackages.get(this.beanFactory);
			new PythonModuleScanner(this.environment, this.resourceLoader).register(packages, registry);
		}

	}

}
