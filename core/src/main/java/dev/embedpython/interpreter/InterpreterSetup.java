package dev.embedpython.interpreter;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.embedpython.Isolation;
import dev.embedpython.PythonException;
import dev.embedpython.PythonInitializationException;
import dev.embedpython.support.Threads;
import org.jspecify.annotations.Nullable;

/**
 * The set-up of one interpreter (its preloads, then its init script) on a {@code python-setup-<label>-<id>} thread
 * of its own, waited for at most the spec's set-up timeout, so that a module that never finishes importing blocks
 * neither {@code python-main} nor the caller for longer. On timeout the set-up is interrupted with
 * {@code TimeoutError} and abandoned: a sub-interpreter is ended when the set-up returns. The set-up thread leaves
 * its thread state to the dead-thread purge.
 * <p>
 * Thread contract: {@link #run} from any platform thread not attached to the interpreter; one set-up per instance.
 */
final class InterpreterSetup implements Runnable {

	private static final Logger logger = System.getLogger(InterpreterSetup.class.getName());

	private static final int RUNNING = 0;

	private static final int DONE = 1;

	private static final int ABANDONED = 2;

	private final Interpreter interpreter;

	private final InterpreterSpec spec;

	private final Engine engine;

	private final CompletableFuture<Void> done = new CompletableFuture<>();

	private final AtomicInteger phase = new AtomicInteger(RUNNING);

	private volatile String step = "the set-up";

	private volatile @Nullable ThreadState threadState;

	private InterpreterSetup(Engine engine, Interpreter interpreter, InterpreterSpec spec) {
		this.engine = engine;
		this.interpreter = interpreter;
		this.spec = spec;
	}

	/**
	 * Set an interpreter up and wait for it, bounded.
	 * @param engine the engine that ends an abandoned sub-interpreter
	 * @param interpreter the interpreter (a new sub-interpreter or the main one)
	 * @param spec what to set up
	 * @throws PythonInitializationException if a step fails ({@link PythonException} as cause) or overruns
	 * ({@link Abandoned})
	 */
	static void run(Engine engine, Interpreter interpreter, InterpreterSpec spec) {
		if (!spec.hasSetUp()) {
			return;
		}
		InterpreterSetup setup = new InterpreterSetup(engine, interpreter, spec);
		Threads.start("python-setup-" + spec.label() + "-" + interpreter.id(), setup);
		setup.await();
	}

	private void await() {
		try {
			this.done.get(this.spec.setUpTimeout().toNanos(), TimeUnit.NANOSECONDS);
			return;
		}
		catch (ExecutionException ex) {
			throw Threads.rethrow(ex);
		}
		catch (TimeoutException ex) {
			if (!abandon()) {
				// It finished just now.
				Threads.awaitUninterruptibly(this.done);
				return;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			if (!abandon()) {
				Threads.awaitUninterruptibly(this.done);
				return;
			}
		}
		interrupt();
		throw new Abandoned("Pool '" + this.spec.label() + "': creating an interpreter did not finish within "
				+ this.spec.setUpTimeout().toMillis() + " ms (the creation timeout): " + this.step
				+ " was still running; it was interrupted with TimeoutError and the interpreter is ended when it "
				+ "returns. Check that module for work at import time, or raise the creation timeout.");
	}

	@Override
	public void run() {
		try {
			ThreadState attached = this.interpreter.attach();
			this.threadState = attached;
			CallScope scope = null;
			try {
				scope = this.interpreter.enterCall(this.spec.bridge(), null, Thread.currentThread(), attached);
				for (String module : this.spec.preload()) {
					this.step = "preload module '" + module + "'";
					this.interpreter.exec("import " + module);
				}
				String script = this.spec.initScript();
				if (script != null && !script.isBlank()) {
					this.step = "the init script";
					this.interpreter.exec(script);
				}
			}
			finally {
				try {
					if (scope != null) {
						this.interpreter.exitCall(scope);
					}
				}
				finally {
					this.interpreter.detach();
				}
			}
			this.done.complete(null);
		}
		catch (PythonException ex) {
			this.done.completeExceptionally(PythonExceptions.withContext(ex, "Pool '" + this.spec.label() + "': "
					+ this.step + " failed in a new interpreter: "));
		}
		catch (Throwable ex) {
			this.done.completeExceptionally(new PythonInitializationException("Pool '" + this.spec.label() + "': "
					+ this.step + " failed in a new interpreter: " + ex, ex));
		}
		finally {
			if (!this.phase.compareAndSet(RUNNING, DONE) && this.interpreter.isolation() != Isolation.MAIN) {
				logger.log(Level.WARNING, "Pool '" + this.spec.label() + "': the abandoned set-up of "
						+ this.interpreter + " returned; ending the interpreter");
				this.engine.endInterpreter(this.interpreter);
			}
		}
	}

	private boolean abandon() {
		return this.phase.compareAndSet(RUNNING, ABANDONED);
	}

	/** Raise TimeoutError in the set-up thread, from a thread attached to the same interpreter. */
	private void interrupt() {
		ThreadState target = this.threadState;
		if (target == null) {
			return;
		}
		Threads.start("python-setup-interrupt-" + this.spec.label(), () -> {
			try {
				this.interpreter.attach();
				try {
					this.interpreter.interrupt(target);
				}
				finally {
					this.interpreter.detach();
				}
			}
			catch (RuntimeException ex) {
				// The interpreter ended meanwhile: nothing left to interrupt.
			}
		});
	}

	/**
	 * The set-up overran its bound and was abandoned: the set-up thread ends the interpreter when it returns.
	 */
	static final class Abandoned extends PythonInitializationException {

		private static final long serialVersionUID = 1L;

		Abandoned(String message) {
			super(message, null);
		}

	}

}
