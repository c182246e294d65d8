package dev.embedpython.autoconfigure.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;

/**
 * The {@code python} health contributor: a composite, the way Boot composes several {@code DataSource}s, with one
 * {@link PythonPoolHealthIndicator} per pool keyed by the pool's name ({@code /actuator/health/python/<pool>}, and
 * {@code python/<pool>} as a member of a health group such as readiness) and the {@link PythonRuntimeHealthIndicator}
 * under {@value #RUNTIME} (version, home, bundled): a composite has no details of its own in Boot's health model.
 * <p>
 * Listing the components starts the probes of every pool at once, so that one health request waits for the slowest
 * probe rather than for their sum; each probe is bounded by the timeout ({@code management.health.python.timeout}).
 * <p>
 * Thread contract: thread-safe; pools are looked up on every request, so lazy and named pools are included.
 */
public class PythonHealthContributor implements CompositeHealthContributor, DisposableBean {

	/**
	 * The name of the runtime's component, which no pool may take.
	 */
	public static final String RUNTIME = "runtime";

	private final Supplier<? extends List<PythonPool>> pools;

	private final PythonRuntimeHealthIndicator runtime;

	private final PoolProbes probes;

	/**
	 * Create the contributor.
	 * @param runtime the runtime
	 * @param pools the pools, looked up on every request
	 * @param timeout the longest a health request waits for the probe of a pool
	 */
	public PythonHealthContributor(PythonRuntime runtime, Supplier<? extends List<PythonPool>> pools,
			Duration timeout) {
		this.runtime = new PythonRuntimeHealthIndicator(Objects.requireNonNull(runtime, "runtime"));
		this.pools = Objects.requireNonNull(pools, "pools");
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("The probe timeout must be positive but was " + timeout);
		}
		this.probes = new PoolProbes(timeout);
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		if (RUNTIME.equals(name)) {
			return this.runtime;
		}
		for (PythonPool pool : this.pools.get()) {
			if (pool.name().equals(name)) {
				return new PythonPoolHealthIndicator(pool, this.probes);
			}
		}
		return null;
	}

	@Override
	public Stream<HealthContributors.Entry> stream() {
		List<PythonPool> pools = this.pools.get();
		List<HealthContributors.Entry> entries = new ArrayList<>(pools.size() + 1);
		entries.add(new HealthContributors.Entry(RUNTIME, this.runtime));
		for (PythonPool pool : pools) {
			if (pool.isOpen()) {
				this.probes.start(pool);
			}
			entries.add(new HealthContributors.Entry(pool.name(), new PythonPoolHealthIndicator(pool, this.probes)));
		}
		return entries.stream();
	}

	@Override
	public void destroy() {
		this.probes.close();
	}

}
