package dev.embedpython.autoconfigure.module;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers the {@link PythonModule} interfaces of the packages an {@link EnablePythonModules} names (by default,
 * the package of the class it annotates).
 * <p>
 * Thread contract: used once per annotation, by the configuration class parser.
 */
class PythonModulesRegistrar implements ImportBeanDefinitionRegistrar {

	private final Environment environment;

	private final ResourceLoader resourceLoader;

	PythonModulesRegistrar(Environment environment, ResourceLoader resourceLoader) {
		this.environment = environment;
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(EnablePythonModules.class.getName());
		AnnotationAttributes enable = AnnotationAttributes.fromMap(attributes);
		Set<String> packages = new LinkedHashSet<>();
		if (enable != null) {
			packages.addAll(Arrays.asList(enable.getStringArray("basePackages")));
			for (Class<?> type : enable.getClassArray("basePackageClasses")) {
				packages.add(ClassUtils.getPackageName(type));
			}
		}
		if (packages.isEmpty()) {
			packages.add(ClassUtils.getPackageName(metadata.getClassName()));
		}
		new PythonModuleScanner(this.environment, this.resourceLoader).register(packages, registry);
	}

}
