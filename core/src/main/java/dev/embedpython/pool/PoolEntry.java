package dev.embedpython.pool;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.embedpython.interpreter.Interpreter;
import dev.embedpython.interpreter.ThreadState;
import dev.embedpython.runtime.OwnerThread;
import org.jspecify.annotations.Nullable;

/**
 * One interpreter of a pool with its state machine (IDLE, IN_USE, STUCK, RETIRING, CLOSED, moved by
 * compare-and-set), usage counters, the bookkeeping of the call in flight, and its lazily started helper threads:
 * the watchdog that raises {@code TimeoutError} and the platform worker that runs calls of virtual threads.
 * <p>
 * Thread contract: state and call fields are read by any thread (volatile/atomic); {@link #uses} and the call
 * fields are written only by the session that holds the entry IN_USE.
 */
final class PoolEntry {

	static final int IDLE = 0;

	static final int IN_USE = 1;

	static final int STUCK = 2;

	static final int RETIRING = 3;

	static final int CLOSED = 4;

	private static final String[] NAMES = { "idle", "active", "stuck", "retiring", "closed" };

	final Interpreter interpreter;

	final AtomicInteger state = new AtomicInteger(IDLE);

	private final String poolName;

	volatile long uses;

	/** {@link System#nanoTime()} when the call in flight started, 0 when none (only tracked with a call timeout). */
	volatile long callStartNanos;

	volatile @Nullable ThreadState running;

	/** Incremented, with the GIL held, as each timed call ends. */
	volatile int callSeq;

	/** The {@link #callSeq} the housekeeper fired a timeout at, -1 for none. */
	volatile int firedSeq = -1;

	volatile boolean retireRequested;

	private @Nullable Watchdog watchdog;

	private @Nullable ThreadPoolExecutor worker;

	PoolEntry(Interpreter interpreter, String poolName) {
		this.interpreter = interpreter;
		this.poolName = poolName;
	}

	String stateName() {
		return NAMES[this.state.get()];
	}

	synchronized Watchdog watchdog(long timeoutError) {
		if (this.watchdog == null) {
			this.watchdog = new Watchdog(this, timeoutError,
					"python-watchdog-" + this.poolName + "-" + this.interpreter.id());
		}
		return this.watchdog;
	}

	/**
	 * Run a task on the platform thread that serves this entry for virtual threads, waiting without pinning the
	 * caller's carrier. The wait cannot be abandoned: the call uses this interpreter until it returns.
	 */
	<T> T runOnWorker(Callable<T> task) {
		Future<T> future;
		synchronized (this) {
			if (this.worker == null) {
				ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
						new LinkedBlockingQueue<>(), (runnable) -> {
							Thread thread = new Thread(runnable,
									"python-worker-" + this.poolName + "-" + this.interpreter.id());
							thread.setDaemon(true);
							return thread;
						});
				executor.allowCoreThreadTimeOut(true);
				this.worker = executor;
			}
			future = this.worker.submit(task);
		}
		try {
			return OwnerThread.awaitUninterruptibly(future);
		}
		catch (RuntimeException ex) {
			// Show where the virtual thread called from, below the worker's frames.
			ex.setStackTrace(mergedStackTrace(ex));
			throw ex;
		}
	}

	private static StackTraceElement[] mergedStackTrace(Throwable ex) {
		StackTraceElement[] worker = ex.getStackTrace();
		StackTraceElement[] caller = new Throwable().getStackTrace();
		StackTraceElement[] merged = new StackTraceElement[worker.length + caller.length];
		System.arraycopy(worker, 0, merged, 0, worker.length);
		System.arraycopy(caller, 0, merged, worker.length, caller.length);
		return merged;
	}

	/**
	 * Stop the helper threads. Called before the interpreter ends.
	 */
	void stopHelpers() {
		Watchdog dog;
		ExecutorService executor;
		synchronized (this) {
			dog = this.watchdog;
			executor = this.worker;
			this.watchdog = null;
			this.worker = null;
		}
		if (dog != null) {
			dog.stop();
		}
		if (executor != null) {
			executor.shutdown();
			try {
				executor.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public String toString() {
		return "PoolEntry[" + this.poolName + ", " + this.interpreter + ", " + stateName() + "]";
	}

}
