package dev.embedpython.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The process-wide {@code python-main} platform thread. CPython is initialized and finalized on it (the seed
 * chapter ties {@code Py_FinalizeEx} to the main thread state created by initialization), and it creates and ends
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
		this.thread = new Thread(this::loop, "python-main");
		this.thread.setDaemon(true);
		this.thread.start();
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
		return awaitUninterruptibly(submit(task));
	}

	/**
	 * Wait for a task that must not be abandoned half-way (it holds or changes interpreter state), ignoring
	 * interrupts until it is done and then restoring the interrupt flag; the task's exception is rethrown as is.
	 * @param <T> the result type
	 * @param future the task's future
	 * @return its result
	 */
	public static <T> T awaitUninterruptibly(Future<T> future) {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return future.get();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
				catch (ExecutionException ex) {
					throw rethrow(ex);
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * The exception a task failed with, as is when it is unchecked.
	 * @param ex the wrapper
	 * @return an exception to throw (an {@link Error} is thrown here)
	 */
	public static RuntimeException rethrow(ExecutionException ex) {
		Throwable cause = ex.getCause();
		if (cause instanceof RuntimeException runtimeException) {
			return runtimeException;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return new IllegalStateException(cause);
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
