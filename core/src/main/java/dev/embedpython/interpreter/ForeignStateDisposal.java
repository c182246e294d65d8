package dev.embedpython.interpreter;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import dev.embedpython.capi.CPython;
import dev.embedpython.support.Threads;

/**
 * Deletes thread states that the deleting thread does not own (those of threads that died, and at a forced end
 * those of live threads), on a fresh platform thread that never runs Python afterwards.
 * <p>
 * Why a fresh thread: {@code PyThreadState_Delete} of a state that is still its owner's "gilstate" (the thread
 * state CPython remembers per OS thread, {@code _Py_tss_gilstate}) runs {@code unbind_gilstate_tstate}, which
 * clears the gilstate slot of the <em>calling</em> thread. Afterwards any C code on the caller that uses
 * {@code PyGILState_Ensure} (sqlite3 and ctypes callbacks, destructors of many extensions) gets a new
 * main-interpreter thread state and frees sub-interpreter objects with the wrong allocator:
 * {@code free(): invalid pointer}. The disposal thread creates its own thread state first (which becomes its
 * gilstate), clears every foreign state while that holds ({@code PyThreadState_Clear} may run destructors), then
 * deletes them all, deletes its own and ends.
 * <p>
 * Thread contract: {@link #dispose} from any thread, attached or not (it never waits for the GIL itself).
 */
final class ForeignStateDisposal {

	private static final Logger logger = System.getLogger(ForeignStateDisposal.class.getName());

	private static final AtomicLong COUNTER = new AtomicLong();

	private ForeignStateDisposal() {
	}

	/**
	 * Delete claimed thread states of one interpreter on a new thread.
	 * @param interpreter the interpreter that owns them (not ended)
	 * @param claimed states claimed by the caller, already removed from the interpreter's registry
	 * @return completes with the number deleted once the disposal thread has finished
	 */
	static CompletableFuture<Integer> dispose(Interpreter interpreter, List<ThreadState> claimed) {
		CompletableFuture<Integer> done = new CompletableFuture<>();
		if (claimed.isEmpty()) {
			done.complete(0);
			return done;
		}
		interpreter.disposalStarted(done);
		Threads.start("python-tstate-disposal-" + COUNTER.incrementAndGet(), () -> {
			Throwable failure = null;
			try {
				run(interpreter, claimed);
			}
			catch (Throwable ex) {
				logger.log(Level.ERROR, "Could not delete " + claimed.size() + " thread state(s) of " + interpreter, ex);
				failure = ex;
			}
			// Unregistered before completion: whoever waits on it then sees no disposal in flight.
			interpreter.disposalFinished(done);
			if (failure == null) {
				done.complete(claimed.size());
			}
			else {
				done.completeExceptionally(failure);
			}
		});
		return done;
	}

	private static void run(Interpreter interpreter, List<ThreadState> claimed) {
		// PyThreadState_New binds the new state as this fresh thread's gilstate.
		long own = CPython.PyThreadState_New(interpreter.statePointer());
		if (own == 0) {
			throw new IllegalStateException("PyThreadState_New failed for " + interpreter);
		}
		CPython.PyEval_RestoreThread(own);
		for (ThreadState threadState : claimed) {
			// With the GIL held; destructors run with this thread's own state as its gilstate.
			CPython.PyThreadState_Clear(threadState.pointer());
		}
		for (ThreadState threadState : claimed) {
			// May clear this thread's gilstate: no Python code runs on this thread after the first delete.
			CPython.PyThreadState_Delete(threadState.pointer());
		}
		CPython.PyThreadState_Clear(own);
		CPython.PyThreadState_DeleteCurrent();
	}

}
