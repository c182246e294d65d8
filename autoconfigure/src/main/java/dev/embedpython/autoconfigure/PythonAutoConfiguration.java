package dev.embedpython.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.embedpython.CallObserver;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonTemplate;
import dev.embedpython.RuntimeOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * {@link AutoConfiguration Auto-configuration} of embedpython: the process-wide {@link PythonRuntime}, the default
 * {@link PythonPool} ({@code pythonPool}) and its {@link PythonTemplate}, one pool and one template per
 * {@code python.pools.<name>} (qualifier {@code <name>}, unset keys inherited from {@code python.pool}), and the {@link PythonLifecycle} that warms lazy pools before the
 * application reports ready. Pools are closed when their beans are destroyed, after every lifecycle component (the
 * web server included) has stopped.
 * <p>
 * The runtime is started by its bean factory method and closed when the bean is destroyed.
 * {@link PythonRuntime#start(RuntimeOptions)} is reference-counted, so several contexts in one JVM (Spring's test
 * context cache, a parent and a child) share one CPython, which is finalized when the last of them closes.
 * <p>
 * Thread contract: used by the bean factory, on the thread that refreshes the context.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "python.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PythonProperties.class)
@Import(PythonPoolsRegistrar.class)
public final class PythonAutoConfiguration {

	/**
	 * The name of the default pool, configured under {@code python.pool}.
	 */
	public static final String DEFAULT_POOL_NAME = "default";

	/**
	 * The bean name of the default pool.
	 */
	public static final String DEFAULT_POOL_BEAN_NAME = "pythonPool";

	static final String POOL_FACTORY_BEAN_NAME = "pythonPoolFactory";

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	PythonRuntime pythonRuntime(PythonProperties properties, ResourceLoader resourceLoader,
			ObjectProvider<PythonRuntimeCustomizer> customizers) {
		RuntimeOptions.Builder builder = RuntimeOptions.builder();
		Path home = configured("python.home", properties.getHome());
		if (home != null) {
			builder.home(home);
		}
		Path cacheDir = cacheDir(properties);
		builder.cacheDir(cacheDir);
		builder.paths(new PythonPathResolver(resourceLoader, cacheDir).resolve(properties.getPath()));
		builder.loggingEnabled(properties.getLogging().isEnabled());
		builder.captureOutput(properties.getLogging().isCaptureOutput());
		builder.binding(properties.getBinding());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return PythonRuntime.start(builder.build());
	}

	@Bean(POOL_FACTORY_BEAN_NAME)
	@ConditionalOnMissingBean
	PythonPoolFactory pythonPoolFactory(PythonRuntime runtime, PythonProperties properties, Environment environment,
			ObjectProvider<LifecycleProperties> lifecycleProperties, ObjectProvider<PythonPoolCustomizer> customizers,
			ObjectProvider<CallObserver> callObservers) {
		Binder binder = Binder.get(environment);
		// Boot's own bean where LifecycleAutoConfiguration runs, else the same key bound here (30 s by default).
		Duration shutdownPhaseTimeout = lifecycleProperties
			.getIfAvailable(() -> binder.bindOrCreate("spring.lifecycle", LifecycleProperties.class))
			.getTimeoutPerShutdownPhase();
		return new PythonPoolFactory(runtime, properties, binder, shutdownPhaseTimeout, customizers, callObservers);
	}

	@Bean(DEFAULT_POOL_BEAN_NAME)
	@ConditionalOnMissingBean(PythonPool.class)
	PythonPool pythonPool(PythonPoolFactory poolFactory) {
		return poolFactory.create(DEFAULT_POOL_NAME);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnSingleCandidate(PythonPool.class)
	PythonTemplate pythonTemplate(PythonPool pool) {
		return new PythonTemplate(pool);
	}

	@Bean
	PythonPoolCustomizer pythonCallablesPoolCustomizer(ListableBeanFactory beanFactory) {
		return new PythonCallableBeans(beanFactory);
	}

	@Bean
	@ConditionalOnMissingBean
	PythonLifecycle pythonLifecycle(ObjectProvider<PythonPool> pools) {
		return new PythonLifecycle(pools);
	}

	@Bean
	@Conditional(OnPythonReloadCondition.class)
	@ConditionalOnMissingBean
	PythonSourceReloader pythonSourceReloader(PythonProperties properties, ResourceLoader resourceLoader,
			ObjectProvider<PythonPool> pools) {
		Duration quietPeriod = properties.getDev().getQuietPeriod();
		if (quietPeriod == null || quietPeriod.isNegative() || quietPeriod.isZero()) {
			throw new InvalidConfigurationPropertyValueException("python.dev.quiet-period", quietPeriod,
					"must be positive");
		}
		Path cacheDir = cacheDir(properties);
		// Copies of classpath directories inside jars never change: only directories on disk are watched.
		List<Path> directories = new PythonPathResolver(resourceLoader, cacheDir).resolve(properties.getPath())
			.stream()
			.filter((directory) -> !directory.startsWith(cacheDir))
			.toList();
		return new PythonSourceReloader(directories, pools, quietPeriod);
	}

	@Bean
	PythonStartupLogger pythonStartupLogger(PythonRuntime runtime, ObjectProvider<PythonPool> pools) {
		return new PythonStartupLogger(runtime, pools);
	}

	/**
	 * A {@code python.path} entry: a leading {@code ~} stands for the user's home directory.
	 * @param value the configured value
	 * @return the path
	 */
	static Path expandHome(String value) {
		if (value.equals("~") || value.startsWith("~/")) {
			return Path.of(System.getProperty("user.home") + value.substring(1));
		}
		return Path.of(value);
	}

	private static Path cacheDir(PythonProperties properties) {
		Path cacheDir = configured("python.cache-dir", properties.getCacheDir());
		return (cacheDir != null) ? cacheDir : RuntimeOptions.defaultCacheDir();
	}

	/**
	 * A configured directory, {@code null} when unset or empty. A leading {@code ~} is refused rather than taken as
	 * a directory of that name: the way to say the home directory is the {@code ${user.home}} placeholder.
	 */
	private static @Nullable Path configured(String key, @Nullable Path path) {
		if (path == null || path.toString().isBlank()) {
			return null;
		}
		if (path.toString().startsWith("~")) {
			throw new InvalidConfigurationPropertyValueException(key, path,
					"'~' is not expanded; write ${user.home}" + path.toString().substring(1) + " instead");
		}
		return path;
	}

}
