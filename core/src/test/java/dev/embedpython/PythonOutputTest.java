package dev.embedpython;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sys.stdout} and {@code sys.stderr} of every interpreter go to the log sink, one record per line: from the
 * calling thread and from Python threads, never two calls' text in one record, unfinished lines at the end of the
 * call.
 */
@Tag("runtime-parity")
class PythonOutputTest {

	private static final RecordingSink sink = new RecordingSink(Level.TRACE);

	private static PythonRuntime runtime;

	private static PythonPool pool;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
		pool = runtime.newPool(PoolOptions.builder().name("output").size(4).logSink(sink)
			.contextPropagator(RequestContext.PROPAGATOR).build());
	}

	@AfterAll
	static void stop() {
		pool.close();
		runtime.close();
	}

	@BeforeEach
	void clear() {
		sink.clear();
	}

	@Test
	void printedLinesAreInfoRecordsOfPythonStdout() {
		pool.execute((session) -> {
			session.exec("print('hello')\nprint('a', 'b', sep='-')\nprint()\nprint('x\\r')");
			return null;
		});
		assertThat(sink.messages("python.stdout")).containsExactly("hello", "a-b", "", "x");
		assertThat(sink.entries("python.stdout")).allSatisfy((entry) -> {
			assertThat(entry.record().level()).isEqualTo(Level.INFO);
			assertThat(entry.record().pythonLevel()).isEqualTo(20);
		});
	}

	@Test
	void linesWrittenToStderrAreWarningRecordsOfPythonStderr() {
		pool.execute((session) -> {
			session.exec("import sys\nprint('careful', file=sys.stderr)\nsys.stderr.write('one\\ntwo\\n')");
			return null;
		});
		assertThat(sink.messages("python.stderr")).containsExactly("careful", "one", "two");
		assertThat(sink.entries("python.stderr")).allSatisfy(
				(entry) -> assertThat(entry.record().level()).isEqualTo(Level.WARNING));
	}

	@Test
	void aLineWrittenInPiecesIsOneRecord() {
		pool.execute((session) -> {
			session.exec("import sys\nfor part in ['a', 'b', 'c\\nd', 'e\\n']:\n    sys.stdout.write(part)\n"
					+ "    sys.stdout.flush()");
			return null;
		});
		assertThat(sink.messages("python.stdout")).containsExactly("abc", "de");
	}

	@Test
	void anUnfinishedLineIsLoggedWhenTheCallEnds() {
		pool.execute((session) -> {
			session.exec("import sys\nsys.stdout.write('no line break')");
			// Each operation of a session is one call.
			assertThat(sink.messages("python.stdout")).containsExactly("no line break");
			session.exec("sys.stdout.write('unfinished, then '); sys.stdout.write('finished\\n')");
			return null;
		});
		assertThat(sink.messages("python.stdout")).containsExactly("no line break", "unfinished, then finished");
	}

	@Test
	void printedLinesCarryTheContextOfTheCallingThread() {
		RequestContext.set("request-7");
		try {
			pool.execute((session) -> {
				session.exec("print('traced')");
				return null;
			});
		}
		finally {
			RequestContext.set(null);
		}
		assertThat(sink.entries("python.stdout")).singleElement()
			.satisfies((entry) -> assertThat(entry.requestId()).isEqualTo("request-7"));
	}

	@Test
	void linesOfPythonThreadsAreLoggedWithTheCallsContext() {
		RequestContext.set("request-8");
		try {
			pool.execute((session) -> {
				session.exec("""
						import threading
						def work(n):
						    for i in range(3):
						        print(f'thread {n} line {i}')
						threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
						for t in threads: t.start()
						for t in threads: t.join()
						""");
				return null;
			});
		}
		finally {
			RequestContext.set(null);
		}
		List<RecordingSink.Entry> entries = sink.entries("python.stdout");
		assertThat(entries).extracting(RecordingSink.Entry::message)
			.containsExactlyInAnyOrder("thread 0 line 0", "thread 0 line 1", "thread 0 line 2", "thread 1 line 0",
					"thread 1 line 1", "thread 1 line 2", "thread 2 line 0", "thread 2 line 1", "thread 2 line 2");
		assertThat(entries).allSatisfy((entry) -> {
			assertThat(entry.requestId()).isEqualTo("request-8");
			assertThat(entry.javaThread()).isEqualTo("python-thread");
		});
	}

	@Test
	void sixteenConcurrentCallersOnFourInterpretersNeverShareARecordAndKeepTheirContext() throws Exception {
		chatter(pool, sink);
	}

	@Test
	void sixteenConcurrentCallersOnTheMainInterpreterNeverShareARecordAndKeepTheirContext() throws Exception {
		// One interpreter, four sessions at once: the GIL switches between callers in the middle of their lines.
		RecordingSink mainSink = new RecordingSink(Level.TRACE);
		try (PythonPool main = runtime.newPool(PoolOptions.builder().name("main-chatter").size(4)
			.isolation(Isolation.MAIN).acquireTimeout(Duration.ofSeconds(60)).logSink(mainSink)
			.contextPropagator(RequestContext.PROPAGATOR).build())) {
			chatter(main, mainSink);
		}
	}

	private static void chatter(PythonPool pool, RecordingSink sink) throws Exception {
		int callers = 16;
		int lines = 40;
		ExecutorService executor = Executors.newFixedThreadPool(callers);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int c = 0; c < callers; c++) {
				String caller = "caller-" + c;
				futures.add(executor.submit(() -> {
					start.await();
					RequestContext.set(caller);
					try {
						for (int round = 0; round < 3; round++) {
							int r = round;
							pool.execute((session) -> {
								session.exec("""
										import sys, logging
										def chatter(caller, rnd, lines):
										    for i in range(lines):
										        # Several writes per line: other callers write in between.
										        sys.stdout.write(caller)
										        sys.stdout.write(' round ' + str(rnd))
										        sys.stdout.write(' line ' + str(i) + '\\n')
										    logging.getLogger('app.concurrent').info('%s round %d done', caller, rnd)
										    sys.stdout.write(caller + ' round ' + str(rnd) + ' unfinished')
										""");
								session.call("__main__", "chatter", caller, r, lines);
								return null;
							});
						}
					}
					finally {
						RequestContext.set(null);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		List<RecordingSink.Entry> entries = sink.entries("python.stdout");
		assertThat(entries).hasSize(callers * 3 * (lines + 1));
		Map<String, List<String>> byCaller = entries.stream()
			.collect(Collectors.groupingBy(RecordingSink.Entry::requestId,
					Collectors.mapping(RecordingSink.Entry::message, Collectors.toList())));
		assertThat(byCaller).hasSize(callers);
		byCaller.forEach((caller, messages) -> {
			List<String> expected = new ArrayList<>();
			for (int round = 0; round < 3; round++) {
				for (int i = 0; i < lines; i++) {
					expected.add(caller + " round " + round + " line " + i);
				}
				expected.add(caller + " round " + round + " unfinished");
			}
			assertThat(messages).as(caller).containsExactlyElementsOf(expected);
		});
		List<RecordingSink.Entry> records = sink.entries("python.app.concurrent");
		assertThat(records).hasSize(callers * 3);
		assertThat(records).allSatisfy((entry) -> assertThat(entry.message()).startsWith(entry.requestId() + " round "));
	}

	@Test
	void aDisabledStreamMakesNoCallIntoJava() {
		RecordingSink quiet = new RecordingSink(Level.WARNING);
		try (PythonPool quietPool = runtime.newPool(PoolOptions.builder().name("quiet-output").size(1).logSink(quiet)
			.build())) {
			quietPool.execute((session) -> {
				session.exec("print('warm up')");
				int before = quiet.isEnabledCalls.get() + quiet.logCalls.get();
				session.exec("for i in range(1000):\n    print('dropped', i)");
				int after = quiet.isEnabledCalls.get() + quiet.logCalls.get();
				// At most one level refresh (a second passed) asks again: five questions.
				assertThat(after - before).isLessThanOrEqualTo(5);
				return null;
			});
			assertThat(quiet.messages("python.stdout")).isEmpty();
		}
	}

	@Test
	void withoutCaptureTheInterpreterKeepsItsOwnStreams() {
		try (PythonPool raw = runtime.newPool(PoolOptions.builder().name("raw-output").size(1).logSink(sink)
			.captureOutput(false).build())) {
			Boolean own = raw.execute((session) -> session.eval(
					"__import__('sys').stdout is __import__('sys').__stdout__", Boolean.class));
			assertThat(own).isTrue();
		}
		String module = pool.execute((session) -> session.eval("type(__import__('sys').stdout).__module__",
				String.class));
		assertThat(module).isEqualTo("_embedpython");
	}

	@Test
	void theMainInterpreterForwardsItsOutputToThePoolsSink() {
		try (PythonPool main = runtime.newPool(PoolOptions.builder().name("main-output").size(2)
			.isolation(Isolation.MAIN).logSink(sink).build())) {
			main.execute((session) -> {
				session.exec("print('from main')");
				return null;
			});
		}
		assertThat(sink.messages("python.stdout")).containsExactly("from main");
	}

	@Test
	void outputOfPreloadsAndInitScriptsIsLogged() {
		try (PythonPool loud = runtime.newPool(PoolOptions.builder().name("loud-init").size(1).logSink(sink)
			.initScript("print('initialized')").creationTimeout(Duration.ofSeconds(30)).build())) {
			assertThat(sink.messages("python.stdout")).containsExactly("initialized");
		}
	}

}
