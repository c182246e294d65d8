package dev.embedpython.pool;

import dev.embedpython.PythonPool;

/**
 * Test access to pool internals that are not public API.
 */
public final class PoolFixtures {

	private PoolFixtures() {
	}

	/**
	 * Delete the thread states of dead threads in every interpreter of a pool now, and wait (bounded).
	 * @param pool a pool of the runtime
	 * @return the number deleted
	 */
	public static int purgeDeadThreadStates(PythonPool pool) {
		return ((InterpreterPool) pool).purgeDeadThreadStates();
	}

}
