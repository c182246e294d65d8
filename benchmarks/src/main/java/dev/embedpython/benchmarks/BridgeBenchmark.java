package dev.embedpython.benchmarks;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

import dev.embedpython.Isolation;
import dev.embedpython.PoolOptions;
import dev.embedpython.PythonLogRecord;
import dev.embedpython.PythonLogSink;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of Python reaching the JVM through {@code _embedpython}, measured inside Python: each benchmark runs a loop
 * of {@value #N} operations in one Java call, so the figure is one operation without the Java-to-Python call around
 * it. {@link #pythonToPython} is the baseline (a call of a Python function that adds two ints);
 * {@link #pythonToJava} is the same addition by a {@code PythonCallable}: the callback round trip (arguments to
 * Java, GIL released and taken back, result to Python). The log benchmarks use a sink that drops what it gets, so
 * they measure the bridge, not an appender.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xss2m", "--enable-native-access=ALL-UNNAMED" })
@Threads(1)
@State(Scope.Benchmark)
public class BridgeBenchmark {

	static final int N = 1000;

	private static final String LOOPS = """
			import logging, sys
			from _embedpython import java, call
			on = logging.getLogger('bench.on')
			off = logging.getLogger('bench.off')
			def add(a, b):
			    return a + b
			def python_to_python(n):
			    for i in range(n):
			        add(i, 1)
			def python_to_java(n):
			    for i in range(n):
			        call('add', i, 1)
			def python_to_java_attribute(n):
			    add_in_java = java.add
			    for i in range(n):
			        add_in_java(i, 1)
			def reentrant(n):
			    for i in range(n):
			        call('add_in_python', i, 1)
			def log_enabled(n):
			    for i in range(n):
			        on.info('record %d', i)
			def log_disabled(n):
			    for i in range(n):
			        off.debug('record %d', i)
			def print_line(n):
			    for i in range(n):
			        print('line', i)
			python_only = logging.getLogger('bench.python')
			python_only.propagate = False
			python_only.addHandler(logging.NullHandler())
			def log_python_only(n):
			    for i in range(n):
			        python_only.info('record %d', i)
			import io
			buffer = io.StringIO()
			def print_python_only(n):
			    buffer.seek(0)
			    buffer.truncate()
			    for i in range(n):
			        print('line', i, file=buffer)
			""";

	PythonPool pool;

	PythonSession session;

	@Setup
	public void start() {
		DroppingSink sink = new DroppingSink();
		this.pool = PythonFixture.acquire().newPool(PoolOptions.builder()
			.name("bridge-bench")
			.size(1)
			.isolation(Isolation.OWN_GIL)
			.logSink(sink)
			.callable("add", (call) -> (Long) call.argument(0) + (Long) call.argument(1))
			.callable("add_in_python", (call) -> call.session().call("__main__", "add", call.argument(0),
					call.argument(1)))
			.initScript(LOOPS)
			.build());
		this.session = this.pool.acquire();
		this.session.call("__main__", "python_to_java", 10);
	}

	@TearDown
	public void stop() {
		if (this.session != null) {
			this.session.close();
		}
		PythonFixture.release(this.pool);
	}

	private Object loop(String function) {
		return this.session.call("__main__", function, N);
	}

	/** Baseline: a Python function call that adds two ints. */
	@Benchmark
	@OperationsPerInvocation(N)
	public Object pythonToPython() {
		return loop("python_to_python");
	}

	/** {@code _embedpython.call('add', i, 1)}: one Python → Java → Python round trip. */
	@Benchmark
	@OperationsPerInvocation(N)
	public Object pythonToJava() {
		return loop("python_to_java");
	}

	/** The same through {@code java.add}, looked up once. */
	@Benchmark
	@OperationsPerInvocation(N)
	public Object pythonToJavaAttribute() {
		return loop("python_to_java_attribute");
	}

	/** Python → Java → Python (the callable calls {@code add} back through its invocation's session). */
	@Benchmark
	@OperationsPerInvocation(N)
	public Object reentrantCall() {
		return loop("reentrant");
	}

	/** {@code logger.info('record %d', i)} at an enabled level: one record to the sink. */
	@Benchmark
	@OperationsPerInvocation(N)
	public Object logEnabled() {
		return loop("log_enabled");
	}

	/** {@code logger.debug('record %d', i)} at a disabled level: decided in Python, no call into Java. */
	@Benchmark
	@OperationsPerInvocation(N)
	public Object logDisabled() {
		return loop("log_disabled");
	}

	/** {@code print('line', i)}: one line to the sink as {@code python.stdout}. */
	@Benchmark
	@OperationsPerInvocation(N)
	public Object printLine() {
		return loop("print_line");
	}

	/** Python's own cost of an enabled record: created, then dropped by a {@code NullHandler} in Python. */
	@Benchmark
	@OperationsPerInvocation(N)
	public Object logPythonOnly() {
		return loop("log_python_only");
	}

	/** Python's own cost of {@code print('line', i)} into an {@code io.StringIO}. */
	@Benchmark
	@OperationsPerInvocation(N)
	public Object printPythonOnly() {
		return loop("print_python_only");
	}

	/** Enabled for {@code python.bench.on} and printed lines, disabled for {@code python.bench.off}; keeps nothing. */
	static final class DroppingSink implements PythonLogSink {

		volatile long records;

		@Override
		public boolean isEnabled(String logger, Level level) {
			return !logger.equals("python.bench.off");
		}

		@Override
		public void log(PythonLogRecord record) {
			this.records++;
		}

	}

}
