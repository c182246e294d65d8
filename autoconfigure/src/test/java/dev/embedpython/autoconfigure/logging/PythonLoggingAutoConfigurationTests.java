package dev.embedpython.autoconfigure.logging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.embedpython.CallContextPropagator;
import dev.embedpython.PythonException;
import dev.embedpython.PythonLogSink;
import dev.embedpython.PythonTemplate;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.autoconfigure.TestPython;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PythonLoggingAutoConfiguration} and the {@code python.logging.*} properties, against the real
 * bundled CPython and Logback.
 */
class PythonLoggingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class, PythonLoggingAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	private final Recorder recorder = new Recorder();

	private final Logger python = (Logger) LoggerFactory.getLogger("python");

	@BeforeEach
	void attach() {
		this.recorder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
		this.recorder.start();
		this.python.addAppender(this.recorder);
		this.python.setLevel(Level.DEBUG);
	}

	@AfterEach
	void detach() {
		this.python.detachAppender(this.recorder);
		this.python.setLevel(null);
		((Logger) LoggerFactory.getLogger("python.app")).setLevel(null);
		MDC.clear();
	}

	@Test
	void runShouldCreateTheSlf4jSinkAndTheMdcPropagator() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(Slf4jPythonLogSink.class).hasSingleBean(MdcContextPropagator.class)
				.hasSingleBean(LogbackLevelListener.class);
		});
	}

	@Test
	void runWithoutSlf4jShouldBackOff() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.slf4j", "ch.qos.logback"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PythonLogSink.class)
				.doesNotHaveBean(CallContextPropagator.class));
	}

	@Test
	void userSinkShouldReplaceTheDefault() {
		this.contextRunner.withBean("customSink", PythonLogSink.class, Slf4jPythonLogSink::new)
			.run((context) -> assertThat(context).getBeans(PythonLogSink.class).containsOnlyKeys("customSink"));
	}

	@Test
	void pythonRecordsShouldReachSlf4jWithTheMdcOfTheCallingThread() {
		this.contextRunner.run((context) -> {
			PythonTemplate template = context.getBean(PythonTemplate.class);
			MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
			template.exec("""
					import logging, threading
					log = logging.getLogger('app.orders')
					log.info('order %s accepted', 'A-17')
					print('printed line')
					t = threading.Thread(target=lambda: log.warning('from a Python thread'))
					t.start()
					t.join()
					""");
			MDC.clear();
			List<ILoggingEvent> events = this.recorder.events;
			assertThat(events).extracting(ILoggingEvent::getLoggerName, ILoggingEvent::getLevel,
					ILoggingEvent::getFormattedMessage)
				.contains(org.assertj.core.groups.Tuple.tuple("python.app.orders", Level.INFO, "order A-17 accepted"),
						org.assertj.core.groups.Tuple.tuple("python.stdout", Level.INFO, "printed line"),
						org.assertj.core.groups.Tuple.tuple("python.app.orders", Level.WARN, "from a Python thread"));
			assertThat(events).allSatisfy((event) -> assertThat(event.getMDCPropertyMap())
				.containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736"));
		});
	}

	@Test
	void anExceptionShouldBeTheEventsThrowableWithThePythonTraceback() {
		this.contextRunner.run((context) -> {
			context.getBean(PythonTemplate.class).exec("""
					import logging
					def charge(amount):
					    return 100 / amount
					try:
					    charge(0)
					except ZeroDivisionError:
					    logging.getLogger('app.billing').exception('charge failed')
					""");
			ILoggingEvent event = this.recorder.events.stream()
				.filter((e) -> e.getLoggerName().equals("python.app.billing"))
				.findFirst()
				.orElseThrow();
			assertThat(event.getLevel()).isEqualTo(Level.ERROR);
			assertThat(event.getThrowableProxy().getClassName()).isEqualTo(PythonException.class.getName());
			assertThat(event.getThrowableProxy().getMessage()).isEqualTo("ZeroDivisionError: division by zero");
			assertThat(event.getThrowableProxy().getStackTraceElementProxyArray())
				.extracting((frame) -> frame.getStackTraceElement().getMethodName())
				.containsExactly("charge", "<module>");
		});
	}

	@Test
	void aLevelChangedInLogbackShouldApplyAtTheNextRecord() {
		this.contextRunner.run((context) -> {
			PythonTemplate template = context.getBean(PythonTemplate.class);
			Logger app = (Logger) LoggerFactory.getLogger("python.app");
			app.setLevel(Level.WARN);
			template.exec("import logging\nlevels = logging.getLogger('app.levels')\nlevels.info('hidden')");
			app.setLevel(Level.DEBUG);
			template.exec("levels.debug('shown')");
			assertThat(this.recorder.messages("python.app.levels")).containsExactly("shown");
		});
	}

	@Test
	void runWithLoggingDisabledShouldLeavePythonsLogging() {
		this.contextRunner.withPropertyValues("python.logging.enabled=false").run((context) -> {
			PythonTemplate template = context.getBean(PythonTemplate.class);
			template.exec("import logging\nlogging.getLogger('app.plain').info('not forwarded')");
			assertThat(template.eval("len(logging.getLogger().handlers)", Long.class)).isZero();
			assertThat(this.recorder.messages("python.app.plain")).isEmpty();
		});
	}

	@Test
	void runWithCaptureOutputDisabledShouldLeaveTheStreams() {
		this.contextRunner.withPropertyValues("python.logging.capture-output=false").run((context) -> {
			PythonTemplate template = context.getBean(PythonTemplate.class);
			assertThat(template.eval("__import__('sys').stdout is __import__('sys').__stdout__", Boolean.class))
				.isTrue();
		});
	}

	/**
	 * Keeps the events of the {@code python} loggers.
	 */
	static final class Recorder extends AppenderBase<ILoggingEvent> {

		final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

		@Override
		protected void append(ILoggingEvent event) {
			event.prepareForDeferredProcessing();
			this.events.add(event);
		}

		List<String> messages(String logger) {
			return this.events.stream()
				.filter((event) -> event.getLoggerName().equals(logger))
				.map(ILoggingEvent::getFormattedMessage)
				.toList();
		}

	}

}
