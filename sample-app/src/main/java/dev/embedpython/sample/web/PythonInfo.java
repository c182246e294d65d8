package dev.embedpython.sample.web;

import java.util.List;
import java.util.Locale;

import dev.embedpython.PoolStats;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code GET /api/python}.
 *
 * @param version the CPython version, e.g. {@code 3.14.3}
 * @param bundled whether the runtime is the bundled one ({@code false}: {@code python.home})
 * @param home the Python home in use
 * @param pools each pool of the application
 */
record PythonInfo(String version, boolean bundled, String home, List<Pool> pools) {

	static PythonInfo of(PythonRuntime runtime, List<PythonPool> pools) {
		return new PythonInfo(runtime.version(), runtime.isBundled(), runtime.home().toString(),
				pools.stream().map(Pool::of).toList());
	}

	/**
	 * One pool's settings and a snapshot of its counters.
	 *
	 * @param name the pool's name
	 * @param isolation {@code own-gil}, {@code shared-gil} or {@code main}, as in {@code python.pool.isolation}
	 * @param callTimeout the call timeout (ISO-8601), {@code null} for none
	 * @param size interpreters in rotation
	 * @param active interpreters lent to a request
	 * @param idle interpreters ready to be lent
	 * @param pending threads waiting for an interpreter
	 * @param stuck interpreters taken out of rotation by a call that overran its timeout in C code
	 * @param created interpreters created since the pool started
	 * @param recycled interpreters replaced since the pool started
	 * @param timeouts calls that exceeded the call timeout
	 */
	record Pool(String name, String isolation, @Nullable String callTimeout, int size, int active, int idle,
			int pending, int stuck, long created, long recycled, long timeouts) {

		static Pool of(PythonPool pool) {
			PoolStats stats = pool.stats();
			return new Pool(pool.name(), pool.options().isolation().name().toLowerCase(Locale.ROOT).replace('_', '-'),
					(pool.options().callTimeout() != null) ? String.valueOf(pool.options().callTimeout()) : null,
					stats.size(), stats.active(), stats.idle(), stats.pending(), stats.stuck(), stats.created(),
					stats.recycled(), stats.timeouts());
		}

	}

}
