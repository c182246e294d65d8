package dev.embedpython.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.embedpython.Isolation;
import dev.embedpython.PoolOptions;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Cost of values crossing between Java and Python, each way, through a session held by the benchmark thread
 * (an {@code OWN_GIL} interpreter): one {@code call} that returns a prebuilt Python value ({@code ...ToJava}) or
 * receives a Java value and returns its {@code len} ({@code ...ToPython}). Container benchmarks report ns per
 * element ({@code @OperationsPerInvocation}); the others ns per call.
 * <p>
 * The floor each container is compared with is CPython's own C serializer on the same objects, in the same run:
 * {@code marshalDumps*} ({@code marshal.dumps}: what C costs to read the container) and {@code marshalLoads*}
 * ({@code marshal.loads}: what C costs to build it), each one call into {@code conversionbench} like the
 * conversions; the same floors timed inside Python ({@code time.perf_counter_ns}) are printed at set-up.
 * {@code run.sh conversion} prints the ratios and the C floor of a call.
 * <p>
 * Only the public API is used, so the suite runs unchanged against any binding and against older engines.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xss2m", "-Xmx2g", "--enable-native-access=ALL-UNNAMED" })
@Threads(1)
@State(Scope.Benchmark)
public class ConversionBenchmark {

	private static final String MODULE = PythonFixture.CONVERSION_MODULE;

	static final int LIST_FLOAT = 100_000;

	static final int LIST_INT = 100_000;

	static final int LIST_STR = 10_000;

	static final int DICT_STR_INT = 1_000;

	PythonPool pool;

	// fields, not constants, so that nothing is folded
	List<Double> floats = new ArrayList<>();

	List<Long> ints = new ArrayList<>();

	List<String> strs = new ArrayList<>();

	Map<String, Long> dict = new LinkedHashMap<>();

	Map<String, Object> dict7 = PythonFixture.dict7();

	double[] doubles = new double[1_000_000];

	String hello = "hello";

	long seven = 7;

	long large = 70_000;

	@Setup(Level.Trial)
	public void start(BenchmarkParams params) {
		for (int i = 0; i < LIST_FLOAT; i++) {
			this.floats.add(i * 0.5 + 0.1);
		}
		for (int i = 0; i < LIST_INT; i++) {
			this.ints.add(i * 7919L);
		}
		for (int i = 0; i < LIST_STR; i++) {
			this.strs.add("item" + i);
		}
		for (int i = 0; i < DICT_STR_INT; i++) {
			this.dict.put("key" + i, i * 31L);
		}
		for (int i = 0; i < this.doubles.length; i++) {
			this.doubles[i] = i * 0.25;
		}
		this.pool = PythonFixture.acquire()
			.newPool(PoolOptions.builder().name("conversion").size(1).isolation(Isolation.OWN_GIL).build());
		try (PythonSession session = this.pool.acquire()) {
			// Both sides hold the same data: a conversion that changed a value fails here, not silently.
			check(session.call(MODULE, "container", "list_float"), this.floats, "list_float");
			check(session.call(MODULE, "container", "list_int"), this.ints, "list_int");
			check(session.call(MODULE, "container", "list_str"), this.strs, "list_str");
			check(session.call(MODULE, "container", "dict_str_int"), this.dict, "dict_str_int");
			check(session.call(MODULE, "size", this.floats), (long) LIST_FLOAT, "len(list_float)");
			double[] back = session.call(double[].class, MODULE, "doubles");
			check(back.length == this.doubles.length && back[999_999] == this.doubles[999_999], true, "doubles");
			if (params.getBenchmark().endsWith(".marshalDumpsListFloat")) {
				// Once per run, in the fork of the first floor benchmark.
				@SuppressWarnings("unchecked")
				Map<String, Double> floors = (Map<String, Double>) session.call(MODULE, "marshal_floors");
				StringBuilder line = new StringBuilder("[marshal floor, timed in Python, ns per element]");
				floors.forEach((name, value) -> line.append(String.format(" %s %.1f", name, value)));
				System.out.println(line);
			}
		}
	}

	private static void check(Object actual, Object expected, String what) {
		if (!expected.equals(actual)) {
			throw new IllegalStateException("conversionbench " + what + " differs between Java and Python");
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		PythonFixture.release(this.pool);
	}

	/** A session of the benchmark's pool, held by the JMH worker thread for a whole iteration. */
	@State(Scope.Thread)
	public static class Held {

		PythonSession session;

		@Setup(Level.Iteration)
		public void open(ConversionBenchmark bench) {
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

	/** The kind of the 1 Mi-character str: one byte per character in CPython (and Java) or two. */
	@State(Scope.Thread)
	public static class Text {

		@Param({ "latin1", "bmp" })
		String kind;

		String text;

		@Setup(Level.Trial)
		public void build() {
			StringBuilder builder = new StringBuilder(1 << 20);
			for (int i = 0; i < (1 << 20); i++) {
				boolean fourth = i % 4 == 0;
				if (this.kind.equals("latin1")) {
					builder.append(fourth ? '\u00e9' : (char) (0x61 + i % 26));
				}
				else {
					builder.append(fourth ? (char) (0x4E00 + i % 512) : (char) (0x410 + i % 64));
				}
			}
			this.text = builder.toString();
		}

	}

	// Containers, ns per element

	@Benchmark
	@OperationsPerInvocation(LIST_FLOAT)
	public Object listFloatToJava(Held held) {
		return held.session.call(MODULE, "container", "list_float");
	}

	@Benchmark
	@OperationsPerInvocation(LIST_FLOAT)
	public Object listFloatToPython(Held held) {
		return held.session.call(MODULE, "size", this.floats);
	}

	@Benchmark
	@OperationsPerInvocation(LIST_INT)
	public Object listIntToJava(Held held) {
		return held.session.call(MODULE, "container", "list_int");
	}

	@Benchmark
	@OperationsPerInvocation(LIST_INT)
	public Object listIntToPython(Held held) {
		return held.session.call(MODULE, "size", this.ints);
	}

	@Benchmark
	@OperationsPerInvocation(LIST_STR)
	public Object listStrToJava(Held held) {
		return held.session.call(MODULE, "container", "list_str");
	}

	@Benchmark
	@OperationsPerInvocation(LIST_STR)
	public Object listStrToPython(Held held) {
		return held.session.call(MODULE, "size", this.strs);
	}

	@Benchmark
	@OperationsPerInvocation(DICT_STR_INT)
	public Object dictStrIntToJava(Held held) {
		return held.session.call(MODULE, "container", "dict_str_int");
	}

	@Benchmark
	@OperationsPerInvocation(DICT_STR_INT)
	public Object dictStrIntToPython(Held held) {
		return held.session.call(MODULE, "size", this.dict);
	}

	// The marshal floor of the same containers, ns per element

	@Benchmark
	@OperationsPerInvocation(LIST_FLOAT)
	public Object marshalDumpsListFloat(Held held) {
		return held.session.call(MODULE, "dumps", "list_float");
	}

	@Benchmark
	@OperationsPerInvocation(LIST_FLOAT)
	public Object marshalLoadsListFloat(Held held) {
		return held.session.call(MODULE, "loads", "list_float");
	}

	@Benchmark
	@OperationsPerInvocation(LIST_INT)
	public Object marshalDumpsListInt(Held held) {
		return held.session.call(MODULE, "dumps", "list_int");
	}

	@Benchmark
	@OperationsPerInvocation(LIST_INT)
	public Object marshalLoadsListInt(Held held) {
		return held.session.call(MODULE, "loads", "list_int");
	}

	@Benchmark
	@OperationsPerInvocation(LIST_STR)
	public Object marshalDumpsListStr(Held held) {
		return held.session.call(MODULE, "dumps", "list_str");
	}

	@Benchmark
	@OperationsPerInvocation(LIST_STR)
	public Object marshalLoadsListStr(Held held) {
		return held.session.call(MODULE, "loads", "list_str");
	}

	@Benchmark
	@OperationsPerInvocation(DICT_STR_INT)
	public Object marshalDumpsDictStrInt(Held held) {
		return held.session.call(MODULE, "dumps", "dict_str_int");
	}

	@Benchmark
	@OperationsPerInvocation(DICT_STR_INT)
	public Object marshalLoadsDictStrInt(Held held) {
		return held.session.call(MODULE, "loads", "dict_str_int");
	}

	// Per call

	@Benchmark
	public Object marshalDumpsDict7(Held held) {
		return held.session.call(MODULE, "dumps", "dict7");
	}

	@Benchmark
	public Object marshalLoadsDict7(Held held) {
		return held.session.call(MODULE, "loads", "dict7");
	}

	/** Python to Java: the 7-item dict of {@code PooledRequestBenchmark}. */
	@Benchmark
	public Object dict7ToJava(Held held) {
		return held.session.call(MODULE, "dict7");
	}

	/** Java to Python: the same 7 items as a {@code Map}. */
	@Benchmark
	public Object dict7ToPython(Held held) {
		return held.session.call(MODULE, "size", this.dict7);
	}

	/** A 1 Mi-character str to Java. */
	@Benchmark
	public Object strToJava(Held held, Text text) {
		return held.session.call(MODULE, "text", text.kind);
	}

	/** A 1 Mi-character {@code String} to Python. */
	@Benchmark
	public Object strToPython(Held held, Text text) {
		return held.session.call(MODULE, "size", text.text);
	}

	/** {@code double[1_000_000]} to Python (a {@code memoryview}). */
	@Benchmark
	public Object doublesToPython(Held held) {
		return held.session.call(MODULE, "size", this.doubles);
	}

	/** {@code array.array('d')} of 1,000,000 items to {@code double[]}. */
	@Benchmark
	public Object doublesToJava(Held held) {
		return held.session.call(double[].class, MODULE, "doubles");
	}

	/** {@code ident("hello")}: a short str each way. */
	@Benchmark
	public Object identStr(Held held) {
		return held.session.call(MODULE, "ident", this.hello);
	}

	/** {@code ident(7)}: a small int each way (immortal: no conversion call, no reference count). */
	@Benchmark
	public Object identInt(Held held) {
		return held.session.call(MODULE, "ident", this.seven);
	}

	/**
	 * {@code ident(70000)}: an int each way that is created and released, the baseline of {@link #identStr} (both
	 * pay for creating the object and releasing two references).
	 */
	@Benchmark
	public Object identLong(Held held) {
		return held.session.call(MODULE, "ident", this.large);
	}

}
