package dev.embedpython;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static dev.embedpython.CrashRegressionTest.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bridge at the edges of a process, each in a child JVM: threads that Python started and JNA attached do not
 * keep the JVM alive, an interpreter whose Python thread is still calling Java ends cleanly once it stops, output
 * at finalization goes to the process's own streams, and deep Java-Python re-entrancy ends in a result or a
 * {@code RecursionError}, never a crash. Each scenario prints {@code OK} as its last act.
 */
@Tag("runtime-parity")
class BridgeLifecycleTest {

	private static final Duration BOUND = Duration.ofSeconds(90);

	@Test
	void pythonThreadsCallingJavaDoNotKeepTheJvmAlive() {
		ChildJvm.Result result = ChildJvm.run(ExitWhilePythonThreadsCallJava.class, BOUND).assertClean();
		assertThat(result.output()).contains("OK");
	}

	@Test
	void anInterpreterWhosePythonThreadCalledJavaEndsOnceTheThreadStops() {
		ChildJvm.Result result = ChildJvm.run(EndAfterPythonThreadStops.class, BOUND).assertClean();
		assertThat(result.output()).contains("OK");
	}

	@Test
	void outputAtFinalizationGoesToTheProcessStreams() {
		ChildJvm.Result result = ChildJvm.run(OutputAtFinalization.class, BOUND).assertClean();
		assertThat(result.output()).contains("printed by atexit").contains("OK");
	}

	@Test
	void deepReentrancyEndsInAResultOrARecursionError() {
		ChildJvm.Result result = ChildJvm.run(DeepReentrancy.class, BOUND).assertClean();
		assertThat(result.output()).contains("depth 50: ok").contains("depth 1000: RecursionError").contains("OK")
			.doesNotContain("JNA: error handling callback exception");
	}

	/** A Python thread calls Java in a loop while main returns without closing anything. */
	static final class ExitWhilePythonThreadsCallJava {

		public static void main(String[] args) {
			AtomicLong ticks = new AtomicLong();
			PythonRuntime runtime = TestRuntimes.start();
			PythonPool pool = runtime.newPool(PoolOptions.builder().name("ticking").size(1)
				.logSink(new RecordingSink(Level.INFO))
				.callable("tick", (call) -> ticks.incrementAndGet())
				.build());
			pool.execute((session) -> {
				session.exec("""
						import threading, time, logging
						from _embedpython import java
						def loop():
						    while True:
						        java.tick()
						        print('tick')
						        logging.getLogger('ticker').info('tick')
						        time.sleep(0.001)
						threading.Thread(target=loop, name='ticker').start()
						""");
				return null;
			});
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (ticks.get() < 50) {
				check(System.nanoTime() < deadline, "the Python thread ticks");
				Thread.onSpinWait();
			}
			System.out.println("OK");
		}

	}

	/** A pool closes while its Python thread still calls Java; the thread stops when told to. */
	static final class EndAfterPythonThreadStops {

		public static void main(String[] args) throws Exception {
			AtomicBoolean stop = new AtomicBoolean();
			AtomicLong ticks = new AtomicLong();
			try (PythonRuntime runtime = TestRuntimes.start()) {
				PythonPool pool = runtime.newPool(PoolOptions.builder().name("stopping").size(1)
					.logSink(new RecordingSink(Level.INFO))
					.callable("stopped", (call) -> {
						ticks.incrementAndGet();
						return stop.get();
					})
					.build());
				// From a thread that then dies, so no live Java thread holds a thread state of the interpreter.
				Thread user = new Thread(() -> pool.execute((session) -> {
					session.exec("""
							import threading, logging, sys
							from _embedpython import java
							def loop():
							    while not java.stopped():
							        logging.getLogger('loop').info('still here')
							        sys.stdout.write('partial ')
							threading.Thread(target=loop, name='looping').start()
							""");
					return null;
				}));
				user.start();
				user.join();
				pool.close();
				long closedAt = ticks.get();
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
				while (ticks.get() < closedAt + 100) {
					check(System.nanoTime() < deadline, "the Python thread calls Java after its pool closed");
					Thread.onSpinWait();
				}
				check(runtime.retiredInterpreterCount() == 1, "retired while its thread runs");
				stop.set(true);
				while (runtime.retiredInterpreterCount() > 0) {
					check(System.nanoTime() < deadline, "ended once its thread stopped");
					Thread.onSpinWait();
				}
			}
			check(PythonRuntime.unfinalizedReason() == null, "finalized: " + PythonRuntime.unfinalizedReason());
			System.out.println("OK");
		}

	}

	/** The main interpreter prints from an atexit function, which runs during finalization. */
	static final class OutputAtFinalization {

		public static void main(String[] args) {
			try (PythonRuntime runtime = TestRuntimes.start()) {
				runtime.mainInterpreter().execute((session) -> {
					session.exec("import atexit\natexit.register(print, 'printed by atexit')\nprint('captured')");
					return null;
				});
			}
			check(PythonRuntime.unfinalizedReason() == null, "finalized: " + PythonRuntime.unfinalizedReason());
			System.out.println("OK");
		}

	}

	/** Java, Python, Java, Python, ... up to a thousand levels deep, beyond the nesting limit. */
	static final class DeepReentrancy {

		public static void main(String[] args) {
			try (PythonRuntime runtime = TestRuntimes.start();
					PythonPool pool = runtime.newPool(PoolOptions.builder().name("deep").size(1)
						.callable("down", (call) -> {
							long n = (Long) call.argument(0);
							return (n == 0) ? 0L : call.session().call(Long.class, "__main__", "down", n - 1);
						})
						.initScript("""
								from _embedpython import java
								def down(n):
								    return java.down(n) + 1
								""")
						.build())) {
				int[] depths = (args.length > 0) ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
						: new int[] { 50, 200, 1000 };
				for (int depth : depths) {
					try {
						long result = pool.execute((session) -> session.call(Long.class, "__main__", "down", depth));
						check(result == depth + 1, "depth " + depth + ": " + result);
						System.out.println("depth " + depth + ": ok");
					}
					catch (PythonException ex) {
						check(ex.pythonType().equals("RecursionError") && depth >= 64, "depth " + depth + ": " + ex);
						System.out.println("depth " + depth + ": " + ex.getMessage());
					}
				}
			}
			System.out.println("OK");
		}

	}

}
