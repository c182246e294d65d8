package dev.embedpython.autoconfigure.health;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.embedpython.PoolStats;
import dev.embedpython.PythonPool;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of one pool, a component of {@link PythonHealthContributor} ({@code /actuator/health/python/<pool>}):
 * {@code UP} with the pool's isolation, counters and probe result when a {@link PythonPool#probe(Duration) probe}
 * answers or cannot run because every interpreter is busy; {@code DOWN} when the pool is closed or the probe fails.
 * A busy pool is not down: its probe is reported as skipped.
 * <p>
 * Thread contract: thread-safe; health requests may run at once.
 */
public class PythonPoolHealthIndicator extends AbstractHealthIndicator {

	private final PythonPool pool;

	private final PoolProbes probes;

	PythonPoolHealthIndicator(PythonPool pool, PoolProbes probes) {
		super("Python pool health check failed");
		this.pool = Objects.requireNonNull(pool, "pool");
		this.probes = probes;
	}

	/**
	 * The pool this indicator checks.
	 * @return the pool
	 */
	public PythonPool getPool() {
		return this.pool;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		builder.withDetail("isolation",
				this.pool.options().isolation().name().toLowerCase(Locale.ROOT).replace('_', '-'));
		if (!this.pool.isOpen()) {
			builder.down().withDetail("probe", "failed").withDetail("error", "The pool is closed");
			return;
		}
		PoolStats stats = this.pool.stats();
		builder.withDetail("size", stats.size())
			.withDetail("maxSize", this.pool.options().size())
			.withDetail("active", stats.active())
			.withDetail("idle", stats.idle())
			.withDetail("pending", stats.pending())
			.withDetail("stuck", stats.stuck())
			.withDetail("created", stats.created())
			.withDetail("recycled", stats.recycled())
			.withDetail("timeouts", stats.timeouts())
			.withDetail("missing", stats.missing());
		if (stats.size() == 0 && stats.stuck() == 0 && stats.missing() > 0) {
			builder.down().withDetail("error", "No interpreter: creating replacements fails (retried with back-off)");
			return;
		}
		probe(builder);
	}

	private void probe(Health.Builder builder) {
		PoolProbes.Probe probe = this.probes.start(this.pool);
		long timeoutNanos = this.probes.timeout().toNanos();
		long waitNanos = probe.startNanos() + timeoutNanos - System.nanoTime();
		try {
			boolean answered = probe.result().get(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
			this.probes.taken(this.pool, probe);
			if (answered) {
				builder.up().withDetail("probe", "ok");
			}
			else {
				builder.up()
					.withDetail("probe", "skipped: no interpreter free within "
							+ this.probes.acquireTimeout().toMillis() + " ms");
			}
		}
		catch (TimeoutException ex) {
			boolean earlier = waitNanos <= 0;
			builder.up()
				.withDetail("probe", earlier ? "skipped: the previous probe has not finished"
						: "skipped: no answer within " + this.probes.timeout().toMillis() + " ms");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			builder.up().withDetail("probe", "skipped: interrupted");
		}
		catch (ExecutionException | CompletionException ex) {
			this.probes.taken(this.pool, probe);
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			builder.down()
				.withDetail("probe", "failed")
				.withDetail("error", cause.getClass().getName() + ": " + cause.getMessage());
		}
	}

}
