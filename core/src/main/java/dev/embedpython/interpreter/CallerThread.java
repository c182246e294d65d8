package dev.embedpython.interpreter;

import java.util.concurrent.ConcurrentLinkedQueue;

import dev.embedpython.capi.CPython;
import dev.embedpython.runtime.OwnerThread;

/**
 * What embedpython knows about one Java thread that attaches thread states.
 * <p>
 * CPython remembers, per OS thread, the thread state it attached last (the "gilstate", a C thread-local in 3.14)
 * and, on the thread's next attach, writes a flag into that remembered thread state. Deleting a live thread's
 * thread state from another thread therefore leaves it pointing at freed memory, and its next attach corrupts the
 * heap. So thread states of live threads are deleted by their own thread: when an interpreter retires, each live
 * owner finds its thread states in {@link #retired} and deletes them itself ({@code PyThreadState_DeleteCurrent},
 * which also forgets the gilstate) before it next attaches anywhere. Finalization frees every thread state at once;
 * a thread that attached before a finalization is "tainted" for every later runtime and hands its calls to a
 * pool worker instead of attaching.
 * <p>
 * Thread contract: {@link #current()} and {@link #releaseRetired()} on the thread itself; {@link #retire} from
 * {@code python-main}.
 */
public final class CallerThread {

	private static final ThreadLocal<CallerThread> CURRENT = ThreadLocal.withInitial(CallerThread::new);

	private final ConcurrentLinkedQueue<ThreadState> retired = new ConcurrentLinkedQueue<>();

	/** The runtime generation this thread first attached in, 0 before its first attach. */
	private int generation;

	private CallerThread() {
	}

	static CallerThread current() {
		return CURRENT.get();
	}

	/**
	 * Whether the calling thread must not attach in the given runtime generation, because it attached in an
	 * earlier one whose finalization freed the thread state CPython still remembers for it.
	 * @param generation the running engine's generation
	 * @return {@code true} if calls must be handed to a platform worker
	 */
	public static boolean mustHandOff(int generation) {
		if (OwnerThread.get().isCurrent()) {
			// Finalization runs on python-main and clears its remembered thread state.
			return false;
		}
		int first = CURRENT.get().generation;
		return first != 0 && first != generation;
	}

	/**
	 * Delete the calling thread's thread states of retired interpreters. Called while the thread is not attached,
	 * before it attaches again.
	 */
	public static void releaseRetired() {
		CallerThread caller = CURRENT.get();
		for (ThreadState threadState; (threadState = caller.retired.poll()) != null;) {
			threadState.interpreter().deleteOwn(threadState);
		}
	}

	void enteredGeneration(int engineGeneration) {
		if (this.generation == 0) {
			this.generation = engineGeneration;
		}
	}

	void retire(ThreadState threadState) {
		this.retired.add(threadState);
	}

	/**
	 * Delete the current thread's attached state: {@code PyThreadState_Clear} with its GIL held, then
	 * {@code PyThreadState_DeleteCurrent}, which releases the GIL and forgets the gilstate.
	 */
	static void deleteAttached(ThreadState threadState) {
		CPython.PyEval_RestoreThread(threadState.pointer());
		CPython.PyThreadState_Clear(threadState.pointer());
		CPython.PyThreadState_DeleteCurrent();
	}

}
