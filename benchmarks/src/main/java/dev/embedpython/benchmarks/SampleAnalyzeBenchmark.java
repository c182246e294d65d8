package dev.embedpython.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.embedpython.Isolation;
import dev.embedpython.PoolOptions;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonTemplate;
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
 * The sample's {@code /api/analyze} without HTTP: {@code analyzeRequest} is the pooled call its controller makes
 * ({@code PythonTemplate.call(Map.class, ...)}: the text in, the nested result dict out); {@code analyzeBoundary}
 * is the same pooled call of a function that takes the same text and returns the same result dict without
 * analyzing again: the time a request spends outside the analysis (borrowing, the call, converting the text and
 * the result). Only the public API is used, so it runs against older engines too.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xss2m", "--enable-native-access=ALL-UNNAMED" })
@Threads(1)
@State(Scope.Benchmark)
public class SampleAnalyzeBenchmark {

	private static final String MODULE = PythonFixture.ANALYZE_MODULE;

	/** About the length of a review or a support message: 67 words in 5 sentences. */
	String text = "The new release loads faster than the old one, and the settings page finally remembers what "
			+ "you chose. Searching a large archive still takes a few seconds. Our team tried it on three laptops "
			+ "and one older desktop without any trouble! Would we recommend it to a friend? Yes, although the "
			+ "documentation could explain the export options a little better for people who are new to it.";

	PythonPool pool;

	PythonTemplate template;

	@Setup(Level.Trial)
	public void setUp() {
		this.pool = PythonFixture.acquire()
			.newPool(PoolOptions.builder().name("analyze").size(1).isolation(Isolation.OWN_GIL)
				.preload(java.util.List.of(MODULE)).build());
		this.template = new PythonTemplate(this.pool);
		Map<?, ?> result = analyzeRequest();
		if (result == null || !Long.valueOf(67).equals(result.get("words")) || !result.equals(analyzeBoundary())) {
			throw new IllegalStateException("unexpected analysis: " + result);
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		PythonFixture.release(this.pool);
	}

	@Benchmark
	public Map<?, ?> analyzeRequest() {
		return this.template.call(Map.class, MODULE, "analyze", this.text);
	}

	@Benchmark
	public Map<?, ?> analyzeBoundary() {
		return this.template.call(Map.class, MODULE, "analyzed", this.text);
	}

}
