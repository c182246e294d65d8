package dev.embedpython.autoconfigure;

import dev.embedpython.PoolOptions;

/**
 * Callback to customize the {@link PoolOptions} of each auto-configured {@link dev.embedpython.PythonPool} (the
 * default pool and every {@code python.pools.<name>} pool) after the properties have been applied. Every bean of
 * this type is applied, in {@link org.springframework.core.Ordered order}, to every pool.
 * <p>
 * Thread contract: called once per pool, on the thread that creates the pool bean.
 */
@FunctionalInterface
public interface PythonPoolCustomizer {

	/**
	 * Customize the options of one pool.
	 * @param poolName the pool's name: {@value PythonAutoConfiguration#DEFAULT_POOL_NAME} for the default pool,
	 * the map key for a {@code python.pools.<name>} pool
	 * @param builder the builder, already holding the configured values
	 */
	void customize(String poolName, PoolOptions.Builder builder);

}
