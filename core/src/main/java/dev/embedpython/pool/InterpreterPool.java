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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import dev.embedpython.CallObserver;
import dev.embedpython.InterpreterInfo;
import dev.embedpython.Isolation;
import dev.embedpython.PoolExhaustedException;
import dev.embedpython.PoolListener;
import dev.embedpython.PoolOptions;
import dev.embedpython.PoolStats;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonSession;
import dev.embedpython.interpreter.Engine;
import dev.embedpython.interpreter.Interpreter;
import dev.embedpython.runtime.OwnerThread;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PythonPool} of sub-interpreters ({@code OWN_GIL}, {@code SHARED_GIL}) or of sessions on the main
 * interpreter ({@code MAIN}). Idle entries wait in a LIFO deque; an entry moves IDLE→IN_USE by compare-and-set, so
 * an entry retired or closed while queued is skipped. A housekeeper thread (only with a call timeout) fires
 * watchdogs at overrunning calls and takes stuck interpreters out of rotation; interpreters are created and ended
 * on {@code python-main}.
 * <p>
 * Thread contract: thread-safe.
 */
public final class InterpreterPool implements PythonPool {

	private static final Logger logger = System.getLogger(InterpreterPool.class.getName());

	private final Engine engine;

	private final PoolOptions options;

	private final String name;

	private final Consumer<InterpreterPool> onClose;

	private final CopyOnWriteArrayList<PoolEntry> entries = new CopyOnWriteArrayList<>();

	private final LinkedBlockingDeque<PoolEntry> idle = new LinkedBlockingDeque<>();

	private final AtomicInteger pending = new AtomicInteger();

	private final LongAdder created = new LongAdder();

	private final LongAdder recycled = new LongAdder();

	private final LongAdder timeouts = new LongAdder();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final ReentrantLock drainLock = new ReentrantLock();

	private final Condition released = this.drainLock.newCondition();

	private final long callTimeoutNanos;

	private final long stuckNanos;

	private final @Nullable ScheduledExecutorService housekeeper;

	private volatile @Nullable PoolListener listener;

	private volatile @Nullable CallObserver callObserver;

	/**
	 * Create and fill a pool: every interpreter is created (and preloaded) before this returns.
	 * @param engine the running engine
	 * @param options the options
	 * @param onClose called once when the pool has closed
	 */
	public InterpreterPool(Engine engine, PoolOptions options, Consumer<InterpreterPool> onClose) {
		this.engine = engine;
		this.options = options;
		this.name = options.name();
		this.onClose = onClose;
		Duration callTimeout = options.callTimeout();
		this.callTimeoutNanos = (callTimeout != null) ? callTimeout.toNanos() : 0;
		this.stuckNanos = this.callTimeoutNanos + options.stuckGracePeriod().toNanos();
		String tooLarge = MemoryEstimate.problem(options);
		if (tooLarge != null) {
			throw new IllegalArgumentException("Invalid pool option 'size': " + tooLarge);
		}
		if (options.isolation() != Isolation.MAIN) {
			logger.log(Level.INFO, () -> "Pool '" + this.name + "': " + options.size() + " "
					+ options.isolation().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
					+ " interpreters, estimated " + MemoryEstimate.mebibytes(MemoryEstimate.of(options))
					+ " of native memory before imports" + ((MemoryEstimate.hostBudget() >= 0)
							? " (the host offers " + MemoryEstimate.mebibytes(MemoryEstimate.hostBudget()) + ")" : ""));
		}
		try {
			for (int i = 0; i < options.size(); i++) {
				addEntry(newInterpreter());
			}
		}
		catch (RuntimeException ex) {
			for (PoolEntry entry : this.entries) {
				end(entry);
			}
			throw ex;
		}
		if (this.callTimeoutNanos > 0) {
			ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
				Thread thread = new Thread(runnable, "python-housekeeper-" + this.name);
				thread.setDaemon(true);
				return thread;
			});
			long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(5),
					Math.min(this.callTimeoutNanos / 10, TimeUnit.MILLISECONDS.toNanos(100)));
			executor.scheduleWithFixedDelay(this::housekeep, tick, tick, TimeUnit.NANOSECONDS);
			this.housekeeper = executor;
		}
		else {
			this.housekeeper = null;
		}
	}

	private Interpreter newInterpreter() {
		Interpreter interpreter;
		if (this.options.isolation() == Isolation.MAIN) {
			interpreter = this.engine.main();
			if (!this.options.preload().isEmpty() || this.options.initScript() != null) {
				OwnerThread.get().call(() -> {
					interpreter.attach();
					try {
						for (String module : this.options.preload()) {
							interpreter.exec("import " + module);
						}
						if (this.options.initScript() != null && !this.options.initScript().isBlank()) {
							interpreter.exec(this.options.initScript());
						}
					}
					finally {
						interpreter.detach();
					}
					return null;
				});
			}
		}
		else {
			interpreter = this.engine.createInterpreter(this.options);
		}
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

	boolean hasCallTimeout() {
		return this.callTimeoutNanos > 0;
	}

	@Nullable CallObserver callObserver() {
		return this.callObserver;
	}

	@Override
	public void setPoolListener(@Nullable PoolListener listener) {
		this.listener = listener;
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
		checkOpen();
		long start = System.nanoTime();
		long deadline = start + this.options.acquireTimeout().toNanos();
		PoolEntry entry = this.idle.pollFirst();
		while (true) {
			if (entry == null) {
				long remaining = deadline - System.nanoTime();
				if (remaining > 0) {
					this.pending.incrementAndGet();
					try {
						entry = this.idle.pollFirst(remaining, TimeUnit.NANOSECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						throw new PoolExhaustedException(this.name + " - interrupted after "
								+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
								+ " ms while waiting for an interpreter (" + stats() + ")", ex);
					}
					finally {
						this.pending.decrementAndGet();
					}
				}
				if (entry == null) {
					checkOpen();
					long waited = System.nanoTime() - start;
					PoolListener current = this.listener;
					if (current != null) {
						current.acquireTimedOut(waited);
					}
					throw new PoolExhaustedException(this.name + " - no interpreter available after "
							+ TimeUnit.NANOSECONDS.toMillis(waited) + " ms (" + stats() + ")", null);
				}
			}
			if (entry.state.compareAndSet(PoolEntry.IDLE, PoolEntry.IN_USE)) {
				break;
			}
			entry = null;
		}
		if (this.closed.get()) {
			release(entry);
			checkOpen();
		}
		entry.uses++;
		PoolListener current = this.listener;
		if (current != null) {
			current.acquired(System.nanoTime() - start);
		}
		return new PooledSession(this, entry, this.engine.converter());
	}

	void release(PoolEntry entry) {
		if (entry.state.get() == PoolEntry.STUCK) {
			// The stuck call has returned: its replacement is serving; end it now (MAIN can only go back).
			if (this.options.isolation() == Isolation.MAIN && !this.closed.get()) {
				entry.state.set(PoolEntry.IDLE);
				this.idle.offerFirst(entry);
			}
			else {
				entry.state.set(PoolEntry.RETIRING);
				this.entries.remove(entry);
				endLater(entry);
				countRecycled("stuck");
			}
		}
		else if (this.closed.get()) {
			entry.state.set(PoolEntry.RETIRING);
			if (this.options.isolation() != Isolation.MAIN) {
				this.entries.remove(entry);
				endLater(entry);
			}
		}
		else if (this.options.isolation() != Isolation.MAIN && this.options.maxUses() > 0
				&& entry.uses >= this.options.maxUses()) {
			entry.state.set(PoolEntry.RETIRING);
			replace(entry, "max-uses");
		}
		else if (entry.retireRequested && this.options.isolation() != Isolation.MAIN) {
			entry.state.set(PoolEntry.RETIRING);
			replace(entry, "manual");
		}
		else {
			entry.state.set(PoolEntry.IDLE);
			this.idle.offerFirst(entry);
		}
		if (this.closed.get()) {
			signalReleased();
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
	 * End an entry and create its replacement, on {@code python-main}, without blocking the caller.
	 */
	private void replace(PoolEntry entry, String reason) {
		this.entries.remove(entry);
		OwnerThread.get().submit(() -> {
			end(entry);
			countRecycled(reason);
			addReplacement();
			return null;
		});
	}

	private void countRecycled(String reason) {
		this.recycled.increment();
		PoolListener current = this.listener;
		if (current != null) {
			current.recycled(reason);
		}
	}

	private void addReplacement() {
		if (this.closed.get()) {
			return;
		}
		try {
			Interpreter interpreter = newInterpreter();
			if (this.closed.get()) {
				this.engine.endInterpreter(interpreter);
				return;
			}
			addEntry(interpreter);
		}
		catch (RuntimeException ex) {
			logger.log(Level.ERROR, "Pool '" + this.name + "' could not create a replacement interpreter", ex);
		}
	}

	private void endLater(PoolEntry entry) {
		OwnerThread.get().submit(() -> {
			end(entry);
			return null;
		});
	}

	private void end(PoolEntry entry) {
		entry.state.set(PoolEntry.CLOSED);
		entry.stopHelpers();
		if (this.options.isolation() != Isolation.MAIN) {
			try {
				this.engine.endInterpreter(entry.interpreter);
			}
			catch (RuntimeException ex) {
				logger.log(Level.ERROR, "Pool '" + this.name + "' could not end " + entry.interpreter, ex);
			}
		}
	}

	private void housekeep() {
		try {
			long now = System.nanoTime();
			for (PoolEntry entry : this.entries) {
				long startNanos = entry.callStartNanos;
				int seq = entry.callSeq;
				if (startNanos == 0) {
					continue;
				}
				long elapsed = now - startNanos;
				if (elapsed > this.callTimeoutNanos && entry.firedSeq != seq) {
					entry.firedSeq = seq;
					this.timeouts.increment();
					PoolListener current = this.listener;
					if (current != null) {
						current.callTimedOut();
					}
					entry.watchdog(this.engine.types().timeoutError()).fire(seq);
				}
				if (elapsed > this.stuckNanos && entry.callSeq == seq
						&& entry.state.compareAndSet(PoolEntry.IN_USE, PoolEntry.STUCK)) {
					logger.log(Level.WARNING, "Pool '" + this.name + "': a call on interpreter "
							+ entry.interpreter.id() + " has run " + TimeUnit.NANOSECONDS.toMillis(elapsed)
							+ " ms, past its timeout, without reacting to TimeoutError (C code?); taking the "
							+ "interpreter out of rotation and creating a replacement");
					if (this.options.isolation() != Isolation.MAIN) {
						OwnerThread.get().submit(() -> {
							addReplacement();
							return null;
						});
					}
				}
			}
		}
		catch (RuntimeException ex) {
			logger.log(Level.ERROR, "Pool '" + this.name + "' housekeeping failed", ex);
		}
	}

	@Override
	public PoolStats stats() {
		int active = 0;
		int idleCount = 0;
		int stuck = 0;
		Map<Interpreter, Boolean> interpreters = new IdentityHashMap<>();
		for (PoolEntry entry : this.entries) {
			switch (entry.state.get()) {
				case PoolEntry.IN_USE -> active++;
				case PoolEntry.IDLE -> idleCount++;
				case PoolEntry.STUCK -> stuck++;
				default -> {
				}
			}
			interpreters.put(entry.interpreter, Boolean.TRUE);
		}
		int threadStates = 0;
		for (Interpreter interpreter : interpreters.keySet()) {
			threadStates += interpreter.threadStateCount();
		}
		return new PoolStats(this.name, active + idleCount, active, idleCount, this.pending.get(), stuck,
				this.created.sum(), this.recycled.sum(), this.timeouts.sum(), threadStates);
	}

	@Override
	public List<InterpreterInfo> interpreters() {
		long now = System.nanoTime();
		List<InterpreterInfo> result = new ArrayList<>();
		for (PoolEntry entry : this.entries) {
			result.add(new InterpreterInfo(entry.interpreter.id(), entry.stateName(), entry.uses,
					Duration.ofNanos(now - entry.interpreter.createdNanos())));
		}
		return result;
	}

	@Override
	public void recycle() {
		checkOpen();
		if (this.options.isolation() == Isolation.MAIN) {
			return;
		}
		for (PoolEntry entry : this.entries) {
			entry.retireRequested = true;
			if (entry.state.compareAndSet(PoolEntry.IDLE, PoolEntry.RETIRING)) {
				this.idle.remove(entry);
				replace(entry, "manual");
			}
		}
	}

	/**
	 * Borrow every interpreter in turn and delete the thread states of threads that have died. Normally this
	 * happens lazily when an interpreter is borrowed; this forces it (tests, diagnostics).
	 * @return the number of thread states deleted
	 */
	public int purgeDeadThreadStates() {
		int purged = 0;
		List<PythonSession> sessions = new ArrayList<>();
		try {
			for (int i = 0; i < this.options.size(); i++) {
				sessions.add(acquire());
			}
		}
		finally {
			for (PythonSession session : sessions) {
				try {
					purged += ((PooledSession) session).purgeDeadThreadStates();
				}
				finally {
					session.close();
				}
			}
		}
		return purged;
	}

	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		for (PoolEntry entry; (entry = this.idle.pollFirst()) != null;) {
			if (entry.state.compareAndSet(PoolEntry.IDLE, PoolEntry.RETIRING)) {
				entry.stopHelpers();
			}
		}
		if (!awaitDrained(this.options.drainTimeout().toNanos())) {
			// Calls still running past the drain timeout: interrupt them with TimeoutError, give them a moment.
			for (PoolEntry entry : this.entries) {
				if (entry.callStartNanos != 0) {
					entry.firedSeq = entry.callSeq;
					entry.watchdog(this.engine.types().timeoutError()).fire(entry.callSeq);
				}
			}
			if (!awaitDrained(TimeUnit.SECONDS.toNanos(2))) {
				logger.log(Level.WARNING, "Pool '" + this.name + "' closed with calls still running ("
						+ stats() + "); their interpreters end when the calls return");
			}
		}
		if (this.housekeeper != null) {
			this.housekeeper.shutdownNow();
		}
		for (PoolEntry entry : this.entries) {
			if (entry.state.get() == PoolEntry.RETIRING) {
				this.entries.remove(entry);
				end(entry);
			}
		}
		this.onClose.accept(this);
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
			int state = entry.state.get();
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
