package dev.embedpython.pool;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;

import dev.embedpython.InvalidPoolOptionException;
import dev.embedpython.Isolation;
import dev.embedpython.PoolOptions;
import dev.embedpython.interpreter.Engine;
import dev.embedpython.interpreter.Interpreter;
import dev.embedpython.interpreter.InterpreterSpec;

/**
 * What differs between a pool of sub-interpreters ({@code OWN_GIL}, {@code SHARED_GIL}) and a pool of sessions on
 * the main interpreter ({@code MAIN}): how an entry's interpreter is created and ended, and whether it is
 * disposable, i.e. recycled after max-uses or on request, replaced when a call gets stuck, ended when the pool
 * closes. The main interpreter is none of that: it is set up once per pool and ends only with the runtime.
 * <p>
 * Thread contract: immutable; {@link #create} and {@link #end} block and run on the pool's creator thread or the
 * thread filling the pool.
 */
abstract sealed class IsolationPolicy {

	private static final Logger logger = System.getLogger(InterpreterPool.class.getName());

	final Engine engine;

	final InterpreterSpec spec;

	private IsolationPolicy(Engine engine, InterpreterSpec spec) {
		this.engine = engine;
		this.spec = spec;
	}

	static IsolationPolicy of(Engine engine, PoolOptions options) {
		InterpreterSpec spec = new InterpreterSpec(options.name(), options.isolation(), options.allowFork(),
				options.allowExec(), options.allowThreads(), options.preload(), options.initScript(),
				options.creationTimeout(), engine.bridgeFor(options));
		return (options.isolation() == Isolation.MAIN) ? new MainInterpreter(engine, spec)
				: new Subinterpreters(engine, spec, options);
	}

	/**
	 * An interpreter for a new entry, set up (preloads, init script).
	 * @return the interpreter, detached
	 */
	abstract Interpreter create();

	/**
	 * Let an entry's interpreter go for good.
	 * @param interpreter the interpreter
	 */
	abstract void end(Interpreter interpreter);

	/**
	 * Whether interpreters are recycled, replaced when stuck and ended when the pool closes.
	 * @return {@code true} for sub-interpreters
	 */
	abstract boolean disposable();

	/**
	 * Sub-interpreters: created for the pool, ended when retired.
	 */
	static final class Subinterpreters extends IsolationPolicy {

		Subinterpreters(Engine engine, InterpreterSpec spec, PoolOptions options) {
			super(engine, spec);
			String tooLarge = MemoryEstimate.problem(options);
			if (tooLarge != null) {
				throw new InvalidPoolOptionException("size", options.size(), tooLarge);
			}
			logger.log(Level.INFO, () -> "Pool '" + options.name() + "': " + options.size() + " "
					+ options.isolation().name().toLowerCase(Locale.ROOT).replace('_', '-')
					+ " interpreters, estimated " + MemoryEstimate.mebibytes(MemoryEstimate.of(options))
					+ " of native memory before imports" + ((MemoryEstimate.hostBudget() >= 0)
							? " (the host offers " + MemoryEstimate.mebibytes(MemoryEstimate.hostBudget()) + ")" : ""));
		}

		@Override
		Interpreter create() {
			return this.engine.createInterpreter(this.spec);
		}

		@Override
		void end(Interpreter interpreter) {
			this.engine.endInterpreter(interpreter);
		}

		@Override
		boolean disposable() {
			return true;
		}

	}

	/**
	 * Sessions on the main interpreter: each entry is one more way into the same interpreter.
	 */
	static final class MainInterpreter extends IsolationPolicy {

		MainInterpreter(Engine engine, InterpreterSpec spec) {
			super(engine, spec);
		}

		@Override
		Interpreter create() {
			return this.engine.setUpMain(this.spec);
		}

		@Override
		void end(Interpreter interpreter) {
			// It ends with the runtime.
		}

		@Override
		boolean disposable() {
			return false;
		}

	}

}
