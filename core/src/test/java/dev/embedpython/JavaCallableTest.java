package dev.embedpython;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Python code calls Java functions the application registered: arguments and results convert as elsewhere, Java
 * exceptions become Python exceptions and back, Python errors of calls back into Python propagate as the original
 * exception, and Java, Python, Java, Python on one thread and interpreter works.
 */
@Tag("runtime-parity")
class JavaCallableTest {

	private static final Set<String> pythonThreadNames = ConcurrentHashMap.newKeySet();

	private static final AtomicReference<PythonSession> escaped = new AtomicReference<>();

	private static final CountDownLatch released = new CountDownLatch(1);

	private static PythonRuntime runtime;

	private static PythonPool pool;

	private static PythonPool other;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
		other = runtime.newPool(PoolOptions.builder().name("callable-other").size(1).isolation(Isolation.SHARED_GIL)
			.initScript("def triple(x):\n    return 3 * x\n").build());
		pool = runtime.newPool(PoolOptions.builder()
			.name("callables")
			.size(2)
			.isolation(Isolation.SHARED_GIL)
			.callable("add", (call) -> (Long) call.argument(0) + (Long) call.argument(1))
			.callable("echo", (call) -> call.argument(0))
			.callable("count", (call) -> call.size())
			.callable("fail", (call) -> {
				throw new IllegalStateException("no such sku: " + call.argument(0));
			})
			.callable("fail_without_message", (call) -> {
				throw new UnsupportedOperationException();
			})
			.callable("sum_doubles", (call) -> {
				double sum = 0;
				for (double value : call.argument(0, double[].class)) {
					sum += value;
				}
				return sum;
			})
			.callable("as_int", (call) -> call.argument(0, Integer.class).getClass().getSimpleName())
			.callable("ignore_first", (call) -> call.size())
			.callable("first", (call) -> call.argument(0))
			.callable("opaque", (call) -> new Object())
			.callable("countdown", (call) -> {
				long n = (Long) call.argument(0);
				// Java -> Python -> Java -> ... on the same thread and interpreter.
				return (n == 0) ? List.of() : call.session().call(List.class, "__main__", "down", n - 1);
			})
			.callable("reraise", (call) -> call.session().call("__main__", "raise_marker"))
			.callable("wrap", (call) -> {
				try {
					return call.session().call("__main__", "raise_marker");
				}
				catch (PythonException ex) {
					throw new IllegalArgumentException("wrapped", ex);
				}
			})
			.callable("catch_and_continue", (call) -> {
				try {
					call.session().call("__main__", "raise_marker");
					return "not raised";
				}
				catch (PythonException ex) {
					return "caught " + ex.pythonType();
				}
			})
			.callable("thread_name", (call) -> {
				pythonThreadNames.add(Thread.currentThread().getName() + "/" + Thread.currentThread().isDaemon());
				return Thread.currentThread().getName();
			})
			.callable("other_pool", (call) -> other.execute((session) -> session.call("__main__", "triple",
					call.argument(0))))
			.callable("escape", (call) -> {
				escaped.set(call.session());
				return null;
			})
			.callable("wait_for_python_thread", (call) -> released.await(30, TimeUnit.SECONDS))
			.callable("release", (call) -> {
				released.countDown();
				return null;
			})
			.callable("overflow", (call) -> overflow(0))
			.initScript("""
					import threading, traceback
					from _embedpython import java, call, names, JavaException
					def down(n):
					    return [n] + java.countdown(n)
					class Marker(Exception):
					    pass
					raised = None
					def raise_marker():
					    global raised
					    raised = Marker('from Python')
					    raise raised
					""")
			.build());
	}

	private static int overflow(int depth) {
		return overflow(depth + 1) + 1;
	}

	@AfterAll
	static void stop() {
		pool.close();
		other.close();
		runtime.close();
	}

	private static <T> T eval(String expression, Class<T> type) {
		return pool.execute((session) -> session.eval(expression, type));
	}

	private static void exec(String code) {
		pool.execute((session) -> {
			session.exec(code);
			return null;
		});
	}

	@Test
	void argumentsAndResultsConvertAsElsewhere() {
		assertThat(eval("java.add(20, 22)", Long.class)).isEqualTo(42);
		assertThat(eval("call('add', 1, 2)", Long.class)).isEqualTo(3);
		Map<?, ?> echoed = eval("java.echo({'a': [1, 2.5, 'x', None, True]})", Map.class);
		assertThat(new java.util.ArrayList<Object>(echoed.keySet())).containsExactly("a");
		assertThat(new java.util.ArrayList<Object>((List<?>) echoed.get("a"))).containsExactly(1L, 2.5, "x", null,
				true);
		assertThat(eval("java.echo({'a': [1, 2.5, 'x', None, True]}) == {'a': [1, 2.5, 'x', None, True]}",
				Boolean.class)).isTrue();
		assertThat(eval("java.echo(None) is None", Boolean.class)).isTrue();
		assertThat(eval("java.echo(2**100) == 2**100", Boolean.class)).isTrue();
		assertThat(eval("java.count()", Long.class)).isZero();
		assertThat(eval("java.count(1, 'two', [3])", Long.class)).isEqualTo(3);
	}

	@Test
	void anArgumentCanBeReadAsAnotherType() {
		assertThat(eval("java.sum_doubles(__import__('array').array('d', [1.5, 2.5]))", Double.class)).isEqualTo(4.0);
		assertThat(eval("java.as_int(7)", String.class)).isEqualTo("Integer");
	}

	@Test
	void anArgumentWithoutANaturalJavaFormFailsOnlyWhenRead() {
		assertThat(eval("java.ignore_first(object())", Long.class)).isEqualTo(1);
		PythonException error = catchThrowableOfType(PythonException.class, () -> eval("java.first(object())",
				Object.class));
		assertThat(error.pythonType()).isEqualTo("_embedpython.JavaException");
		assertThat(error.pythonMessage()).startsWith("dev.embedpython.PythonConversionException: Cannot convert Python "
				+ "'object' to Java");
	}

	@Test
	void aResultPythonCannotTakeIsATypeError() {
		exec("""
				try:
				    java.opaque()
				    result = 'returned'
				except TypeError as e:
				    result = str(e)
				""");
		assertThat(eval("result", String.class)).startsWith("Java callable 'opaque' returned a value Python cannot take: ");
	}

	@Test
	void aJavaExceptionIsRaisedAsJavaExceptionWithTheJavaClassAndMessage() {
		exec("""
				try:
				    java.fail('A-17')
				except RuntimeError as e:
				    caught = (type(e) is JavaException, e.java_class, e.java_message, str(e))
				try:
				    java.fail_without_message()
				except JavaException as e:
				    caught_bare = (e.java_class, e.java_message, str(e))
				""");
		assertThat(eval("caught", List.class)).containsExactly(true, "java.lang.IllegalStateException",
				"no such sku: A-17", "java.lang.IllegalStateException: no such sku: A-17");
		assertThat(eval("caught_bare", List.class)).containsExactly("java.lang.UnsupportedOperationException", null,
				"java.lang.UnsupportedOperationException");
	}

	@Test
	void aJavaExceptionThatPythonDoesNotCatchReachesTheJavaCaller() {
		PythonException error = catchThrowableOfType(PythonException.class, () -> eval("java.fail('B-2')", Object.class));
		assertThat(error.pythonType()).isEqualTo("_embedpython.JavaException");
		assertThat(error.pythonMessage()).isEqualTo("java.lang.IllegalStateException: no such sku: B-2");
		assertThat(error.pythonTraceback()).contains("java.fail('B-2')");
	}

	@Test
	void unknownNamesAndKeywordArgumentsAreRefused() {
		exec("""
				try:
				    java.nope()
				except LookupError as e:
				    unknown = str(e)
				try:
				    call('add', 1, b=2)
				except TypeError as e:
				    keywords = str(e)
				""");
		assertThat(eval("unknown", String.class)).startsWith("No Java callable named 'nope' (registered: add, as_int, ");
		assertThat(eval("keywords", String.class)).contains("keyword");
		List<Object> names = new java.util.ArrayList<>(eval("names()", List.class));
		assertThat(names).contains("add", "countdown", "echo");
		assertThat(names.stream().map(String::valueOf).toList()).isSorted();
		assertThat(eval("'add' in dir(java)", Boolean.class)).isTrue();
	}

	@Test
	void javaPythonJavaPythonOnOneThreadAndInterpreter() {
		assertThat(eval("down(25)", List.class)).hasSize(26).startsWith(25L, 24L).endsWith(0L);
		List<?> idents = eval("""
				(lambda t: [t.get_ident(), java.echo(t.get_ident()), __import__('_interpreters').get_current()[0]])(
				    __import__('threading'))""", List.class);
		assertThat(idents.get(0)).isEqualTo(idents.get(1));
	}

	@Test
	void aPythonExceptionOfACallBackPropagatesAsTheOriginal() {
		exec("""
				try:
				    java.reraise()
				    same = 'not raised'
				except Marker as e:
				    same = (e is raised, 'raise_marker' in ''.join(traceback.format_tb(e.__traceback__)))
				""");
		assertThat(eval("same", List.class)).containsExactly(true, true);
		PythonException error = catchThrowableOfType(PythonException.class, () -> eval("java.reraise()",
				Object.class));
		assertThat(error.pythonType()).isEqualTo("__main__.Marker");
		assertThat(error.pythonTraceback()).contains("java.reraise()").contains("raise raised");
	}

	@Test
	void aJavaExceptionCausedByAPythonExceptionHasItAsCause() {
		exec("""
				try:
				    java.wrap()
				except JavaException as e:
				    wrapped = (e.java_class, e.java_message, e.__cause__ is raised)
				""");
		assertThat(eval("wrapped", List.class)).containsExactly("java.lang.IllegalArgumentException", "wrapped", true);
		assertThat(eval("java.catch_and_continue()", String.class)).isEqualTo("caught __main__.Marker");
	}

	@Test
	void aPythonThreadCallsJavaOnAThreadThatJnaAttachedAsADaemon() {
		exec("""
				results = []
				def work():
				    for i in range(5):
				        results.append(java.thread_name())
				workers = [threading.Thread(target=work) for i in range(3)]
				for w in workers: w.start()
				for w in workers: w.join()
				""");
		assertThat(eval("results", List.class)).hasSize(15).containsOnly("python-thread");
		assertThat(pythonThreadNames).containsOnly("python-thread/true");
	}

	@Test
	void theGilIsReleasedWhileJavaRuns() {
		// The callable waits until a Python thread of the same interpreter calls Java: only possible if the GIL is
		// free while the first callable runs.
		exec("""
				t = threading.Thread(target=java.release)
				t.start()
				waited = java.wait_for_python_thread()
				t.join()
				""");
		assertThat(eval("waited", Boolean.class)).isTrue();
	}

	@Test
	void aCallableCanUseAnotherPoolEvenOneSharingTheGil() {
		assertThat(eval("java.other_pool(14)", Long.class)).isEqualTo(42);
	}

	@Test
	void anInvocationsSessionIsValidOnlyDuringTheCallAndOnItsThread() throws Exception {
		// A fresh thread runs its calls itself (a thread that used an earlier runtime hands them to a worker).
		AtomicReference<Throwable> afterReturn = new AtomicReference<>();
		Thread caller = new Thread(() -> {
			exec("java.escape()");
			afterReturn.set(catchThrowableOfType(IllegalStateException.class, () -> escaped.get().eval("1")));
		});
		caller.start();
		caller.join(TimeUnit.SECONDS.toMillis(30));
		assertThat(caller.isAlive()).isFalse();
		assertThat(afterReturn.get()).hasMessageContaining("has returned");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> escaped.get().eval("1"))
			.withMessageContaining("cannot be used from thread '" + Thread.currentThread().getName() + "'");
	}

	@Test
	void javaStackOverflowIsARecursionError() {
		exec("""
				try:
				    java.overflow()
				    overflow = 'returned'
				except RecursionError as e:
				    overflow = str(e)
				""");
		assertThat(eval("overflow", String.class)).contains("StackOverflowError");
	}

	@Test
	void poolCallablesAddToTheRuntimesAndWinOnAName() {
		RuntimeOptions options = RuntimeOptions.builder().callable("shared", (call) -> "runtime")
			.callable("both", (call) -> "runtime").build();
		PoolOptions poolOptions = PoolOptions.builder().callable("both", (call) -> "pool").build();
		dev.embedpython.interpreter.BridgeConfig merged = dev.embedpython.interpreter.BridgeConfig.of(options)
			.forPool(poolOptions);
		assertThat(merged.callables()).containsOnlyKeys("shared", "both");
		assertThat(merged.callables().get("both")).isSameAs(poolOptions.callables().get("both"));
	}

	@Test
	void callableNamesArePythonIdentifiers() {
		assertThatExceptionOfType(InvalidPoolOptionException.class)
			.isThrownBy(() -> PoolOptions.builder().callable("price-of", (call) -> null).build())
			.withMessageContaining("callables[price-of]").withMessageContaining("Python identifier");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> RuntimeOptions.builder().callable("1st", (call) -> null).build())
			.withMessageContaining("callables[1st]");
	}

	@Test
	void aMainInterpreterPoolCallsItsCallablesReentrantly() {
		try (PythonPool main = runtime.newPool(PoolOptions.builder().name("callables-main").size(2)
			.isolation(Isolation.MAIN)
			.callable("main_echo", (call) -> call.session().eval("'again ' + str(" + call.argument(0) + ")"))
			.build())) {
			String result = main.execute((session) -> session.eval("__import__('_embedpython').java.main_echo(5)",
					String.class));
			assertThat(result).isEqualTo("again 5");
		}
	}

}
