package dev.embedpython.autoconfigure.module;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the Python function a method of a {@link PythonModule} interface calls, when it is not the method's name
 * ({@code @PythonFunction("list_skus") List<String> skus()}).
 * <p>
 * Thread contract: an annotation, read when the bean is created.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PythonFunction {

	/**
	 * The function's name in the module: any callable attribute.
	 * @return the name
	 */
	String value();

}
