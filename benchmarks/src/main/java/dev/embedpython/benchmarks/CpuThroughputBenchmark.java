package dev.embedpython.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.embedpython.Isolation;
import dev.embedpython.PoolOptions;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU-bound pure-Python throughput through a pool: each operation borrows an interpreter, runs
 * {@code benchbench.spin(loops)} (about 1 ms of bytecode that never releases the GIL) and gives it back. The pool
 * has one interpreter per available processor.
 * <p>
 * With {@code OWN_GIL} the N-thread score should be about N times the 1-thread score (issue 3 target: at least
 * 0.95·N on an idle N-core machine); with {@code SHARED_GIL} about 1 times. {@link #threadsMax} uses every
 * available processor ({@code @Threads(Threads.MAX)}); on a 2-core machine it repeats {@link #threads2}.
 * {@code run.sh} prints the ratios.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xss2m", "--enable-native-access=ALL-UNNAMED" })
@State(Scope.Benchmark)
public class CpuThroughputBenchmark {

	private static final String MODULE = PythonFixture.MODULE;

	@Param({ "OWN_GIL", "SHARED_GIL" })
	Isolation isolation;

	/** Loop count of {@code spin}: 12000 is about 1 ms (a 2.5 GHz Xeon core, CPython 3.14). */
	@Param({ "12000" })
	int loops;

	PythonPool pool;

	@Setup(Level.Trial)
	public void start() {
		int size = Math.max(2, Runtime.getRuntime().availableProcessors());
		PythonRuntime runtime = PythonFixture.acquire();
		long created = System.nanoTime();
		this.pool = runtime.newPool(PoolOptions.builder()
				.name("cpu-" + this.isolation)
				.size(size)
				.isolation(this.isolation)
				.preload(List.of(MODULE))
				.build());
		long ready = System.nanoTime();
		long perCall;
		try (PythonSession session = this.pool.acquire()) {
			session.call(MODULE, "spin", this.loops);
			long t0 = System.nanoTime();
			for (int i = 0; i < 20; i++) {
				session.call(MODULE, "spin", this.loops);
			}
			perCall = (System.nanoTime() - t0) / 20;
		}
		System.out.printf("%n[cpu] %s pool of %d created in %.0f ms; spin(%d) takes %.3f ms on one thread%n",
				this.isolation, size, (ready - created) / 1e6, this.loops, perCall / 1e6);
	}

	@TearDown(Level.Trial)
	public void stop() {
		PythonFixture.release(this.pool);
	}

	private Object spin() {
		try (PythonSession session = this.pool.acquire()) {
			return session.call(MODULE, "spin", this.loops);
		}
	}

	@Benchmark
	@Threads(1)
	public Object threads1() {
		return spin();
	}

	@Benchmark
	@Threads(2)
	public Object threads2() {
		return spin();
	}

	@Benchmark
	@Threads(Threads.MAX)
	public Object threadsMax() {
		return spin();
	}

}
