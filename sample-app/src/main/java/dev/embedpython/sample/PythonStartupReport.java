package dev.embedpython.sample;

import java.time.Duration;
import java.util.Locale;

import dev.embedpython.PoolStats;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Logs, once the application is ready, where Python came from, its version, the default pool and the time the
 * application took to become ready (the pool's preload included).
 * <p>
 * Thread contract: called once by the thread that publishes {@link ApplicationReadyEvent}.
 */
@Component
class PythonStartupReport {

	private static final Logger logger = LoggerFactory.getLogger(PythonStartupReport.class);

	private final PythonRuntime runtime;

	private final PythonPool pool;

	PythonStartupReport(PythonRuntime runtime, PythonPool pool) {
		this.runtime = runtime;
		this.pool = pool;
	}

	@EventListener
	void onApplicationReady(ApplicationReadyEvent event) {
		String origin = this.runtime.isBundled() ? "bundled runtime extracted to" : "python.home";
		PoolStats stats = this.pool.stats();
		String isolation = this.pool.options().isolation().name().toLowerCase(Locale.ROOT).replace('_', '-');
		Duration timeTaken = event.getTimeTaken();
		logger.info("Python {} from {} {}; pool '{}': {} {} interpreters; ready in {} ms", this.runtime.version(),
				origin, this.runtime.home(), this.pool.name(), stats.size(), isolation,
				(timeTaken != null) ? timeTaken.toMillis() : "?");
	}

}
