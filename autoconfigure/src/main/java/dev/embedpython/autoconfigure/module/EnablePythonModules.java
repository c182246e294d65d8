package dev.embedpython.autoconfigure.module;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;

/**
 * Registers a bean for each {@link PythonModule} interface in the given packages (like Spring Data's
 * {@code @Enable...Repositories}). Without it, the interfaces in the application's auto-configuration packages
 * (those of the {@code @SpringBootApplication} class) are registered; with it, only those it names.
 * <p>
 * Thread contract: an annotation, read once by the configuration class parser.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(PythonModulesRegistrar.class)
public @interface EnablePythonModules {

	/**
	 * Alias for {@link #basePackages()}.
	 * @return the packages to scan
	 */
	@AliasFor("basePackages")
	String[] value() default {};

	/**
	 * Packages to scan for {@link PythonModule} interfaces, sub-packages included. When neither this nor
	 * {@link #basePackageClasses()} is set, the package of the annotated class.
	 * @return the packages to scan
	 */
	@AliasFor("value")
	String[] basePackages() default {};

	/**
	 * Classes whose packages are scanned, a type-safe alternative to {@link #basePackages()}.
	 * @return classes marking the packages to scan
	 */
	Class<?>[] basePackageClasses() default {};

}
