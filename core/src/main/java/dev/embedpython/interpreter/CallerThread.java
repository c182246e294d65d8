package dev.embedpython.interpreter;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.embedpython.capi.CPython;
import dev.embedpython.runtime.OwnerThread;
import org.jspecify.annotations.Nullable;

/**
 * What embedpython knows about one Java thread that attaches thread states: its thread state per interpreter, and
 * the thread states of retired interpreters it still has to delete.
 * <p>
 * CPython remembers, per OS thread, the thread state it attached last (the "gilstate", a C thread-local in 3.14)
 * and, on the thread's next attach, writes a flag into that remembered thread state. Deleting a live thread's
 * thread state from another thread therefore leaves it pointing at freed memory, and its next attach corrupts the
 * heap. So thread states of live threads are deleted by their own thread: when an interpreter retires, each live
 * owner finds its thread states in {@link #retired} and deletes them itself ({@code PyThreadState_DeleteCurrent},
 * which also forgets the gilstate) before it next attaches anywhere. States of threads that died are deleted by a
 * {@link ForeignStateDisposal} thread. Finalization frees every thread state at once; a thread that attached
 * before a finalization is "tainted" for every later runtime and hands its calls to a pool worker instead of
 * attaching.
 * <p>
 * The thread's states live here, not in a {@code ThreadLocal} of each interpreter: a thread-local value that
 * refers to its own key's owner keeps every ended interpreter reachable for as long as the thread lives. Entries
 * of ended interpreters are dropped whenever the thread registers a new state.
 * <p>
 * Thread contract: {@link #current()}, {@link #releaseRetired()} and the state map on the thread itself;
 * {@link #retire} from any thread.
 */
public final class CallerThread {

	private static final ThreadLocal<CallerThread> CURRENT = ThreadLocal.withInitial(CallerThread::new);

	private final ConcurrentLinkedQueue<ThreadState> retired = new ConcurrentLinkedQueue<>();

	private final Map<Interpreter, ThreadState> states = new IdentityHashMap<>(4);

	private @Nullable Interpreter lastInterpreter;

	private @Nullable ThreadState lastState;

	/** The runtime generation this thread first attached in, 0 before its first attach. */
	private int generation;

	/** Above 0 while the thread runs a log sink for Python, attached: it must not attach again. */
	int holdingGil;

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
			caller.forget(threadState.interpreter());
			threadState.interpreter().deleteOwn(threadState);
		}
	}

	@Nullable ThreadState stateFor(Interpreter interpreter) {
		if (interpreter == this.lastInterpreter) {
			return this.lastState;
		}
		ThreadState threadState = this.states.get(interpreter);
		this.lastInterpreter = interpreter;
		this.lastState = threadState;
		return threadState;
	}

	void put(Interpreter interpreter, ThreadState threadState) {
		for (Iterator<Map.Entry<Interpreter, ThreadState>> it = this.states.entrySet().iterator(); it.hasNext();) {
			Map.Entry<Interpreter, ThreadState> entry = it.next();
			if (entry.getKey().isEnded() || entry.getValue().isDeleted()) {
				it.remove();
			}
		}
		this.states.put(interpreter, threadState);
		this.lastInterpreter = interpreter;
		this.lastState = threadState;
	}

	void forget(Interpreter interpreter) {
		this.states.remove(interpreter);
		if (this.lastInterpreter == interpreter) {
			this.lastInterpreter = null;
			this.lastState = null;
		}
	}

	/**
	 * Interpreters this thread currently holds a thread state for (tests, diagnostics).
	 * @return the count
	 */
	int stateCount() {
		return this.states.size();
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
