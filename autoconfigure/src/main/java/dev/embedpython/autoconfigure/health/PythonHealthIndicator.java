package dev.embedpython.autoconfigure.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.embedpython.PoolExhaustedException;
import dev.embedpython.PoolStats;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the Python runtime and of each pool. {@code UP} with the runtime's version, home and kind, and each
 * pool's isolation and counters, when a probe call ({@code eval("1")}) succeeds on every pool; {@code DOWN} when the
 * runtime is not running, a pool is closed or a probe fails.
 * <p>
 * A probe never blocks the health request for longer than the probe timeout: it runs on a probe thread, and is
 * skipped (reported in the pool's {@code probe} detail, status unchanged) when the pool has no idle interpreter,
 * when the previous probe of the pool has not finished yet, or when it gets no answer in time because the pool is
 * busy.
 * <p>
 * Thread contract: thread-safe; health requests may run at once. At most one probe per pool is in flight.
 */
public class PythonHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

	private final PythonRuntime runtime;

	private final Supplier<? extends List<PythonPool>> pools;

	private final Duration probeTimeout;

	private final ExecutorService probes;

	private final Map<String, Future<?>> inFlight = new ConcurrentHashMap<>();

	/**
	 * Create an indicator.
	 * @param runtime the runtime
	 * @param pools the pools to probe, looked up on every health request
	 * @param probeTimeout how long a health request waits for each probe
	 */
	public PythonHealthIndicator(PythonRuntime runtime, Supplier<? extends List<PythonPool>> pools,
			Duration probeTimeout) {
		super("Python health check failed");
		this.runtime = Objects.requireNonNull(runtime, "runtime");
		this.pools = Objects.requireNonNull(pools, "pools");
		this.probeTimeout = Objects.requireNonNull(probeTimeout, "probeTimeout");
		this.probes = Executors.newCachedThreadPool(new ProbeThreadFactory());
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		if (!this.runtime.isRunning()) {
			builder.down().withDetail("error", "The Python runtime is not running");
			return;
		}
		builder.withDetail("version", this.runtime.version())
			.withDetail("home", this.runtime.home().toString())
			.withDetail("bundled", this.runtime.isBundled());
		boolean up = true;
		Map<String, Object> details = new LinkedHashMap<>();
		for (PythonPool pool : this.pools.get()) {
			Map<String, Object> poolDetails = new LinkedHashMap<>();
			up &= check(pool, poolDetails);
			details.put(pool.name(), poolDetails);
		}
		builder.withDetail("pools", details);
		if (up) {
			builder.up();
		}
		else {
			builder.down();
		}
	}

	private boolean check(PythonPool pool, Map<String, Object> details) {
		details.put("isolation", pool.options().isolation().name().toLowerCase(Locale.ROOT).replace('_', '-'));
		if (!pool.isOpen()) {
			details.put("probe", "failed");
			details.put("error", "The pool is closed");
			return false;
		}
		PoolStats stats = pool.stats();
		details.put("size", stats.size());
		details.put("active", stats.active());
		details.put("idle", stats.idle());
		details.put("pending", stats.pending());
		details.put("stuck", stats.stuck());
		details.put("created", stats.created());
		details.put("recycled", stats.recycled());
		details.put("timeouts", stats.timeouts());
		if (stats.idle() == 0) {
			details.put("probe", "skipped: no idle interpreter");
			return true;
		}
		return probe(pool, details);
	}

	private boolean probe(PythonPool pool, Map<String, Object> details) {
		Future<?> previous = this.inFlight.get(pool.name());
		if (previous != null && !previous.isDone()) {
			details.put("probe", "skipped: the previous probe has not finished");
			return true;
		}
		Future<Object> probe;
		try {
			probe = this.probes.submit(() -> pool.execute((session) -> session.eval("1", Long.class)));
		}
		catch (RejectedExecutionException ex) {
			details.put("probe", "skipped: the health indicator is shutting down");
			return true;
		}
		this.inFlight.put(pool.name(), probe);
		try {
			Object result = probe.get(this.probeTimeout.toMillis(), TimeUnit.MILLISECONDS);
			if (!Long.valueOf(1).equals(result)) {
				details.put("probe", "failed");
				details.put("error", "eval(\"1\") returned " + result);
				return false;
			}
			details.put("probe", "ok");
			return true;
		}
		catch (TimeoutException ex) {
			details.put("probe", "skipped: no answer within " + this.probeTimeout.toMillis() + " ms, pool busy");
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			details.put("probe", "skipped: interrupted");
			return true;
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof PoolExhaustedException) {
				details.put("probe", "skipped: no idle interpreter");
				return true;
			}
			details.put("probe", "failed");
			details.put("error", cause.getClass().getName() + ": " + cause.getMessage());
			return false;
		}
	}

	@Override
	public void destroy() {
		this.probes.shutdownNow();
	}

	/**
	 * Daemon threads: a probe stuck in Python must never keep the JVM alive.
	 */
	private static final class ProbeThreadFactory implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable runnable) {
			Thread thread = new Thread(runnable, "python-health-probe-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
