package dev.embedpython.autoconfigure.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * {@link ImportAutoConfiguration Auto-configuration imports} of a Python test slice: the auto-configurations listed
 * in {@code META-INF/spring/dev.embedpython.autoconfigure.test.AutoConfigurePython.imports} (the runtime, the pools
 * and their templates). Use it directly to add the Python beans to another slice.
 * <p>
 * Thread contract: an annotation, read by the test framework.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigurePython {

}
