package dev.embedpython.autoconfigure;

import java.util.List;

import dev.embedpython.PythonPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Ties the context's {@link PythonPool pools} to the context's lifecycle.
 * <p>
 * The runtime and the pools are created eagerly by their bean factory methods, so they can be injected anywhere;
 * creating a pool warms it up (interpreters created, preloads imported, init script run). {@link #start()}
 * additionally fetches every pool bean, which forces lazy ones ({@code spring.main.lazy-initialization}) to be
 * created and warmed up too. All of this happens while the context refreshes, before {@code ApplicationReadyEvent},
 * so readiness stays {@code REFUSING_TRAFFIC} until every pool is warm. The {@link #PHASE phase} is far below the
 * web server's ({@code SmartLifecycle.DEFAULT_PHASE - 2048}) and the default ones, so the pools are warm before the
 * web server accepts connections and before any component in a default phase starts.
 * <p>
 * {@link #stop()} closes nothing: a context may be stopped and started again (Spring pauses cached test contexts
 * that way), and the pools must survive it. Pools are closed when their beans are destroyed, which happens after
 * every lifecycle component has stopped (the web server included, once it has drained its requests) and after the
 * beans that depend on them; each pool lets its calls in flight finish for up to its drain timeout
 * ({@code spring.lifecycle.timeout-per-shutdown-phase} unless {@code drain-timeout} is set). The runtime bean is
 * destroyed after its pools.
 * <p>
 * Thread contract: called by the context's lifecycle processor, one method at a time.
 */
public final class PythonLifecycle implements SmartLifecycle {

	/**
	 * The phase: starts before every lifecycle component in the default phases.
	 */
	public static final int PHASE = Integer.MIN_VALUE / 2;

	private static final Log logger = LogFactory.getLog(PythonLifecycle.class);

	private final ObjectProvider<PythonPool> pools;

	private volatile boolean running;

	/**
	 * Create the lifecycle of a context's pools.
	 * @param pools every pool bean of the context, named pools included
	 */
	public PythonLifecycle(ObjectProvider<PythonPool> pools) {
		this.pools = pools;
	}

	@Override
	public void start() {
		// Fetching the beans creates (and so warms up) lazy ones before the application reports ready.
		List<PythonPool> pools = this.pools.orderedStream(ObjectProvider.UNFILTERED).toList();
		for (PythonPool pool : pools) {
			if (!pool.isOpen()) {
				logger.warn("Python pool '" + pool.name() + "' was closed and cannot be reopened; calls to it fail");
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Python pools warm: " + pools.stream()
				.map((pool) -> pool.name() + " (" + pool.options().size() + " " + pool.options().isolation() + ")")
				.toList());
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
