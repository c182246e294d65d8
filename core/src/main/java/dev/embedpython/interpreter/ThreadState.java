package dev.embedpython.interpreter;

import java.lang.ref.WeakReference;

/**
 * A {@code PyThreadState} that one Java platform thread uses for one interpreter, created on that thread and kept
 * for every later call (creating one costs ~9 µs).
 * <p>
 * Thread contract: created and attached only by its thread; cleared and deleted by the interpreter's owner while
 * its thread is dead, or when the interpreter ends, always with that interpreter's GIL held.
 */
public final class ThreadState {

	private final WeakReference<Thread> thread;

	private final long pointer;

	private final long ident;

	private volatile boolean deleted;

	ThreadState(Thread thread, long pointer, long ident) {
		this.thread = new WeakReference<>(thread);
		this.pointer = pointer;
		this.ident = ident;
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

	boolean isOwnedBy(Thread candidate) {
		return this.thread.get() == candidate;
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
