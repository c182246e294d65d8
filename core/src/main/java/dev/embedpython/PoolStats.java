package dev.embedpython;

/**
 * A snapshot of a {@link PythonPool}'s counters. Gauges ({@code size} to {@code threadStates}) describe the moment
 * of the snapshot; {@code created}, {@code recycled} and {@code timeouts} are totals since the pool started.
 *
 * @param name the pool's name
 * @param size the interpreters in rotation (active + idle)
 * @param active interpreters lent to a session
 * @param idle interpreters ready to be lent
 * @param pending threads waiting in {@link PythonPool#acquire()}
 * @param stuck interpreters taken out of rotation because a call overran its timeout in C code
 * @param created interpreters created since the pool started, replacements included
 * @param recycled interpreters ended and replaced since the pool started
 * @param timeouts calls that exceeded the call timeout
 * @param threadStates CPython thread states the pool's interpreters currently hold for Java threads
 * @param missing interpreters the pool is short of because creating a replacement failed (it retries with
 * back-off)
 */
public record PoolStats(String name, int size, int active, int idle, int pending, int stuck, long created,
		long recycled, long timeouts, int threadStates, int missing) {

	/**
	 * A snapshot of a pool that is short of no interpreter.
	 * @param name the pool's name
	 * @param size the interpreters in rotation (active + idle)
	 * @param active interpreters lent to a session
	 * @param idle interpreters ready to be lent
	 * @param pending threads waiting in {@link PythonPool#acquire()}
	 * @param stuck interpreters taken out of rotation
	 * @param created interpreters created since the pool started
	 * @param recycled interpreters ended and replaced since the pool started
	 * @param timeouts calls that exceeded the call timeout
	 * @param threadStates CPython thread states held for Java threads
	 */
	public PoolStats(String name, int size, int active, int idle, int pending, int stuck, long created,
			long recycled, long timeouts, int threadStates) {
		this(name, size, active, idle, pending, stuck, created, recycled, timeouts, threadStates, 0);
	}

	@Override
	public String toString() {
		return "total=" + size + ", active=" + active + ", idle=" + idle + ", waiting=" + pending + ", stuck="
				+ stuck + ((missing > 0) ? ", missing=" + missing : "");
	}

}
