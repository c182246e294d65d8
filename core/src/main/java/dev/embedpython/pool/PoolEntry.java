package dev.embedpython.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.embedpython.interpreter.Interpreter;
import dev.embedpython.interpreter.ThreadState;
import dev.embedpython.support.Threads;
import org.jspecify.annotations.Nullable;

/**
 * One interpreter of a pool with its state machine, the bookkeeping of the borrow and of the call in flight, and
 * its lazily started helper threads: the watchdog that raises {@code TimeoutError} and the platform worker that
 * runs calls of virtual threads.
 * <p>
 * The state (IDLE, IN_USE, STUCK, RETIRING, CLOSED) and the sequence number of the calls on this entry share one
 * atomic word, and every transition is a compare-and-set method of this class: marking a call stuck succeeds only
 * if that very call is still running on the same borrow, and giving an entry back never overwrites a state another
 * thread set (the housekeeper's STUCK). Nothing outside this class writes the state.
 * <p>
 * Thread contract: state and call fields are read by any thread (volatile/atomic); {@link #uses}, the borrow and
 * the call fields are written only by the session that holds the entry IN_USE (or, for a borrower that died, by
 * the housekeeper that reclaims it).
 */
final class PoolEntry {

	static final int IDLE = 0;

	static final int IN_USE = 1;

	static final int STUCK = 2;

	static final int RETIRING = 3;

	static final int CLOSED = 4;

	private static final long STATE_MASK = 0x7;

	private static final long SEQ_UNIT = 0x8;

	private static final String[] NAMES = { "idle", "active", "stuck", "retiring", "closed" };

	/** Marks a closed pool in the idle deque: a waiter that takes it puts it back and gives up. */
	static final PoolEntry CLOSED_MARKER = new PoolEntry();

	private final @Nullable Interpreter interpreter;

	/** Low three bits: the state; the rest: how many calls have ended on this entry. */
	private final AtomicLong word = new AtomicLong(IDLE);

	private final String poolName;

	private static final VarHandle USES = handle("uses", long.class);

	private static final VarHandle CALL_TIMEOUT_NANOS = handle("callTimeoutNanos", long.class);

	private static final VarHandle BORROWER = handle("borrower", Thread.class);

	private static final VarHandle BORROWED_NANOS = handle("borrowedNanos", long.class);

	private static final VarHandle ACQUIRED_AT = handle("acquiredAt", Throwable.class);

	private static final VarHandle LEAK_REPORTED = handle("leakReported", boolean.class);

	volatile long uses;

	/**
	 * How long each call of the current borrow may run, 0 for no limit: the pool's call timeout, or the bound of
	 * set-up work. Written when the entry is lent, before its first call starts.
	 */
	volatile long callTimeoutNanos;

	/** {@link System#nanoTime()} when the call in flight started, 0 when none (1 without a call timeout). */
	volatile long callStartNanos;

	volatile @Nullable ThreadState running;

	/** The call sequence number the housekeeper fired a timeout at, -1 for none. */
	volatile long firedSeq = -1;

	volatile boolean retireRequested;

	/** The thread holding the entry, {@code null} when not borrowed. */
	volatile @Nullable Thread borrower;

	volatile long borrowedNanos;

	/** Where the current borrow was acquired, captured only with leak detection. */
	volatile @Nullable Throwable acquiredAt;

	volatile boolean leakReported;

	private @Nullable Watchdog watchdog;

	private @Nullable ThreadPoolExecutor worker;

	private boolean helpersStopped;

	PoolEntry(Interpreter interpreter, String poolName) {
		this.interpreter = interpreter;
		this.poolName = poolName;
	}

	private PoolEntry() {
		this.interpreter = null;
		this.poolName = "<closed>";
		this.word.set(CLOSED);
	}

	Interpreter interpreter() {
		Interpreter result = this.interpreter;
		if (result == null) {
			throw new IllegalStateException("The closed-pool marker has no interpreter");
		}
		return result;
	}

	int state() {
		return (int) (this.word.get() & STATE_MASK);
	}

	/**
	 * How many calls have ended on this entry; changes only while it is borrowed.
	 * @return the sequence number of the call in flight, or of the next one
	 */
	long callSeq() {
		return this.word.get() >>> 3;
	}

	String stateName() {
		return NAMES[state()];
	}

	/**
	 * IDLE → IN_USE.
	 * @return {@code true} if this caller now holds the entry
	 */
	boolean tryBorrow() {
		long current = this.word.get();
		return (current & STATE_MASK) == IDLE && this.word.compareAndSet(current, with(current, IN_USE));
	}

	/**
	 * Count the end of a call; the state is left as it is. Called by the holder, with the GIL held.
	 */
	void callEnded() {
		this.word.getAndAdd(SEQ_UNIT);
	}

	/**
	 * IN_USE → STUCK, only while the call {@code seq} is still the one running.
	 * @param seq the call the housekeeper found overrunning
	 * @return {@code true} if marked
	 */
	boolean markStuck(long seq) {
		long current = this.word.get();
		return (current & STATE_MASK) == IN_USE && (current >>> 3) == seq
				&& this.word.compareAndSet(current, with(current, STUCK));
	}

	/**
	 * Give a borrowed entry back: IN_USE → {@code target}; a STUCK entry (its call has returned) → RETIRING, or
	 * IDLE when {@code stuckToIdle} (the main interpreter cannot be replaced).
	 * @param target IDLE or RETIRING
	 * @param stuckToIdle whether a stuck entry goes back to IDLE
	 * @return the state before: IN_USE or STUCK if given back, anything else if the caller did not hold it
	 */
	int giveBack(int target, boolean stuckToIdle) {
		while (true) {
			long current = this.word.get();
			int state = (int) (current & STATE_MASK);
			int next;
			if (state == IN_USE) {
				next = target;
			}
			else if (state == STUCK) {
				next = stuckToIdle ? IDLE : RETIRING;
			}
			else {
				return state;
			}
			if (this.word.compareAndSet(current, with(current, next))) {
				return state;
			}
		}
	}

	/**
	 * IDLE → RETIRING.
	 * @return {@code true} if this caller retired the idle entry
	 */
	boolean retireIdle() {
		long current = this.word.get();
		return (current & STATE_MASK) == IDLE && this.word.compareAndSet(current, with(current, RETIRING));
	}

	/**
	 * IN_USE → RETIRING, for a session that was never closed, between its calls, when the pool closes.
	 * @return {@code true} if this caller retired it
	 */
	boolean retireHeld() {
		long current = this.word.get();
		return (current & STATE_MASK) == IN_USE && this.word.compareAndSet(current, with(current, RETIRING));
	}

	/**
	 * RETIRING → CLOSED, when its interpreter ends.
	 * @return {@code true} if this caller closed it
	 */
	boolean close() {
		long current = this.word.get();
		return (current & STATE_MASK) == RETIRING && this.word.compareAndSet(current, with(current, CLOSED));
	}

	private static long with(long word, int state) {
		return (word & ~STATE_MASK) | state;
	}

	/**
	 * Record the borrow. Called by the new holder.
	 * @param acquiredAt where it was acquired, captured only with leak detection
	 * @param timed whether to record when (leak detection)
	 */
	void borrowed(@Nullable Throwable acquiredAt, boolean timed) {
		// Release stores, not volatile ones: only the housekeeper's leak and dead-borrower checks read these, and a
		// full fence per field cost ~10 ns each on every borrow; the CAS that gives the entry back orders them.
		// The borrow's start is read only by leak detection: no clock read without it.
		BORROWED_NANOS.setRelease(this, timed ? System.nanoTime() : 0L);
		ACQUIRED_AT.setRelease(this, acquiredAt);
		LEAK_REPORTED.setRelease(this, false);
		BORROWER.setRelease(this, Thread.currentThread());
	}

	/**
	 * Set the bound of a borrow's calls, and count it as a use. Called by the holder, before its first call.
	 * @param callTimeoutNanos how long each call of the borrow may run, 0 for no limit
	 * @param counted whether the borrow counts as a use (not the health probe's)
	 */
	void lent(long callTimeoutNanos, boolean counted) {
		if (counted) {
			USES.setRelease(this, this.uses + 1);
		}
		// The call's start (a volatile store) and the call sequence follow, so the housekeeper's seqlock read sees
		// this bound with the call it belongs to.
		CALL_TIMEOUT_NANOS.setRelease(this, callTimeoutNanos);
	}

	/**
	 * Forget the borrow. Called by the holder before it gives the entry back.
	 */
	void returned() {
		// Ordered before the other threads see the entry IDLE by the CAS of giveBack.
		BORROWER.setRelease(this, null);
		ACQUIRED_AT.setRelease(this, null);
		BORROWED_NANOS.setRelease(this, 0L);
	}

	/**
	 * The watchdog, started on first use; {@code null} once the helpers have stopped.
	 */
	synchronized @Nullable Watchdog watchdog() {
		if (this.helpersStopped) {
			return null;
		}
		if (this.watchdog == null) {
			this.watchdog = new Watchdog(this, "python-watchdog-" + this.poolName + "-" + interpreter().id());
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
			if (this.helpersStopped) {
				throw new IllegalStateException("Interpreter " + interpreter().id() + " of pool '" + this.poolName
						+ "' has been retired");
			}
			if (this.worker == null) {
				ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
						new LinkedBlockingQueue<>(), Threads.factory(
								"python-worker-" + this.poolName + "-" + interpreter().id()));
				executor.allowCoreThreadTimeOut(true);
				this.worker = executor;
			}
			future = this.worker.submit(task);
		}
		try {
			return Threads.awaitUninterruptibly(future);
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
	 * Stop the helper threads for good. Called before the interpreter ends.
	 */
	void stopHelpers() {
		Watchdog dog;
		ExecutorService executor;
		synchronized (this) {
			this.helpersStopped = true;
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

	private static VarHandle handle(String field, Class<?> type) {
		try {
			return MethodHandles.lookup().findVarHandle(PoolEntry.class, field, type);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

}
