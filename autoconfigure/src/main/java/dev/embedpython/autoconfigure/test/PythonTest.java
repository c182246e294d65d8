package dev.embedpython.autoconfigure.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.core.annotation.AliasFor;
import org.springframework.core.env.Environment;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Annotation for a test of Python-backed services, like {@code @JdbcTest} for JDBC code: full auto-configuration is
 * disabled and only the Python auto-configuration ({@link AutoConfigurePython}) applies, with a default pool of one
 * interpreter ({@code python.pool.size=1} unless {@link #properties()} says otherwise; named pools inherit it). The
 * application's own settings ({@code python.path}, preloads) are read as usual.
 * <p>
 * Of the application's components, only those that take a {@code PythonTemplate}, a {@code PythonPool} or a
 * {@code @PythonModule} interface (as a constructor parameter or a field) are included, controllers excepted;
 * {@link #includeFilters()} adds others. {@code @PythonModule} interfaces are registered as in the application, and
 * values cross through Boot's {@code JsonMapper} when Jackson is on the class path.
 * <p>
 * Thread contract: an annotation, read by the test framework.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(PythonTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(PythonTypeExcludeFilter.class)
@AutoConfigurePython
@ImportAutoConfiguration
public @interface PythonTest {

	/**
	 * Properties in form {@literal key=value} that should be added to the Spring {@link Environment} before the
	 * test runs; they win over the slice's {@code python.pool.size=1}.
	 * @return the properties to add
	 */
	String[] properties() default {};

	/**
	 * Whether default filtering should be used with {@code @SpringBootApplication}: by default, only components
	 * that take a {@code PythonTemplate}, a {@code PythonPool} or a {@code @PythonModule} interface are included.
	 * @return if default filters should be used
	 */
	boolean useDefaultFilters() default true;

	/**
	 * Include filters to add otherwise filtered beans to the application context.
	 * @return include filters to apply
	 */
	Filter[] includeFilters() default {};

	/**
	 * Exclude filters to filter beans that would otherwise be added to the application context.
	 * @return exclude filters to apply
	 */
	Filter[] excludeFilters() default {};

	/**
	 * Auto-configuration exclusions that should be applied for this test.
	 * @return auto-configuration exclusions to apply
	 */
	@AliasFor(annotation = ImportAutoConfiguration.class, attribute = "exclude")
	Class<?>[] excludeAutoConfiguration() default {};

}
