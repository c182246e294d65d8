package dev.embedpython.autoconfigure;

import dev.embedpython.RuntimeOptions;

/**
 * Callback to customize the {@link RuntimeOptions} of the auto-configured {@link dev.embedpython.PythonRuntime}
 * after the {@code python.*} properties have been applied. Every bean of this type is applied, in
 * {@link org.springframework.core.Ordered order}.
 * <p>
 * Thread contract: called once, on the thread that creates the runtime bean.
 */
@FunctionalInterface
public interface PythonRuntimeCustomizer {

	/**
	 * Customize the runtime options.
	 * @param builder the builder, already holding the configured values
	 */
	void customize(RuntimeOptions.Builder builder);

}
