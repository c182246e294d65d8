package dev.embedpython.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonTemplate;
import dev.embedpython.autoconfigure.module.Kw;
import dev.embedpython.autoconfigure.module.PythonFunction;
import dev.embedpython.autoconfigure.module.PythonModule;
import dev.embedpython.autoconfigure.module.PythonModuleProxyFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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
 * Overhead of a {@code @PythonModule} interface call over {@link PythonTemplate#call}, one platform thread, an
 * {@code OWN_GIL} pool of size 1, each call borrowing and giving back the interpreter:
 * <ul>
 * <li>{@link #templateCall} / {@link #interfaceCall}: {@code benchbench.add(20, 22)} as a {@code long}; the interface
 * goes straight to the function too (no keywords, a scalar result).</li>
 * <li>{@link #interfaceKeywordCall}: the same with {@code b} passed by keyword, through the private helper module.</li>
 * <li>{@link #templateMap} / {@link #interfaceRecord}: {@code benchbench.quote("A-17", 3)}, a 3-item dict, as a
 * {@code Map} and as a record (helper, JSON-like result, Jackson).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xss2m", "--enable-native-access=ALL-UNNAMED" })
@Threads(1)
@State(Scope.Benchmark)
public class PythonModuleBenchmark {

	private static final String MODULE = PythonFixture.MODULE;

	// fields, not constants, so that nothing is folded
	long a = 20;

	long b = 22;

	String sku = "A-17";

	int quantity = 3;

	PythonRuntime runtime;

	PythonPool pool;

	PythonTemplate template;

	Bench bench;

	@Setup(Level.Trial)
	public void start() {
		this.runtime = PythonFixture.acquire();
		this.pool = PythonFixture.requestPool(this.runtime);
		this.template = new PythonTemplate(this.pool);
		// Validates benchbench against the interface, and installs the helper module in the interpreter.
		this.bench = PythonModuleProxyFactory.builder().pool(this.pool).build().createClient(Bench.class);
		if (this.bench.add(20, 22) != 42 || this.bench.addByKeyword(20, 22) != 42
				|| !this.bench.quote("A-17", 3).sku().equals("A-17")) {
			throw new IllegalStateException("benchbench answers unexpectedly");
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		PythonFixture.release(this.pool);
	}

	@Benchmark
	public Long templateCall() {
		return this.template.call(Long.class, MODULE, "add", this.a, this.b);
	}

	@Benchmark
	public long interfaceCall() {
		return this.bench.add(this.a, this.b);
	}

	@Benchmark
	public long interfaceKeywordCall() {
		return this.bench.addByKeyword(this.a, this.b);
	}

	@Benchmark
	public Map<?, ?> templateMap() {
		return this.template.call(Map.class, MODULE, "quote", this.sku, this.quantity);
	}

	@Benchmark
	public Quote interfaceRecord() {
		return this.bench.quote(this.sku, this.quantity);
	}

	/**
	 * The benchmarked functions of {@code benchbench} as an interface.
	 */
	@PythonModule("benchbench")
	public interface Bench {

		long add(long a, long b);

		@PythonFunction("add")
		long addByKeyword(long a, @Kw("b") long b);

		Quote quote(String sku, int quantity);

	}

	/**
	 * What {@code benchbench.quote} returns.
	 *
	 * @param sku the article
	 * @param quantity how many
	 * @param total the price
	 */
	public record Quote(String sku, int quantity, double total) {
	}

}
