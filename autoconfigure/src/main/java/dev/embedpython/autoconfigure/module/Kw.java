package dev.embedpython.autoconfigure.module;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Passes a parameter of a {@link PythonModule} method by keyword: {@code rows(@Kw("limit") int limit)} calls
 * {@code rows(limit=...)}. Keyword parameters may appear anywhere in the Java signature; the others are passed
 * positionally, in order.
 * <p>
 * Thread contract: an annotation, read when the bean is created.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Kw {

	/**
	 * The keyword. When empty, the parameter's name, which the class file holds only when compiled with
	 * {@code -parameters} (Spring Boot's build plugins set it); without it the context fails to start.
	 * @return the keyword
	 */
	String value() default "";

}
