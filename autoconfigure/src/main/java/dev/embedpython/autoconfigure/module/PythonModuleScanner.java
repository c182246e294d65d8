package dev.embedpython.autoconfigure.module;

import java.util.Collection;
import java.util.List;

import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Kind;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Problem;

import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.AnnotationBeanNameGenerator;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Finds the {@link PythonModule} interfaces in packages and registers a {@link PythonModuleFactoryBean} for each,
 * named like a component ({@code Pricing} becomes {@code pricing}). An interface found twice (by two scans) is
 * registered once.
 * <p>
 * Thread contract: used by one configuration class parser at a time.
 */
final class PythonModuleScanner {

	private static final String JSON_MAPPER = "tools.jackson.databind.json.JsonMapper";

	private final ClassPathScanningCandidateComponentProvider scanner;

	private final ClassLoader classLoader;

	PythonModuleScanner(Environment environment, ResourceLoader resourceLoader) {
		this.scanner = new ClassPathScanningCandidateComponentProvider(false, environment) {

			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isIndependent();
			}

		};
		this.scanner.setResourceLoader(resourceLoader);
		this.scanner.addIncludeFilter(new AnnotationTypeFilter(PythonModule.class, true, true));
		ClassLoader classLoader = resourceLoader.getClassLoader();
		this.classLoader = (classLoader != null) ? classLoader : ClassUtils.getDefaultClassLoader();
	}

	/**
	 * Register the interfaces in these packages and their sub-packages.
	 * @param packages the packages
	 * @param registry where to register
	 * @throws PythonModuleValidationException if an annotated type is not an interface, or Jackson is missing
	 */
	void register(Collection<String> packages, BeanDefinitionRegistry registry) {
		for (String basePackage : packages) {
			for (BeanDefinition candidate : this.scanner.findCandidateComponents(basePackage)) {
				register((AnnotatedBeanDefinition) candidate, registry);
			}
		}
	}

	private void register(AnnotatedBeanDefinition candidate, BeanDefinitionRegistry registry) {
		String className = candidate.getMetadata().getClassName();
		Class<?> type = ClassUtils.resolveClassName(className, this.classLoader);
		if (!type.isInterface()) {
			throw new PythonModuleValidationException(type, List.of(new Problem(Kind.DEFINITION, type.getSimpleName(),
					"@PythonModule is for interfaces, and " + className + " is a class")));
		}
		if (!ClassUtils.isPresent(JSON_MAPPER, this.classLoader)) {
			throw new PythonModuleValidationException(type, List.of(new Problem(Kind.MAPPER, type.getSimpleName(),
					"@PythonModule interfaces need Jackson 3 (" + JSON_MAPPER + ") on the class path")));
		}
		String name = AnnotationBeanNameGenerator.INSTANCE.generateBeanName(candidate, registry);
		if (registry.containsBeanDefinition(name)
				&& type.equals(registry.getBeanDefinition(name).getAttribute(FactoryBean.OBJECT_TYPE_ATTRIBUTE))) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(PythonModuleFactoryBean.class);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, type);
		definition.setAttribute(FactoryBean.OBJECT_TYPE_ATTRIBUTE, type);
		// Explicitly eager: spring.main.lazy-initialization does not postpone the check of the module.
		definition.setLazyInit(false);
		definition.setSource(candidate.getSource());
		definition.setDescription("@PythonModule interface " + className);
		registry.registerBeanDefinition(name, definition);
	}

}
