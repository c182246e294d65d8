package dev.embedpython;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records of Python's {@code logging} reach the log sink under {@code python.<logger name>} with their level,
 * message, exception and the calling thread's context; the sink's levels decide what Python logs, at no cost per
 * disabled record.
 */
@Tag("runtime-parity")
class PythonLoggingTest {

	private static final RecordingSink sink = new RecordingSink(Level.DEBUG);

	private static PythonRuntime runtime;

	private static PythonPool pool;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
		pool = runtime.newPool(PoolOptions.builder().name("logging").size(2).logSink(sink)
			.contextPropagator(RequestContext.PROPAGATOR).build());
	}

	@AfterAll
	static void stop() {
		pool.close();
		runtime.close();
	}

	@BeforeEach
	void reset() {
		sink.clear();
		sink.threshold(Level.DEBUG);
		PythonRuntime.refreshLogLevels();
	}

	private static void exec(String code) {
		pool.execute((session) -> {
			session.exec(code);
			return null;
		});
	}

	@Test
	void loggingIsImportedOnlyWhenPythonCodeImportsIt() {
		try (PythonPool fresh = runtime.newPool(PoolOptions.builder().name("fresh").size(1).logSink(sink).build())) {
			Boolean imported = fresh.execute((session) -> session.eval("'logging' in __import__('sys').modules",
					Boolean.class));
			assertThat(imported).isFalse();
			fresh.execute((session) -> {
				session.exec("import logging\nlogging.getLogger('late').info('configured on import')");
				return null;
			});
		}
		assertThat(sink.messages("python.late")).containsExactly("configured on import");
	}

	@Test
	void levelsMapOntoTheSinksLevels() {
		sink.threshold(Level.TRACE);
		PythonRuntime.refreshLogLevels();
		exec("""
				import logging
				log = logging.getLogger('app.levels')
				log.log(5, 'fine')
				log.debug('debug')
				log.info('info %s', 'formatted')
				log.log(25, 'custom')
				log.warning('warning')
				log.error('error')
				log.critical('critical')
				""");
		List<RecordingSink.Entry> entries = sink.entries("python.app.levels");
		assertThat(entries).extracting(RecordingSink.Entry::message)
			.containsExactly("fine", "debug", "info formatted", "custom", "warning", "error", "critical");
		assertThat(entries).extracting((entry) -> entry.record().level()).containsExactly(Level.TRACE, Level.DEBUG,
				Level.INFO, Level.INFO, Level.WARNING, Level.ERROR, Level.ERROR);
		assertThat(entries).extracting((entry) -> entry.record().pythonLevel()).containsExactly(5, 10, 20, 25, 30, 40,
				50);
		// A Java thread that calls in is one of threading's dummy threads of that interpreter.
		assertThat(entries).allSatisfy((entry) -> assertThat(entry.record().pythonThread()).startsWith("Dummy-"));
	}

	@Test
	void theRootLoggerIsPython() {
		exec("import logging\nlogging.warning('from the root logger')");
		assertThat(sink.messages("python")).containsExactly("from the root logger");
	}

	@Test
	void anExceptionIsLoggedWithItsPythonTracebackAndCause() {
		exec("""
				import logging
				def lookup(table, key):
				    return table[key]
				def price(sku):
				    try:
				        return lookup({}, sku)
				    except KeyError as ex:
				        raise ValueError('no price for ' + sku) from ex
				try:
				    price('A-17')
				except ValueError:
				    logging.getLogger('app.prices').exception('pricing failed')
				""");
		RecordingSink.Entry entry = sink.entries("python.app.prices").get(0);
		assertThat(entry.message()).isEqualTo("pricing failed");
		assertThat(entry.record().level()).isEqualTo(Level.ERROR);
		assertThat(entry.record().thrown()).isInstanceOfSatisfying(PythonException.class, (thrown) -> {
			assertThat(thrown.pythonType()).isEqualTo("ValueError");
			assertThat(thrown.pythonMessage()).isEqualTo("no price for A-17");
			assertThat(thrown.pythonTraceback()).contains("in price").contains("ValueError: no price for A-17");
			assertThat(thrown.getStackTrace()).extracting(StackTraceElement::getMethodName)
				.containsExactly("price", "<module>");
			assertThat(thrown.getStackTrace()[0].getClassName()).isEqualTo("__main__");
			assertThat(thrown.getCause()).isInstanceOfSatisfying(PythonException.class, (cause) -> {
				assertThat(cause.pythonType()).isEqualTo("KeyError");
				assertThat(cause.getStackTrace()).extracting(StackTraceElement::getMethodName)
					.containsExactly("lookup", "price");
			});
		});
	}

	@Test
	void aDisabledLevelCostsNoCallIntoJava() {
		sink.threshold(Level.INFO);
		PythonRuntime.refreshLogLevels();
		pool.execute((session) -> {
			session.exec("import logging\nlog = logging.getLogger('app.quiet')\nlog.info('asked once')");
			int before = sink.isEnabledCalls.get() + sink.logCalls.get();
			session.exec("for i in range(2000):\n    log.debug('dropped %d', i)");
			int after = sink.isEnabledCalls.get() + sink.logCalls.get();
			// At most one refresh of the cached levels (a second passed): five questions about one logger.
			assertThat(after - before).isLessThanOrEqualTo(5);
			assertThat(session.eval("log.isEnabledFor(logging.DEBUG)", Boolean.class)).isFalse();
			assertThat(session.eval("log.isEnabledFor(logging.INFO)", Boolean.class)).isTrue();
			return null;
		});
		assertThat(sink.messages("python.app.quiet")).containsExactly("asked once");
	}

	@Test
	void aLevelChangedAtRunTimeAppliesAtTheNextRecordOnceRefreshed() {
		sink.level("python.app.switch", Level.INFO);
		PythonRuntime.refreshLogLevels();
		exec("import logging\nlog = logging.getLogger('app.switch')\nlog.debug('before')");
		sink.level("python.app.switch", Level.DEBUG);
		PythonRuntime.refreshLogLevels();
		exec("log.debug('after')");
		assertThat(sink.messages("python.app.switch")).containsExactly("after");
	}

	@Test
	void aLevelChangedAtRunTimeAppliesWithinASecondWithoutRefresh() {
		sink.level("python.app.drift", Level.INFO);
		PythonRuntime.refreshLogLevels();
		exec("import logging\ndrift = logging.getLogger('app.drift')\ndrift.debug('before')");
		sink.level("python.app.drift", Level.DEBUG);
		Await.until("the new level to be seen", Duration.ofSeconds(10), () -> {
			exec("drift.debug('after')");
			return !sink.messages("python.app.drift").isEmpty();
		});
		assertThat(sink.messages("python.app.drift")).first().isEqualTo("after");
	}

	@Test
	void pythonsOwnLevelsStillApply() {
		exec("import logging\nown = logging.getLogger('app.own')\nown.setLevel(logging.WARNING)\n"
				+ "own.info('filtered by Python')\nown.warning('kept')");
		assertThat(sink.messages("python.app.own")).containsExactly("kept");
	}

	@Test
	void recordsCarryTheContextOfTheCallingThreadAlsoFromPythonThreads() {
		RequestContext.set("trace-42");
		try {
			exec("""
					import logging, threading
					log = logging.getLogger('app.threads')
					log.info('caller')
					t = threading.Thread(target=lambda: log.info('worker'), name='worker-1')
					t.start()
					t.join()
					""");
		}
		finally {
			RequestContext.set(null);
		}
		List<RecordingSink.Entry> entries = sink.entries("python.app.threads");
		assertThat(entries).extracting(RecordingSink.Entry::message).containsExactly("caller", "worker");
		assertThat(entries).extracting(RecordingSink.Entry::requestId).containsOnly("trace-42");
		assertThat(entries.get(1).record().pythonThread()).isEqualTo("worker-1");
	}

	@Test
	void aPythonThreadThatLogsAfterTheCallEndedHasNoContext() throws Exception {
		RequestContext.set("trace-43");
		try {
			exec("""
					import logging, threading
					late_log = logging.getLogger('app.late')
					go = threading.Event()
					def later():
					    go.wait(30)
					    late_log.info('after the call')
					late = threading.Thread(target=later)
					late.start()
					""");
		}
		finally {
			RequestContext.set(null);
		}
		pool.execute((session) -> {
			// A call without context of its own sets the thread free; the record goes out between calls.
			session.exec("go.set()");
			return null;
		});
		Await.until("the late record", Duration.ofSeconds(30), () -> !sink.messages("python.app.late").isEmpty());
		pool.execute((session) -> {
			session.exec("late.join(30)");
			return null;
		});
		assertThat(sink.entries("python.app.late")).singleElement()
			.satisfies((entry) -> assertThat(entry.requestId()).isEmpty());
	}

	@Test
	void withLoggingDisabledRecordsGoWherePythonSendsThem() {
		RecordingSink own = new RecordingSink(Level.TRACE);
		try (PythonPool plain = runtime.newPool(PoolOptions.builder().name("plain-logging").size(1).logSink(own)
			.loggingEnabled(false).build())) {
			plain.execute((session) -> {
				session.exec("import logging\nlogging.getLogger('app.plain').warning('to stderr')\n"
						+ "logging.getLogger('app.plain').info('dropped by Python')");
				assertThat(session.eval("len(logging.getLogger().handlers)", Long.class)).isZero();
				return null;
			});
		}
		assertThat(own.messages("python.app.plain")).isEmpty();
		// Python's last-resort handler prints WARNING and above to sys.stderr, which is captured.
		assertThat(own.messages("python.stderr")).containsExactly("to stderr");
	}

	@Test
	void aFailingSinkDoesNotFailThePythonCode() {
		PythonLogSink failing = new PythonLogSink() {

			@Override
			public boolean isEnabled(String logger, Level level) {
				return true;
			}

			@Override
			public void log(PythonLogRecord record) {
				throw new IllegalStateException("appender down");
			}

		};
		try (PythonPool broken = runtime.newPool(PoolOptions.builder().name("broken-sink").size(1).logSink(failing)
			.build())) {
			Long result = broken.execute((session) -> {
				session.exec("import logging\nlogging.getLogger('app').error('lost')\nprint('lost too')");
				return session.eval("6 * 7", Long.class);
			});
			assertThat(result).isEqualTo(42);
		}
	}

	@Test
	void aSinkThatCallsPythonIsRefusedInsteadOfAbortingTheProcess() {
		RecordingSink errors = new RecordingSink(Level.TRACE);
		PythonLogSink reentrant = new PythonLogSink() {

			@Override
			public boolean isEnabled(String logger, Level level) {
				return true;
			}

			@Override
			public void log(PythonLogRecord record) {
				try {
					pool.execute((session) -> session.eval("1"));
				}
				catch (IllegalStateException ex) {
					errors.log(new PythonLogRecord("refused", Level.ERROR, 40, ex.getMessage(), null, null));
				}
			}

		};
		try (PythonPool sinkPool = runtime.newPool(PoolOptions.builder().name("reentrant-sink").size(1)
			.logSink(reentrant).build())) {
			sinkPool.execute((session) -> {
				session.exec("print('calls Python from the sink')");
				return null;
			});
		}
		assertThat(errors.messages("refused")).singleElement().asString().contains("cannot call into Python");
	}

}
