package dev.embedpython.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import dev.embedpython.support.Threads;

/**
 * The process-wide {@code python-main} platform thread. CPython is initialized and finalized on it ({@code Py_FinalizeEx}
 * must run with the main thread state that initialization created, per the C API's rules on finalization), and it creates and ends
 * sub-interpreters one at a time (ending many own-GIL interpreters concurrently can crash, cpython #136423).
 * <p>
 * Thread contract: {@link #submit} and {@link #call} from any thread; tasks run one after another on
 * {@code python-main}. {@link #call} from {@code python-main} itself runs the task inline.
 */
public final class OwnerThread {

	private static final Logger logger = System.getLogger(OwnerThread.class.getName());

	private static final OwnerThread INSTANCE = new OwnerThread();

	private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

	private final Thread thread;

	private OwnerThread() {
		this.thread = Threads.start("python-main", this::loop);
	}

	/**
	 * The one owner thread of this JVM.
	 * @return the owner thread
	 */
	public static OwnerThread get() {
		return INSTANCE;
	}

	/**
	 * Whether the caller is {@code python-main}.
	 * @return {@code true} on the owner thread
	 */
	public boolean isCurrent() {
		return Thread.currentThread() == this.thread;
	}

	/**
	 * Queue a task.
	 * @param <T> the result type
	 * @param task the task
	 * @return its future
	 */
	public <T> CompletableFuture<T> submit(Callable<T> task) {
		CompletableFuture<T> future = new CompletableFuture<>();
		this.tasks.add(() -> {
			try {
				future.complete(task.call());
			}
			catch (Throwable ex) {
				future.completeExceptionally(ex);
			}
		});
		return future;
	}

	/**
	 * Queue a task nobody waits for; a failure is logged with what the task was doing, never lost.
	 * @param what what the task does, for the log
	 * @param task the task
	 */
	public void execute(String what, Runnable task) {
		this.tasks.add(() -> {
			try {
				task.run();
			}
			catch (Throwable ex) {
				logger.log(Level.ERROR, "python-main failed " + what, ex);
			}
		});
	}

	/**
	 * Run a task on {@code python-main} and wait for it, uninterruptibly (a half-done initialization must not be
	 * abandoned); the caller's interrupt flag is restored afterwards.
	 * @param <T> the result type
	 * @param task the task
	 * @return its result
	 */
	public <T> T call(Callable<T> task) {
		if (isCurrent()) {
			try {
				return task.call();
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
		return Threads.awaitUninterruptibly(submit(task));
	}

	private void loop() {
		while (true) {
			Runnable task;
			try {
				task = this.tasks.take();
			}
			catch (InterruptedException ex) {
				// python-main lives as long as the JVM; an interrupt is not a reason to stop serving
				continue;
			}
			task.run();
		}
	}

}
