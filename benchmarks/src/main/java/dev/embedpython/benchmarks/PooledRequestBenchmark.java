package dev.embedpython.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one request from one platform thread: borrow an interpreter of an {@code OWN_GIL} pool of size 1, call
 * {@code benchbench.add(a, b)}, give the interpreter back ({@link #pooledCall}); and the parts and neighbours of
 * that request: the call alone with the session held, {@code eval("1+1")} (code cache), the main interpreter,
 * conversion of a 7-item dict each way, and a plain Java method call doing the same addition as the baseline.
 * <p>
 * Issue 3 target: {@link #pooledCall} at most 1 µs on a platform thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xss2m", "--enable-native-access=ALL-UNNAMED" })
@Threads(1)
@State(Scope.Benchmark)
public class PooledRequestBenchmark {

	private static final String MODULE = PythonFixture.MODULE;

	// fields, not constants, so that nothing is folded
	long a = 20;

	long b = 22;

	Map<String, Object> dict = PythonFixture.dict7();

	PythonRuntime runtime;

	PythonPool pool;

	@Setup(Level.Trial)
	public void start() {
		this.runtime = PythonFixture.acquire();
		this.pool = PythonFixture.requestPool(this.runtime);
		// sanity check, and the first call resolves and caches benchbench.add
		try (PythonSession session = this.pool.acquire()) {
			Object sum = session.call(MODULE, "add", this.a, this.b);
			if (!Long.valueOf(42).equals(sum)) {
				throw new IllegalStateException("benchbench.add(20, 22) returned " + sum);
			}
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		PythonFixture.release(this.pool);
	}

	/** A session of the benchmark's pool, held by the JMH worker thread for a whole iteration. */
	@State(Scope.Thread)
	public static class HeldSession {

		PythonSession session;

		@Setup(Level.Iteration)
		public void open(PooledRequestBenchmark bench) {
			this.session = bench.pool.acquire();
		}

		@TearDown(Level.Iteration)
		public void close() {
			if (this.session != null) {
				this.session.close();
				this.session = null;
			}
		}

	}

	/** A session of the main interpreter, held by the JMH worker thread for a whole iteration. */
	@State(Scope.Thread)
	public static class HeldMainSession {

		PythonSession session;

		@Setup(Level.Iteration)
		public void open(PooledRequestBenchmark bench) {
			this.session = bench.runtime.mainInterpreter().acquire();
		}

		@TearDown(Level.Iteration)
		public void close() {
			if (this.session != null) {
				this.session.close();
				this.session = null;
			}
		}

	}

	/** In-process baseline: the same addition through a Java method call that is not inlined. */
	@Benchmark
	public long javaBaseline() {
		return add(this.a, this.b);
	}

	@CompilerControl(CompilerControl.Mode.DONT_INLINE)
	private static long add(long a, long b) {
		return a + b;
	}

	/** The pooled request: acquire + {@code call("benchbench", "add", a, b)} + release, OWN_GIL pool of 1. */
	@Benchmark
	@BenchmarkMode({ Mode.AverageTime, Mode.SampleTime })
	public Object pooledCall() {
		try (PythonSession session = this.pool.acquire()) {
			return session.call(MODULE, "add", this.a, this.b);
		}
	}

	/** The same request on the main interpreter ({@code MAIN} lane). */
	@Benchmark
	public Object pooledCallMain() {
		try (PythonSession session = this.runtime.mainInterpreter().acquire()) {
			return session.call(MODULE, "add", this.a, this.b);
		}
	}

	/** The call alone: attach + call + convert + detach, no acquire/release. */
	@Benchmark
	public Object heldCall(HeldSession held) {
		return held.session.call(MODULE, "add", this.a, this.b);
	}

	/** The call alone on the main interpreter. */
	@Benchmark
	public Object heldCallMain(HeldMainSession held) {
		return held.session.call(MODULE, "add", this.a, this.b);
	}

	/** {@code eval("1+1")} repeated: must hit the code cache, not recompile (~8.5 µs per compile). */
	@Benchmark
	public Object heldEval(HeldSession held) {
		return held.session.eval("1+1");
	}

	/** Java to Python: a 7-item {@code Map} converted to a dict and passed to {@code len}. */
	@Benchmark
	public Object dictToPython(HeldSession held) {
		return held.session.call(MODULE, "size", this.dict);
	}

	/** Python to Java: a 7-item dict returned and converted to a {@code Map}. */
	@Benchmark
	public Object dictFromPython(HeldSession held) {
		return held.session.call(MODULE, "dict7");
	}

}
