package dev.embedpython.support;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's helper threads and waits. Every thread the engine starts is a platform daemon thread with a name
 * that says what it serves (pool, interpreter), so thread dumps read; the core targets {@code --release 17}, where
 * {@code Thread.ofPlatform()} does not exist yet.
 * <p>
 * Thread contract: stateless apart from each factory's counter; thread-safe.
 */
public final class Threads {

	private Threads() {
	}

	/**
	 * A factory of daemon threads named {@code name}, then {@code name-2}, {@code name-3}, ...
	 * @param name the name
	 * @return the factory
	 */
	public static ThreadFactory factory(String name) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			int n = count.incrementAndGet();
			return daemon((n == 1) ? name : name + "-" + n, runnable);
		};
	}

	/**
	 * Start a daemon thread.
	 * @param name its name
	 * @param task what it runs
	 * @return the started thread
	 */
	public static Thread start(String name, Runnable task) {
		Thread thread = daemon(name, task);
		thread.start();
		return thread;
	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * Wait for a task that must not be abandoned half-way (it holds or changes interpreter state), ignoring
	 * interrupts until it is done and then restoring the interrupt flag; the task's exception is rethrown as is.
	 * @param <T> the result type
	 * @param future the task's future
	 * @return its result
	 */
	public static <T> T awaitUninterruptibly(Future<T> future) {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return future.get();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
				catch (ExecutionException ex) {
					throw rethrow(ex);
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * The exception a task failed with, as is when it is unchecked.
	 * @param ex the wrapper
	 * @return an exception to throw (an {@link Error} is thrown here)
	 */
	public static RuntimeException rethrow(ExecutionException ex) {
		Throwable cause = ex.getCause();
		if (cause instanceof RuntimeException runtimeException) {
			return runtimeException;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return new IllegalStateException(cause);
	}

}
