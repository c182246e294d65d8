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
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of the Python runtime and of each pool (tag {@code pool} = the pool's name), in the spirit of
 * HikariCP's {@code hikaricp.connections.*}:
 * <ul>
 * <li>{@code python.runtime.info} (gauge, always 1, tag {@code version})</li>
 * <li>{@code python.pool.interpreters} (gauge, tag {@code state} = {@code active}, {@code idle} or
 * {@code stuck})</li>
 * <li>{@code python.pool.interpreters.max} (gauge): the configured size of the pool</li>
 * <li>{@code python.pool.pending} (gauge): threads waiting for an interpreter</li>
 * <li>{@code python.pool.acquire} (timer): time spent waiting for an interpreter</li>
 * <li>{@code python.pool.timeouts} (counter, tag {@code kind} = {@code call} or {@code acquire})</li>
 * <li>{@code python.pool.recycled} (counter, tag {@code reason} = {@code max-uses}, {@code stuck} or
 * {@code manual})</li>
 * </ul>
 * Timers and counters are fed by a {@link PoolListener} that this binder adds to each pool next to any other
 * listener; when a pool closes, its meters are removed from every registry and the listener goes. Every tag value
 * comes from the engine or the configuration, never from a request.
 * <p>
 * Thread contract: thread-safe; {@link #bindTo} may be called for several registries.
 */
public class PythonMetrics implements MeterBinder {

	private static final List<String> RECYCLE_REASONS = List.of("max-uses", "stuck", "manual");

	private final PythonRuntime runtime;

	private final Supplier<? extends List<PythonPool>> pools;

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
			if (pool.isOpen()) {
				new PoolMeters(registry, pool).bind();
			}
		}
	}

	/**
	 * The meters of one pool in one registry, and the listener that feeds them and removes them on close.
	 */
	private static final class PoolMeters implements PoolListener {

		private final MeterRegistry registry;

		private final PythonPool pool;

		private final Tags tags;

		private final List<Meter> meters = new CopyOnWriteArrayList<>();

		private final Map<String, Counter> recycled = new ConcurrentHashMap<>();

		private @Nullable Timer acquire;

		private @Nullable Counter callTimeouts;

		private @Nullable Counter acquireTimeouts;

		PoolMeters(MeterRegistry registry, PythonPool pool) {
			this.registry = registry;
			this.pool = pool;
			this.tags = Tags.of("pool", pool.name());
		}

		void bind() {
			interpreters("active", PoolStats::active);
			interpreters("idle", PoolStats::idle);
			interpreters("stuck", PoolStats::stuck);
			this.meters.add(Gauge.builder("python.pool.interpreters.max", this.pool, (p) -> p.options().size())
				.tags(this.tags)
				.description("Configured size of the pool: the most interpreters it lends at once.")
				// No base unit: Prometheus would append it (python_pool_interpreters_max_interpreters).
				.strongReference(true)
				.register(this.registry));
			this.meters.add(Gauge.builder("python.pool.pending", this.pool, (p) -> p.stats().pending())
				.tags(this.tags)
				.description("Threads waiting for an interpreter of the pool.")
				.baseUnit("threads")
				.strongReference(true)
				.register(this.registry));
			this.acquire = register(Timer.builder("python.pool.acquire")
				.tags(this.tags)
				.description("Time spent waiting for an interpreter of the pool.")
				.register(this.registry));
			this.callTimeouts = timeouts("call");
			this.acquireTimeouts = timeouts("acquire");
			RECYCLE_REASONS.forEach(this::recycledCounter);
			this.pool.addPoolListener(this);
			if (!this.pool.isOpen()) {
				// Closed while binding: no close event will come.
				closed();
			}
		}

		private void interpreters(String state, ToDoubleFunction<PoolStats> value) {
			this.meters.add(Gauge.builder("python.pool.interpreters", this.pool, (p) -> value.applyAsDouble(p.stats()))
				.tags(this.tags)
				.tag("state", state)
				.description("Interpreters of the pool: lent to a session (active), ready (idle), or taken out of "
						+ "rotation because a call overran its timeout in C code (stuck).")
				.baseUnit("interpreters")
				.strongReference(true)
				.register(this.registry));
		}

		private <M extends Meter> M register(M meter) {
			this.meters.add(meter);
			return meter;
		}

		private Counter timeouts(String kind) {
			return register(Counter.builder("python.pool.timeouts")
				.tags(this.tags)
				.tag("kind", kind)
				.description("Python calls that exceeded the call timeout (call), or threads that gave up waiting "
						+ "for an interpreter (acquire).")
				.baseUnit("events")
				.register(this.registry));
		}

		private Counter recycledCounter(String reason) {
			return this.recycled.computeIfAbsent(reason, (key) -> register(Counter.builder("python.pool.recycled")
				.tags(this.tags)
				.tag("reason", key)
				.description("Interpreters ended and replaced, by reason.")
				.baseUnit("interpreters")
				.register(this.registry)));
		}

		@Override
		public void acquired(long waitedNanos) {
			Timer timer = this.acquire;
			if (timer != null) {
				timer.record(waitedNanos, TimeUnit.NANOSECONDS);
			}
		}

		@Override
		public void acquireTimedOut(long waitedNanos) {
			Counter counter = this.acquireTimeouts;
			if (counter != null) {
				counter.increment();
			}
		}

		@Override
		public void recycled(String reason) {
			recycledCounter(reason).increment();
		}

		@Override
		public void callTimedOut() {
			Counter counter = this.callTimeouts;
			if (counter != null) {
				counter.increment();
			}
		}

		@Override
		public void closed() {
			this.pool.removePoolListener(this);
			for (Meter meter : this.meters) {
				this.registry.remove(meter);
			}
			this.meters.clear();
		}

	}

}
