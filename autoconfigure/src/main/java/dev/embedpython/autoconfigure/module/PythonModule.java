package dev.embedpython.autoconfigure.module;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an interface whose methods call the functions of a Python module, like Spring's HTTP interface clients
 * call an HTTP service:
 *
 * <pre class="code">
 * &#64;PythonModule("pricing")
 * public interface Pricing {
 *     Quote quote(String sku, int quantity);                 // pricing.quote(sku, quantity)
 *     &#64;PythonFunction("list_skus") List&lt;String&gt; skus();
 *     Stream&lt;Row&gt; rows(&#64;Kw("limit") int limit);            // a generator, consumed lazily
 * }
 * </pre>
 *
 * Each call borrows one interpreter of the {@link #pool() pool} and gives it back, except for methods returning
 * {@link java.util.stream.Stream} or {@link java.util.Iterator}, which keep it until the stream is closed or
 * exhausted. The interface becomes a bean (found by {@link EnablePythonModules} or in the application's
 * auto-configuration packages); when the context starts, the module is imported and every method's function is
 * checked to exist, to be callable and to accept the method's arguments.
 * <p>
 * A method calls the function of its own name unless {@link PythonFunction} names another; parameters are passed
 * positionally in order, those annotated {@link Kw} by keyword. Default methods run as Java code.
 * <p>
 * Thread contract: an annotation, read when the bean is created.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PythonModule {

	/**
	 * The module to import, as {@code import} spells it: {@code pricing}, {@code myapp.scoring}.
	 * @return the module name
	 */
	String value();

	/**
	 * The pool whose interpreters run the calls: {@code default} for the pool configured under {@code python.pool}
	 * (the unqualified {@code PythonPool} bean), or the name of a {@code python.pools.<name>} pool.
	 * @return the pool's name
	 */
	String pool() default PythonModuleProxyFactory.DEFAULT_POOL;

}
