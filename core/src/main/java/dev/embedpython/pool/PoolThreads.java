package dev.embedpython.pool;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the pool's helper threads: platform daemon threads with a descriptive name (a numbered
 * suffix when a factory makes several), so thread dumps say which pool and interpreter a thread serves.
 * <p>
 * Thread contract: stateless apart from the counters; thread-safe.
 */
final class PoolThreads {

	private PoolThreads() {
	}

	/**
	 * A factory of daemon threads named {@code name}, then {@code name-2}, {@code name-3}, ...
	 * @param name the name
	 * @return the factory
	 */
	static ThreadFactory factory(String name) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			int n = count.incrementAndGet();
			Thread thread = new Thread(runnable, (n == 1) ? name : name + "-" + n);
			thread.setDaemon(true);
			return thread;
		};
	}

}
