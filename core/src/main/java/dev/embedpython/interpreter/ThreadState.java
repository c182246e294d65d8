package dev.embedpython.interpreter;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@code PyThreadState} that one Java platform thread uses for one interpreter, created on that thread and kept
 * for every later call (creating one costs ~9 µs).
 * <p>
 * Thread contract: created and attached only by its thread; deleted by that thread itself while it lives (see
 * {@link CallerThread}), or by a {@link ForeignStateDisposal} thread once the thread has died or when the runtime
 * shuts down, always with the interpreter's GIL held.
 */
public final class ThreadState {

	private final WeakReference<Thread> thread;

	private final CallerThread caller;

	private final Interpreter interpreter;

	private final long pointer;

	private final long ident;

	private final AtomicBoolean claimed = new AtomicBoolean();

	private volatile boolean deleted;

	ThreadState(Thread thread, CallerThread caller, Interpreter interpreter, long pointer, long ident) {
		this.thread = new WeakReference<>(thread);
		this.caller = caller;
		this.interpreter = interpreter;
		this.pointer = pointer;
		this.ident = ident;
	}

	CallerThread caller() {
		return this.caller;
	}

	Interpreter interpreter() {
		return this.interpreter;
	}

	/**
	 * Claim the right to delete this thread state: exactly one of its owner and {@code python-main} deletes it.
	 * @return {@code true} for the one claimant
	 */
	boolean claim() {
		return this.claimed.compareAndSet(false, true);
	}

	/**
	 * The {@code PyThreadState*}.
	 * @return the pointer
	 */
	public long pointer() {
		return this.pointer;
	}

	/**
	 * The OS thread id CPython knows the thread by ({@code PyThread_get_thread_ident}), as used by
	 * {@code PyThreadState_SetAsyncExc}.
	 * @return the id
	 */
	public long ident() {
		return this.ident;
	}

	boolean isThreadAlive() {
		Thread owner = this.thread.get();
		return owner != null && owner.isAlive();
	}

	boolean isDeleted() {
		return this.deleted;
	}

	void markDeleted() {
		this.deleted = true;
	}

	@Override
	public String toString() {
		Thread owner = this.thread.get();
		return "ThreadState[" + ((owner != null) ? owner.getName() : "<collected>") + "]";
	}

}
