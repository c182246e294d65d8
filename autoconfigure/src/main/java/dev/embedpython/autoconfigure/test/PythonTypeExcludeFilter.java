package dev.embedpython.autoconfigure.test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.List;

import dev.embedpython.PythonCallable;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonTemplate;
import dev.embedpython.autoconfigure.module.PythonModule;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.test.context.filter.annotation.StandardAnnotationCustomizableTypeExcludeFilter;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;

/**
 * The {@code TypeExcludeFilter} of {@link PythonTest @PythonTest}: keeps the components that take a
 * {@link PythonTemplate}, a {@link PythonPool} or a {@link PythonModule @PythonModule} interface (constructor
 * parameter or field), controllers excepted, and those the annotation's filters include.
 * <p>
 * Thread contract: used by the component scan of one test context.
 */
class PythonTypeExcludeFilter extends StandardAnnotationCustomizableTypeExcludeFilter<PythonTest> {

	private static final List<Class<?>> PYTHON_TYPES = List.of(PythonTemplate.class, PythonPool.class);

	private @Nullable ClassLoader classLoader;

	PythonTypeExcludeFilter(Class<?> testClass) {
		super(testClass);
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		super.setBeanClassLoader(classLoader);
		this.classLoader = classLoader;
	}

	@Override
	protected boolean defaultInclude(MetadataReader metadataReader, MetadataReaderFactory metadataReaderFactory)
			throws IOException {
		if (super.defaultInclude(metadataReader, metadataReaderFactory)) {
			return true;
		}
		if (metadataReader.getAnnotationMetadata().hasAnnotation(Controller.class.getName())
				|| metadataReader.getAnnotationMetadata().hasMetaAnnotation(Controller.class.getName())) {
			return false;
		}
		return usesPython(metadataReader.getClassMetadata().getClassName());
	}

	private boolean usesPython(String className) {
		Class<?> type;
		try {
			type = ClassUtils.forName(className, this.classLoader);
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
		if (PythonCallable.class.isAssignableFrom(type)) {
			// Python code of the slice's pools calls it: without it, java.<name>() fails.
			return true;
		}
		for (Constructor<?> constructor : type.getDeclaredConstructors()) {
			for (Class<?> parameter : constructor.getParameterTypes()) {
				if (isPythonType(parameter)) {
					return true;
				}
			}
		}
		for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
			for (Field field : current.getDeclaredFields()) {
				if (isPythonType(field.getType())) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean isPythonType(Class<?> type) {
		if (type.isAnnotationPresent(PythonModule.class)) {
			return true;
		}
		for (Class<?> pythonType : PYTHON_TYPES) {
			if (pythonType.isAssignableFrom(type)) {
				return true;
			}
		}
		return false;
	}

}
