package dev.embedpython.autoconfigure.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import dev.embedpython.PythonPool;

/**
 * The health probes of a context's pools ({@link PythonPool#probe(Duration)}): they run on daemon probe threads so
 * that the probes of every pool of one health request run at once, and each is bounded twice: the probe waits for a
 * free interpreter for three quarters of the timeout at most, and the health request waits for its answer for the
 * timeout at most. A probe that has not finished (its interpreter waits for a GIL held by C code, in a shared-GIL
 * pool) is joined by the next request instead of being started again, so at most one probe per pool is in flight.
 * <p>
 * A probe is started when the composite is listed and taken by the pool's indicator; once answered it is forgotten,
 * and an answer is never older than the timeout, so every health request gets a fresh answer.
 * <p>
 * Thread contract: thread-safe.
 */
final class PoolProbes {

	private final Duration timeout;

	private final Duration acquireTimeout;

	private final ExecutorService executor = Executors.newCachedThreadPool(new ProbeThreadFactory());

	private final Map<PythonPool, Probe> probes = new ConcurrentHashMap<>();

	PoolProbes(Duration timeout) {
		this.timeout = timeout;
		this.acquireTimeout = timeout.multipliedBy(3).dividedBy(4);
	}

	Duration timeout() {
		return this.timeout;
	}

	Duration acquireTimeout() {
		return this.acquireTimeout;
	}

	/**
	 * Start the probe of a pool, or join the one in flight, or take the answer of one started less than the
	 * timeout ago and not taken yet (started by listing the composite in this request). An older answer, of a pool
	 * that a health group listed but did not check, is not reused.
	 * @param pool the pool
	 * @return the probe
	 */
	Probe start(PythonPool pool) {
		return this.probes.compute(pool, (key, current) -> (current != null && (!current.result().isDone()
				|| System.nanoTime() - current.startNanos() < this.timeout.toNanos())) ? current : newProbe(key));
	}

	/**
	 * Forget a probe once its answer has been used.
	 * @param pool the pool
	 * @param probe the probe
	 */
	void taken(PythonPool pool, Probe probe) {
		if (probe.result().isDone()) {
			this.probes.remove(pool, probe);
		}
	}

	private Probe newProbe(PythonPool pool) {
		CompletableFuture<Boolean> result;
		try {
			result = CompletableFuture.supplyAsync(() -> pool.probe(this.acquireTimeout), this.executor);
		}
		catch (RejectedExecutionException ex) {
			result = CompletableFuture.failedFuture(new IllegalStateException("The health indicator is closed"));
		}
		return new Probe(System.nanoTime(), result);
	}

	void close() {
		this.executor.shutdownNow();
		this.probes.clear();
	}

	/**
	 * One probe of one pool.
	 *
	 * @param startNanos {@link System#nanoTime()} when it started
	 * @param result {@code true} answered, {@code false} no interpreter free in time, or the failure
	 */
	record Probe(long startNanos, CompletableFuture<Boolean> result) {

	}

	/**
	 * Daemon threads: a probe waiting in CPython must never keep the JVM alive.
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
