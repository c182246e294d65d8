package dev.embedpython.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Logs, once the application is ready, one line with where Python came from, its version, every pool and the time
 * the application took to become ready (the pools' preloads included):
 * {@code Python 3.14.3 from bundled runtime extracted to /root/.cache/embedpython/cpython-3.14.3-1.5.13; pool
 * 'default': 2 own-gil interpreters; ready in 3573 ms}.
 * <p>
 * Thread contract: called by the thread that publishes {@link ApplicationReadyEvent}, once per context.
 */
final class PythonStartupLogger implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(PythonStartupLogger.class);

	private final PythonRuntime runtime;

	private final ObjectProvider<PythonPool> pools;

	PythonStartupLogger(PythonRuntime runtime, ObjectProvider<PythonPool> pools) {
		this.runtime = runtime;
		this.pools = pools;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (!logger.isInfoEnabled() || !this.runtime.isRunning()) {
			return;
		}
		logger.info(message(event.getTimeTaken()));
	}

	String message(Duration timeTaken) {
		String origin = this.runtime.isBundled() ? "bundled runtime extracted to" : "python.home";
		List<PythonPool> pools = this.pools.orderedStream(ObjectProvider.UNFILTERED).toList();
		String described = pools.stream()
			.map((pool) -> "'" + pool.name() + "': " + pool.stats().size() + " "
					+ pool.options().isolation().name().toLowerCase(Locale.ROOT).replace('_', '-'))
			.collect(Collectors.joining(", "));
		String poolPart = switch (pools.size()) {
			case 0 -> "no pool";
			case 1 -> "pool " + described + " interpreters";
			default -> "pools " + described + " interpreters";
		};
		return "Python " + this.runtime.version() + " from " + origin + " " + this.runtime.home() + "; " + poolPart
				+ "; ready in " + ((timeTaken != null) ? timeTaken.toMillis() : "?") + " ms";
	}

}
