package dev.embedpython.autoconfigure.metrics;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import dev.embedpython.PoolListener;
import dev.embedpython.PoolStats;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters of the Python runtime and of each pool (tag {@code pool} = the pool's name):
 * <ul>
 * <li>{@code python.runtime.info} (gauge, always 1, tag {@code version})</li>
 * <li>{@code python.pool.interpreters} (gauge, tag {@code state} = {@code active}, {@code idle} or
 * {@code stuck})</li>
 * <li>{@code python.pool.pending} (gauge): threads waiting for an interpreter</li>
 * <li>{@code python.pool.acquire} (timer): time spent waiting for an interpreter</li>
 * <li>{@code python.pool.timeouts} (counter, tag {@code kind} = {@code call} or {@code acquire})</li>
 * <li>{@code python.pool.recycled} (counter, tag {@code reason} = {@code max-uses}, {@code stuck} or
 * {@code manual})</li>
 * </ul>
 * Timers and counters are fed by a {@link PoolListener} this binder installs on each pool (replacing any other);
 * pools that no registry was bound for pay nothing. Every tag value comes from the engine or the configuration,
 * never from a request.
 * <p>
 * Thread contract: thread-safe; {@link #bindTo} may be called for several registries.
 */
public class PythonMetrics implements MeterBinder {

	private static final List<String> RECYCLE_REASONS = List.of("max-uses", "stuck", "manual");

	private final PythonRuntime runtime;

	private final Supplier<? extends List<PythonPool>> pools;

	private final Map<PythonPool, FanOutListener> listeners = new ConcurrentHashMap<>();

	/**
	 * Create a binder.
	 * @param runtime the runtime
	 * @param pools the pools to instrument, looked up on each {@link #bindTo}
	 */
	public PythonMetrics(PythonRuntime runtime, Supplier<? extends List<PythonPool>> pools) {
		this.runtime = Objects.requireNonNull(runtime, "runtime");
		this.pools = Objects.requireNonNull(pools, "pools");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("python.runtime.info", () -> 1)
			.tag("version", this.runtime.version())
			.description("The embedded Python runtime; always 1, the version is a tag.")
			.strongReference(true)
			.register(registry);
		for (PythonPool pool : this.pools.get()) {
			bindTo(registry, pool);
		}
	}

	private void bindTo(MeterRegistry registry, PythonPool pool) {
		Tags tags = Tags.of("pool", pool.name());
		interpreters(registry, pool, tags, "active", PoolStats::active);
		interpreters(registry, pool, tags, "idle", PoolStats::idle);
		interpreters(registry, pool, tags, "stuck", PoolStats::stuck);
		Gauge.builder("python.pool.pending", pool, (p) -> p.stats().pending())
			.tags(tags)
			.description("Threads waiting for an interpreter of the pool.")
			.baseUnit("threads")
			.strongReference(true)
			.register(registry);
		RegistryListener listener = new RegistryListener(registry, tags);
		this.listeners.computeIfAbsent(pool, (key) -> {
			FanOutListener fanOut = new FanOutListener();
			key.setPoolListener(fanOut);
			return fanOut;
		}).add(listener);
	}

	private static void interpreters(MeterRegistry registry, PythonPool pool, Tags tags, String state,
			ToDoubleFunction<PoolStats> value) {
		Gauge.builder("python.pool.interpreters", pool, (p) -> value.applyAsDouble(p.stats()))
			.tags(tags)
			.tag("state", state)
			.description("Interpreters of the pool: lent to a session (active), ready (idle), or taken out of "
					+ "rotation because a call overran its timeout in C code (stuck).")
			.baseUnit("interpreters")
			.strongReference(true)
			.register(registry);
	}

	/**
	 * Records a pool's events in one registry.
	 */
	private static final class RegistryListener implements PoolListener {

		private final MeterRegistry registry;

		private final Tags tags;

		private final Timer acquire;

		private final Counter callTimeouts;

		private final Counter acquireTimeouts;

		private final Map<String, Counter> recycled = new ConcurrentHashMap<>();

		RegistryListener(MeterRegistry registry, Tags tags) {
			this.registry = registry;
			this.tags = tags;
			this.acquire = Timer.builder("python.pool.acquire")
				.tags(tags)
				.description("Time spent waiting for an interpreter of the pool.")
				.register(registry);
			this.callTimeouts = timeouts("call");
			this.acquireTimeouts = timeouts("acquire");
			RECYCLE_REASONS.forEach(this::recycledCounter);
		}

		private Counter timeouts(String kind) {
			return Counter.builder("python.pool.timeouts")
				.tags(this.tags)
				.tag("kind", kind)
				.description("Python calls that exceeded the call timeout (call), or threads that gave up waiting "
						+ "for an interpreter (acquire).")
				.baseUnit("events")
				.register(this.registry);
		}

		private Counter recycledCounter(String reason) {
			return this.recycled.computeIfAbsent(reason, (key) -> Counter.builder("python.pool.recycled")
				.tags(this.tags)
				.tag("reason", key)
				.description("Interpreters ended and replaced, by reason.")
				.baseUnit("interpreters")
				.register(this.registry));
		}

		@Override
		public void acquired(long waitedNanos) {
			this.acquire.record(waitedNanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public void acquireTimedOut(long waitedNanos) {
			this.acquireTimeouts.increment();
		}

		@Override
		public void recycled(String reason) {
			recycledCounter(reason).increment();
		}

		@Override
		public void callTimedOut() {
			this.callTimeouts.increment();
		}

	}

	/**
	 * Forwards a pool's events to the listener of every registry the binder was bound to.
	 */
	private static final class FanOutListener implements PoolListener {

		private final List<PoolListener> listeners = new CopyOnWriteArrayList<>();

		void add(PoolListener listener) {
			this.listeners.add(listener);
		}

		@Override
		public void acquired(long waitedNanos) {
			for (PoolListener listener : this.listeners) {
				listener.acquired(waitedNanos);
			}
		}

		@Override
		public void acquireTimedOut(long waitedNanos) {
			for (PoolListener listener : this.listeners) {
				listener.acquireTimedOut(waitedNanos);
			}
		}

		@Override
		public void recycled(String reason) {
			for (PoolListener listener : this.listeners) {
				listener.recycled(reason);
			}
		}

		@Override
		public void callTimedOut() {
			for (PoolListener listener : this.listeners) {
				listener.callTimedOut();
			}
		}

	}

}
