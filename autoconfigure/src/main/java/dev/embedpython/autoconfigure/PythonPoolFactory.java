package dev.embedpython.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import dev.embedpython.CallObserver;
import dev.embedpython.InvalidPoolOptionException;
import dev.embedpython.PoolOptions;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Creates the auto-configured pools: maps a {@link PythonProperties.Pool} group to {@link PoolOptions}, checking
 * each value against its key, applies the {@link PythonPoolCustomizer customizers}, creates the pool on the runtime
 * (which warms it up: interpreters created, preloads imported, init script run) and installs the
 * {@link CallObserver} beans, composed in {@link org.springframework.core.annotation.Order order} when there are
 * several.
 * <p>
 * A named pool ({@code python.pools.<name>}) starts from the values of {@code python.pool} and overrides the keys it
 * sets, like resilience4j's {@code configs.default}: {@code python.pool.call-timeout: 10s} applies to every pool
 * that does not set its own.
 * <p>
 * Thread contract: thread-safe; called by the bean factory while it creates pool beans.
 */
public final class PythonPoolFactory {

	private static final Pattern POOL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

	private final PythonRuntime runtime;

	private final PythonProperties properties;

	private final Binder binder;

	private final @Nullable Duration shutdownPhaseTimeout;

	private final ObjectProvider<PythonPoolCustomizer> customizers;

	private final ObjectProvider<CallObserver> callObservers;

	/**
	 * Create a factory.
	 * @param runtime the runtime the pools are created on
	 * @param properties the bound properties
	 * @param binder the binder of the environment, to bind a named pool over the default pool's values
	 * @param shutdownPhaseTimeout {@code spring.lifecycle.timeout-per-shutdown-phase}, the drain timeout of pools
	 * that set none
	 * @param customizers the pool customizers
	 * @param callObservers the observers to install on every pool, in order
	 */
	public PythonPoolFactory(PythonRuntime runtime, PythonProperties properties, Binder binder,
			@Nullable Duration shutdownPhaseTimeout, ObjectProvider<PythonPoolCustomizer> customizers,
			ObjectProvider<CallObserver> callObservers) {
		this.runtime = runtime;
		this.properties = properties;
		this.binder = binder;
		this.shutdownPhaseTimeout = shutdownPhaseTimeout;
		this.customizers = customizers;
		this.callObservers = callObservers;
	}

	/**
	 * Create the pool of {@code python.pool} (for {@value PythonAutoConfiguration#DEFAULT_POOL_NAME}) or of
	 * {@code python.pools.<name>}.
	 * @param name the pool's name
	 * @return the pool, warm
	 */
	public PythonPool create(String name) {
		PoolOptions options = options(name);
		PythonPool pool;
		try {
			pool = this.runtime.newPool(options);
		}
		catch (InvalidPoolOptionException ex) {
			throw invalidProperty(prefix(name), ex);
		}
		CallObserver observer = CompositeCallObserver.of(this.callObservers.orderedStream().toList());
		if (observer != null) {
			pool.setCallObserver(observer);
		}
		return pool;
	}

	/**
	 * The options of a pool: its properties checked and mapped, then customized.
	 * @param name {@value PythonAutoConfiguration#DEFAULT_POOL_NAME} or a key of {@code python.pools}
	 * @return the options
	 * @throws InvalidConfigurationPropertyValueException naming the first invalid key
	 */
	PoolOptions options(String name) {
		boolean isDefault = PythonAutoConfiguration.DEFAULT_POOL_NAME.equals(name);
		String prefix = prefix(name);
		if (!isDefault && !this.properties.getPools().containsKey(name)) {
			throw new IllegalStateException("No pool named '" + name + "' is configured under python.pools (pools: "
					+ this.properties.getPools().keySet() + ")");
		}
		PythonProperties.Pool pool = isDefault ? this.properties.getPool() : inherited(prefix);
		PoolOptions.Builder builder = map(name, prefix, pool);
		this.customizers.orderedStream().forEach((customizer) -> customizer.customize(name, builder));
		try {
			return builder.build();
		}
		catch (InvalidPoolOptionException ex) {
			throw invalidProperty(prefix, ex);
		}
	}

	private static String prefix(String name) {
		return PythonAutoConfiguration.DEFAULT_POOL_NAME.equals(name) ? "python.pool" : "python.pools." + name;
	}

	/**
	 * The core's validation, the only one, reported against the property: {@code callTimeout} of pool
	 * {@code reports} becomes {@code python.pools.reports.call-timeout}.
	 */
	private static InvalidConfigurationPropertyValueException invalidProperty(String prefix,
			InvalidPoolOptionException ex) {
		String key = prefix + "." + ex.option().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
		InvalidConfigurationPropertyValueException mapped = new InvalidConfigurationPropertyValueException(key,
				ex.value(), ex.reason());
		mapped.initCause(ex);
		return mapped;
	}

	/**
	 * The settings of a named pool: the default pool's values, overridden by the keys set under its prefix.
	 */
	private PythonProperties.Pool inherited(String prefix) {
		PythonProperties.Pool pool = this.properties.getPool().copy();
		this.binder.bind(prefix, Bindable.ofInstance(pool));
		return pool;
	}

	private PoolOptions.Builder map(String name, String prefix, PythonProperties.Pool pool) {
		checkName(name, prefix);
		PoolOptions.Builder builder = PoolOptions.builder().name(name);
		Integer size = pool.getSize();
		if (size != null) {
			builder.size(size);
		}
		require(pool.getIsolation() != null, prefix + ".isolation", null, "must be one of own-gil, shared-gil, main");
		builder.isolation(pool.getIsolation());
		Duration acquireTimeout = pool.getAcquireTimeout();
		require(acquireTimeout != null, prefix + ".acquire-timeout", null, "must be set");
		builder.acquireTimeout(acquireTimeout);
		builder.callTimeout(pool.getCallTimeout());
		Duration stuckGracePeriod = pool.getStuckGracePeriod();
		require(stuckGracePeriod != null, prefix + ".stuck-grace-period", null, "must be set");
		builder.stuckGracePeriod(stuckGracePeriod);
		Duration drainTimeout = pool.getDrainTimeout();
		if (drainTimeout != null) {
			builder.drainTimeout(drainTimeout);
		}
		else if (this.shutdownPhaseTimeout != null && !this.shutdownPhaseTimeout.isNegative()) {
			builder.drainTimeout(this.shutdownPhaseTimeout);
		}
		List<String> preload = pool.getPreload();
		for (int i = 0; i < preload.size(); i++) {
			require(preload.get(i) != null, prefix + ".preload[" + i + "]", null, "is not a module name");
		}
		builder.preload(preload);
		builder.initScript(pool.getInitScript());
		builder.maxUses(pool.getMaxUses());
		setIfPresent(pool.getAllowThreads(), builder::allowThreads);
		setIfPresent(pool.getAllowFork(), builder::allowFork);
		setIfPresent(pool.getAllowExec(), builder::allowExec);
		Duration creationTimeout = pool.getCreationTimeout();
		require(creationTimeout != null, prefix + ".creation-timeout", null, "must be set");
		builder.creationTimeout(creationTimeout);
		builder.leakDetectionThreshold(pool.getLeakDetectionThreshold());
		// Per pool as well: the runtime may have been started by another context, with other settings.
		builder.loggingEnabled(this.properties.getLogging().isEnabled());
		builder.captureOutput(this.properties.getLogging().isCaptureOutput());
		return builder;
	}

	private static void setIfPresent(@Nullable Boolean value, Consumer<Boolean> setter) {
		if (value != null) {
			setter.accept(value);
		}
	}

	static void checkName(String name, String prefix) {
		require(POOL_NAME.matcher(name).matches(), prefix, name,
				"a pool name starts with a letter or digit and holds only letters, digits, '.', '-' and '_'");
	}

	static void require(boolean condition, String key, @Nullable Object value, String reason) {
		if (!condition) {
			throw new InvalidConfigurationPropertyValueException(key, value, reason);
		}
	}

}
