package dev.embedpython.pool;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import dev.embedpython.CallObserver;
import dev.embedpython.InterpreterInfo;
import dev.embedpython.PoolExhaustedException;
import dev.embedpython.PoolListener;
import dev.embedpython.PoolOptions;
import dev.embedpython.PoolStats;
import dev.embedpython.PythonCallback;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonSession;
import dev.embedpython.interpreter.BridgeConfig;
import dev.embedpython.interpreter.Engine;
import dev.embedpython.interpreter.Interpreter;
import dev.embedpython.support.Threads;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PythonPool} of sub-interpreters ({@code OWN_GIL}, {@code SHARED_GIL}) or of sessions on the main
 * interpreter ({@code MAIN}). Idle entries wait in a LIFO deque; an entry moves IDLE→IN_USE by compare-and-set, so
 * an entry retired or closed while queued is skipped; closing puts a marker in the deque that wakes every waiter.
 * A housekeeper thread fires watchdogs at overrunning calls, takes stuck interpreters out of rotation, reports
 * sessions held past the leak-detection threshold, reclaims sessions whose thread died and retries failed
 * replacements with back-off. Replacements are created, and retired interpreters ended, on a creator thread of
 * the pool, never on the caller's.
 * <p>
 * Thread contract: thread-safe.
 */
public final class InterpreterPool implements PythonPool {

	private static final Logger logger = System.getLogger(InterpreterPool.class.getName());

	private static final long INITIAL_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long MAX_RETRY_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final IsolationPolicy policy;

	private final PoolOptions options;

	private final String name;

	private final Consumer<InterpreterPool> onClose;

	private final CopyOnWriteArrayList<PoolEntry> entries = new CopyOnWriteArrayList<>();

	private final LinkedBlockingDeque<PoolEntry> idle = new LinkedBlockingDeque<>();

	private final AtomicInteger pending = new AtomicInteger();

	private final LongAdder created = new LongAdder();

	private final LongAdder recycled = new LongAdder();

	private final LongAdder timeouts = new LongAdder();

	/** Interpreters the pool is short of because a replacement could not be created. */
	private final AtomicInteger missing = new AtomicInteger();

	private volatile long nextRetryNanos;

	private long retryBackoffNanos = INITIAL_RETRY_NANOS;

	private final AtomicBoolean retryScheduled = new AtomicBoolean();

	private final long leakThresholdNanos;

	/** Creates replacements and ends retired interpreters, off the callers' and python-main's threads. */
	private final ThreadPoolExecutor creator;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final ReentrantLock drainLock = new ReentrantLock();

	private final Condition released = this.drainLock.newCondition();

	private final long callTimeoutNanos;

	private final long acquireTimeoutNanos;

	/** The bound of each call of set-up work: the creation timeout, or the call timeout where that is longer. */
	private final long setUpTimeoutNanos;

	private final long stuckGraceNanos;

	private final ScheduledExecutorService housekeeper;

	private volatile @Nullable PoolListener listener;

	private volatile @Nullable PoolListener primaryListener;

	private final CopyOnWriteArrayList<PoolListener> addedListeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable CallObserver callObserver;

	/**
	 * Create and fill a pool: every interpreter is created (and preloaded) before this returns.
	 * @param engine the running engine
	 * @param options the options
	 * @param onClose called once when the pool has closed
	 */
	public InterpreterPool(Engine engine, PoolOptions options, Consumer<InterpreterPool> onClose) {
		this.policy = IsolationPolicy.of(engine, options);
		this.options = options;
		this.name = options.name();
		this.onClose = onClose;
		Duration callTimeout = options.callTimeout();
		this.callTimeoutNanos = (callTimeout != null) ? callTimeout.toNanos() : 0;
		this.setUpTimeoutNanos = Math.max(this.callTimeoutNanos, options.creationTimeout().toNanos());
		this.acquireTimeoutNanos = saturatedNanos(options.acquireTimeout());
		this.stuckGraceNanos = options.stuckGracePeriod().toNanos();
		Duration leakThreshold = options.leakDetectionThreshold();
		this.leakThresholdNanos = (leakThreshold != null) ? leakThreshold.toNanos() : 0;
		this.creator = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				Threads.factory("python-creator-" + this.name));
		this.creator.allowCoreThreadTimeOut(true);
		try {
			for (int i = 0; i < options.size(); i++) {
				addEntry(newInterpreter());
			}
		}
		catch (RuntimeException | Error ex) {
			for (PoolEntry entry : this.entries) {
				if (entry.retireIdle()) {
					end(entry);
				}
			}
			throw ex;
		}
		long tick = (this.callTimeoutNanos > 0) ? Math.max(TimeUnit.MILLISECONDS.toNanos(5),
				Math.min(this.callTimeoutNanos / 10, TimeUnit.MILLISECONDS.toNanos(100))) : TimeUnit.SECONDS.toNanos(1);
		// Set-up work is bounded even without a call timeout: check often enough for its bound too.
		tick = Math.min(tick, Math.max(TimeUnit.MILLISECONDS.toNanos(5),
				Math.min(this.setUpTimeoutNanos / 10, TimeUnit.SECONDS.toNanos(1))));
		if (this.leakThresholdNanos > 0) {
			tick = Math.min(tick, Math.max(TimeUnit.MILLISECONDS.toNanos(10), this.leakThresholdNanos / 4));
		}
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
				Threads.factory("python-housekeeper-" + this.name));
		executor.scheduleWithFixedDelay(this::housekeep, tick, tick, TimeUnit.NANOSECONDS);
		this.housekeeper = executor;
	}

	private Interpreter newInterpreter() {
		Interpreter interpreter = this.policy.create();
		this.created.increment();
		return interpreter;
	}

	private void addEntry(Interpreter interpreter) {
		PoolEntry entry = new PoolEntry(interpreter, this.name);
		this.entries.add(entry);
		this.idle.offerLast(entry);
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public PoolOptions options() {
		return this.options;
	}

	boolean tracksLeaks() {
		return this.leakThresholdNanos > 0;
	}

	/**
	 * How long each call of a session may run.
	 * @param setUp whether the session runs set-up work ({@link #executeSetUp})
	 * @return the bound in nanoseconds, 0 for none
	 */
	long callTimeoutNanos(boolean setUp) {
		return setUp ? this.setUpTimeoutNanos : this.callTimeoutNanos;
	}

	@Nullable CallObserver callObserver() {
		return this.callObserver;
	}

	/**
	 * What the pool's Python code reaches of the JVM: log sink, context propagator, callables.
	 * @return the configuration
	 */
	BridgeConfig bridge() {
		return this.policy.spec.bridge();
	}

	@Override
	public void setPoolListener(@Nullable PoolListener listener) {
		this.primaryListener = listener;
		chainListeners();
	}

	@Override
	public void addPoolListener(PoolListener listener) {
		this.addedListeners.addIfAbsent(java.util.Objects.requireNonNull(listener, "listener"));
		chainListeners();
	}

	@Override
	public void removePoolListener(PoolListener listener) {
		this.addedListeners.remove(listener);
		chainListeners();
	}

	private synchronized void chainListeners() {
		this.listener = PoolListenerChain.of(this.name, this.primaryListener, this.addedListeners);
	}

	@Override
	public void setCallObserver(@Nullable CallObserver observer) {
		this.callObserver = observer;
	}

	@Override
	public boolean isOpen() {
		return !this.closed.get();
	}

	@Override
	public PythonSession acquire() {
		return borrow(false);
	}

	@Override
	public <T extends @Nullable Object> T executeSetUp(PythonCallback<T> callback) {
		try (PythonSession session = borrow(true)) {
			return callback.doInPython(session);
		}
	}

	private PythonSession borrow(boolean setUp) {
		checkOpen();
		// The clock is read only for a listener (the metrics' acquire timer): on this hot path a clock read costs
		// about as much as the compare-and-set that borrows the entry.
		long start = (this.listener != null) ? System.nanoTime() : 0;
		long timeoutNanos = this.acquireTimeoutNanos;
		PoolEntry entry;
		try {
			entry = take(timeoutNanos, true);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PoolExhaustedException(this.name + " - interrupted"
					+ ((start != 0) ? " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms" : "")
					+ " while waiting for an interpreter (" + stats() + ")", ex);
		}
		if (entry == null) {
			// take() returns null only once the whole timeout has passed.
			long waited = (start != 0) ? System.nanoTime() - start : timeoutNanos;
			PoolListener current = this.listener;
			if (current != null) {
				current.acquireTimedOut(waited);
			}
			throw new PoolExhaustedException(this.name + " - no interpreter available after "
					+ TimeUnit.NANOSECONDS.toMillis(waited) + " ms (" + stats() + ")", null);
		}
		return lend(entry, start, setUp);
	}

	@Override
	public @Nullable PythonSession tryAcquire(Duration timeout) {
		checkOpen();
		long start = System.nanoTime();
		PoolEntry entry;
		try {
			entry = take(timeout.isNegative() ? 0 : saturatedNanos(timeout), true);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		return (entry != null) ? lend(entry, start, false) : null;
	}

	private PythonSession lend(PoolEntry entry, long start, boolean setUp) {
		PoolListener current = this.listener;
		if (current != null && start != 0) {
			current.acquired(System.nanoTime() - start);
		}
		return new PooledSession(this, entry, true, setUp);
	}

	@Override
	public boolean probe(Duration timeout) {
		checkOpen();
		PoolEntry entry;
		try {
			entry = take(timeout.isNegative() ? 0 : saturatedNanos(timeout), false);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		if (entry == null) {
			return false;
		}
		// Not counted as a use, not reported to the listeners, and the session does not notify the call observer.
		try (PooledSession session = new PooledSession(this, entry, false, false)) {
			Object answer = session.eval("1");
			if (!Long.valueOf(1).equals(answer)) {
				throw new IllegalStateException("Pool '" + this.name + "': interpreter " + entry.interpreter().id()
						+ " evaluated 1 to " + answer);
			}
			return true;
		}
	}

	/**
	 * The one acquire loop: take an idle entry IN_USE by compare-and-set, waiting up to {@code timeoutNanos} from
	 * one deadline; {@code null} when none came in time. A closed pool's marker ends the wait at once.
	 */
	private @Nullable PoolEntry take(long timeoutNanos, boolean countPending) throws InterruptedException {
		// The clock is read only once the pool has to wait: an idle entry is the common case.
		long start = 0;
		PoolEntry entry = this.idle.pollFirst();
		while (true) {
			if (entry == null) {
				if (start == 0) {
					start = System.nanoTime();
				}
				long remaining = timeoutNanos - (System.nanoTime() - start);
				if (remaining > 0) {
					if (countPending) {
						this.pending.incrementAndGet();
					}
					try {
						entry = this.idle.pollFirst(remaining, TimeUnit.NANOSECONDS);
					}
					finally {
						if (countPending) {
							this.pending.decrementAndGet();
						}
					}
				}
				if (entry == null) {
					checkOpen();
					return null;
				}
			}
			if (entry == PoolEntry.CLOSED_MARKER) {
				// Pass the marker on to the next waiter.
				this.idle.offerFirst(entry);
				throw new IllegalStateException("Python pool '" + this.name + "' was closed while waiting "
						+ ((start != 0) ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) : 0)
						+ " ms for an interpreter");
			}
			if (entry.tryBorrow()) {
				break;
			}
			entry = null;
		}
		boolean leakDetection = this.leakThresholdNanos > 0;
		entry.borrowed(leakDetection ? new Throwable("Session acquired here") : null, leakDetection);
		if (this.closed.get()) {
			release(entry);
			checkOpen();
		}
		return entry;
	}

	private static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	void release(PoolEntry entry) {
		boolean main = !this.policy.disposable();
		boolean closing = this.closed.get();
		String reason = null;
		if (!closing && !main && this.options.maxUses() > 0 && entry.uses >= this.options.maxUses()) {
			reason = "max-uses";
		}
		else if (!closing && !main && entry.retireRequested) {
			reason = "manual";
		}
		entry.returned();
		int before = entry.giveBack((closing || reason != null) ? PoolEntry.RETIRING : PoolEntry.IDLE,
				main && !closing);
		if (before == PoolEntry.STUCK) {
			// The stuck call has returned: its replacement is serving; end it now (MAIN can only go back).
			if (main && !closing) {
				returnToIdle(entry, true);
			}
			else {
				this.entries.remove(entry);
				endLater(entry);
				if (!main) {
					countRecycled("stuck");
				}
			}
		}
		else if (before == PoolEntry.IN_USE) {
			if (closing) {
				if (!main) {
					this.entries.remove(entry);
					endLater(entry);
				}
			}
			else if (reason != null) {
				replace(entry, reason);
			}
			else {
				returnToIdle(entry, main);
			}
		}
		if (this.closed.get()) {
			signalReleased();
		}
	}

	/**
	 * Put an entry given back IDLE into the deque; if {@link #close()} drained the deque just before, retire it as
	 * close would have (a sub-interpreter ends, the main interpreter only leaves rotation).
	 */
	private void returnToIdle(PoolEntry entry, boolean main) {
		this.idle.offerFirst(entry);
		if (this.closed.get() && entry.retireIdle()) {
			this.idle.remove(entry);
			if (!main) {
				this.entries.remove(entry);
				endLater(entry);
			}
		}
	}

	private void signalReleased() {
		this.drainLock.lock();
		try {
			this.released.signalAll();
		}
		finally {
			this.drainLock.unlock();
		}
	}

	/**
	 * End an entry and create its replacement on the creator thread, without blocking the caller.
	 */
	private void replace(PoolEntry entry, String reason) {
		this.entries.remove(entry);
		onCreator("replacing " + entry.interpreter(), () -> {
			try {
				end(entry);
				countRecycled(reason);
			}
			finally {
				addReplacement();
			}
		});
	}

	private void countRecycled(String reason) {
		this.recycled.increment();
		PoolListener current = this.listener;
		if (current != null) {
			current.recycled(reason);
		}
	}

	/**
	 * Create one interpreter to take a retired one's place. On failure the pool is one short: the housekeeper
	 * retries with exponential back-off (1 s up to 1 min), and {@link PoolStats#missing()} shows it.
	 */
	private void addReplacement() {
		if (this.closed.get()) {
			return;
		}
		try {
			Interpreter interpreter = newInterpreter();
			if (this.closed.get()) {
				this.policy.end(interpreter);
				return;
			}
			addEntry(interpreter);
			synchronized (this) {
				this.retryBackoffNanos = INITIAL_RETRY_NANOS;
			}
		}
		catch (RuntimeException | Error ex) {
			int short_ = this.missing.incrementAndGet();
			long backoff;
			synchronized (this) {
				backoff = this.retryBackoffNanos;
				this.retryBackoffNanos = Math.min(backoff * 2, MAX_RETRY_NANOS);
			}
			this.nextRetryNanos = System.nanoTime() + backoff;
			logger.log(Level.ERROR, "Pool '" + this.name + "' could not create a replacement interpreter; it is "
					+ short_ + " short of its size " + this.options.size() + " and retries in "
					+ TimeUnit.NANOSECONDS.toMillis(backoff) + " ms", ex);
		}
	}

	private void retryMissing() {
		if (this.missing.get() == 0 || System.nanoTime() - this.nextRetryNanos < 0
				|| !this.retryScheduled.compareAndSet(false, true)) {
			return;
		}
		onCreator("retrying a replacement", () -> {
			try {
				if (this.missing.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
					addReplacement();
				}
			}
			finally {
				this.retryScheduled.set(false);
			}
		});
	}

	private void endLater(PoolEntry entry) {
		onCreator("ending " + entry.interpreter(), () -> end(entry));
	}

	/**
	 * Run a task on the creator thread; a failure is logged with what it was doing, never lost.
	 */
	private void onCreator(String what, Runnable task) {
		this.creator.execute(() -> {
			try {
				task.run();
			}
			catch (Throwable ex) {
				logger.log(Level.ERROR, "Pool '" + this.name + "' failed " + what, ex);
			}
		});
	}

	private void end(PoolEntry entry) {
		if (!entry.close()) {
			return;
		}
		entry.stopHelpers();
		try {
			this.policy.end(entry.interpreter());
		}
		catch (RuntimeException ex) {
			logger.log(Level.ERROR, "Pool '" + this.name + "' could not end " + entry.interpreter(), ex);
		}
	}

	private void housekeep() {
		try {
			long now = System.nanoTime();
			for (PoolEntry entry : this.entries) {
				checkCall(entry, now);
				checkBorrower(entry, now);
			}
			retryMissing();
		}
		catch (RuntimeException ex) {
			logger.log(Level.ERROR, "Pool '" + this.name + "' housekeeping failed", ex);
		}
	}

	/**
	 * Fire a watchdog at an overrunning call, and take its interpreter out of rotation once it overran its grace
	 * period too. The call's start, its bound and its sequence number are read seqlock-style (sequence, start,
	 * bound, sequence), so an old start or the bound of an old borrow is never matched with the next call.
	 */
	private void checkCall(PoolEntry entry, long now) {
		long seq = entry.callSeq();
		long startNanos = entry.callStartNanos;
		long limitNanos = entry.callTimeoutNanos;
		if (startNanos == 0 || limitNanos == 0 || entry.callSeq() != seq) {
			return;
		}
		long elapsed = now - startNanos;
		if (elapsed > limitNanos && entry.firedSeq != seq) {
			entry.firedSeq = seq;
			this.timeouts.increment();
			PoolListener current = this.listener;
			if (current != null) {
				current.callTimedOut();
			}
			Watchdog watchdog = entry.watchdog();
			if (watchdog != null) {
				watchdog.fire(seq);
			}
		}
		if (elapsed > limitNanos + this.stuckGraceNanos && entry.markStuck(seq)) {
			logger.log(Level.WARNING, "Pool '" + this.name + "': a call on interpreter " + entry.interpreter().id()
					+ " has run " + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms, past its timeout, without "
					+ "reacting to TimeoutError (C code?); taking the interpreter out of rotation"
					+ (this.policy.disposable() ? " and creating a replacement" : ""));
			if (this.policy.disposable()) {
				onCreator("creating a replacement", this::addReplacement);
			}
		}
	}

	/**
	 * Report a session held past the leak-detection threshold (once per borrow, with where it was acquired), and
	 * give back one whose thread died without closing it: nobody can close it any more.
	 */
	private void checkBorrower(PoolEntry entry, long now) {
		Thread borrower = entry.borrower;
		if (borrower == null || entry.state() != PoolEntry.IN_USE) {
			return;
		}
		if (!borrower.isAlive() && entry.callStartNanos == 0) {
			logger.log(Level.WARNING, "Pool '" + this.name + "': thread '" + borrower.getName()
					+ "' died without closing its session of interpreter " + entry.interpreter().id()
					+ "; the interpreter goes back to the pool. Close sessions with try-with-resources.",
					entry.acquiredAt);
			release(entry);
			return;
		}
		long borrowed = entry.borrowedNanos;
		if (this.leakThresholdNanos > 0 && borrowed != 0 && !entry.leakReported
				&& now - borrowed > this.leakThresholdNanos) {
			entry.leakReported = true;
			logger.log(Level.WARNING, "Pool '" + this.name + "': a session of interpreter " + entry.interpreter().id()
					+ " has been held by thread '" + borrower.getName() + "' for "
					+ TimeUnit.NANOSECONDS.toMillis(now - borrowed) + " ms, past the leak-detection threshold of "
					+ TimeUnit.NANOSECONDS.toMillis(this.leakThresholdNanos)
					+ " ms: apparent session leak (close sessions with try-with-resources)", entry.acquiredAt);
		}
	}

	@Override
	public PoolStats stats() {
		int active = 0;
		int idleCount = 0;
		int stuck = 0;
		Map<Interpreter, Boolean> interpreters = new IdentityHashMap<>();
		for (PoolEntry entry : this.entries) {
			switch (entry.state()) {
				case PoolEntry.IN_USE -> active++;
				case PoolEntry.IDLE -> idleCount++;
				case PoolEntry.STUCK -> stuck++;
				default -> {
				}
			}
			interpreters.put(entry.interpreter(), Boolean.TRUE);
		}
		int threadStates = 0;
		for (Interpreter interpreter : interpreters.keySet()) {
			threadStates += interpreter.threadStateCount();
		}
		return new PoolStats(this.name, active + idleCount, active, idleCount, this.pending.get(), stuck,
				this.created.sum(), this.recycled.sum(), this.timeouts.sum(), threadStates, this.missing.get());
	}

	@Override
	public List<InterpreterInfo> interpreters() {
		long now = System.nanoTime();
		List<InterpreterInfo> result = new ArrayList<>();
		for (PoolEntry entry : this.entries) {
			result.add(new InterpreterInfo(entry.interpreter().id(), entry.stateName(), entry.uses,
					Duration.ofNanos(now - entry.interpreter().createdNanos())));
		}
		return result;
	}

	@Override
	public void recycle() {
		checkOpen();
		if (!this.policy.disposable()) {
			return;
		}
		for (PoolEntry entry : this.entries) {
			entry.retireRequested = true;
			if (entry.retireIdle()) {
				this.idle.remove(entry);
				replace(entry, "manual");
			}
		}
	}

	/**
	 * Delete the thread states of threads that have died, in every interpreter, now, and wait (bounded) until it is
	 * done. Normally this happens lazily when an interpreter is borrowed; this forces it (tests, diagnostics).
	 * @return the number of thread states deleted
	 */
	int purgeDeadThreadStates() {
		int purged = 0;
		for (PoolEntry entry : this.entries) {
			try {
				purged += entry.interpreter().purgeDeadThreadStates().get(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
				logger.log(Level.WARNING, "Pool '" + this.name + "': purging thread states failed", ex);
			}
		}
		return purged;
	}

	/**
	 * The interpreters in rotation now (tests, diagnostics).
	 * @return the interpreters
	 */
	List<Interpreter> interpreterObjects() {
		List<Interpreter> result = new ArrayList<>();
		for (PoolEntry entry : this.entries) {
			result.add(entry.interpreter());
		}
		return result;
	}

	/**
	 * Whether no call runs and no session is held any more (after {@link #close()}: whether it drained).
	 * @return {@code true} when idle
	 */
	public boolean isDrained() {
		return !isBusy();
	}

	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		for (PoolEntry entry; (entry = this.idle.pollFirst()) != null;) {
			if (entry != PoolEntry.CLOSED_MARKER && entry.retireIdle()) {
				entry.stopHelpers();
			}
		}
		// Wake every thread waiting in acquire(): each takes the marker, puts it back and gives up.
		this.idle.offerFirst(PoolEntry.CLOSED_MARKER);
		long now = System.nanoTime();
		for (PoolEntry entry : this.entries) {
			// Sessions of threads that died can never be closed: take them back now.
			checkBorrower(entry, now);
		}
		if (!awaitDrained(this.options.drainTimeout().toNanos())) {
			// Calls still running past the drain timeout: interrupt them with TimeoutError, give them a moment.
			for (PoolEntry entry : this.entries) {
				if (entry.callStartNanos != 0) {
					long seq = entry.callSeq();
					entry.firedSeq = seq;
					Watchdog watchdog = entry.watchdog();
					if (watchdog != null) {
						watchdog.fire(seq);
					}
				}
			}
			if (!awaitDrained(TimeUnit.SECONDS.toNanos(2))) {
				StringBuilder holders = new StringBuilder();
				for (PoolEntry entry : this.entries) {
					Thread borrower = entry.borrower;
					if (borrower != null) {
						holders.append(holders.isEmpty() ? "" : ", ").append("interpreter ")
							.append(entry.interpreter().id()).append(" held by '").append(borrower.getName())
							.append((entry.callStartNanos != 0) ? "' (in a call)" : "' (between calls: session not closed?)");
					}
				}
				logger.log(Level.WARNING, "Pool '" + this.name + "' closed with interpreters still in use (" + stats()
						+ "; " + holders + "); each ends when its session is closed"
						+ (this.policy.disposable() ? " (a session between calls: once "
								+ "its thread makes its next Python call, on any pool, or dies)" : ""));
				if (this.policy.disposable()) {
					for (PoolEntry entry : this.entries) {
						if (entry.callStartNanos == 0 && entry.retireHeld()) {
							// Its thread keeps its thread state until it deletes it itself (see CallerThread).
							entry.interpreter().markHeldByUnclosedSession();
						}
					}
				}
			}
		}
		this.housekeeper.shutdownNow();
		for (PoolEntry entry : this.entries) {
			if (entry.state() == PoolEntry.RETIRING) {
				this.entries.remove(entry);
				end(entry);
			}
		}
		notifyClosed();
		this.onClose.accept(this);
	}

	private void notifyClosed() {
		PoolListener current = this.listener;
		if (current != null) {
			try {
				current.closed();
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "A listener of pool '" + this.name + "' failed on close", ex);
			}
		}
	}

	private boolean awaitDrained(long timeoutNanos) {
		long deadline = System.nanoTime() + timeoutNanos;
		this.drainLock.lock();
		try {
			while (isBusy()) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				this.released.awaitNanos(remaining);
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !isBusy();
		}
		finally {
			this.drainLock.unlock();
		}
	}

	private boolean isBusy() {
		for (PoolEntry entry : this.entries) {
			int state = entry.state();
			if (state == PoolEntry.IN_USE || state == PoolEntry.STUCK) {
				return true;
			}
		}
		return false;
	}

	private void checkOpen() {
		if (this.closed.get()) {
			throw new IllegalStateException("Python pool '" + this.name + "' is closed");
		}
	}

	@Override
	public String toString() {
		return "PythonPool[" + this.name + ", " + this.options.isolation() + ", " + stats() + "]";
	}

}
