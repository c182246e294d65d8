package dev.embedpython.autoconfigure.logging;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.embedpython.PythonLogRecord;
import dev.embedpython.PythonLogSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PythonLogSink} that logs through SLF4J: Python's logger {@code app.pricing} is the SLF4J logger
 * {@code python.app.pricing}, printed lines are {@code python.stdout} (INFO) and {@code python.stderr} (WARN). The
 * message is logged as is (a {@code {}} in it is not a placeholder) and a record's exception is the throwable, its
 * stack trace Python's traceback. The MDC in effect is the calling thread's, set by the
 * {@link MdcContextPropagator} when Python logs on another thread.
 * <p>
 * Thread contract: thread-safe.
 */
public class Slf4jPythonLogSink implements PythonLogSink {

	private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

	private Logger logger(String name) {
		return this.loggers.computeIfAbsent(name, LoggerFactory::getLogger);
	}

	@Override
	public boolean isEnabled(String logger, Level level) {
		Logger target = logger(logger);
		return switch (level) {
			case ALL, TRACE -> target.isTraceEnabled();
			case DEBUG -> target.isDebugEnabled();
			case INFO -> target.isInfoEnabled();
			case WARNING -> target.isWarnEnabled();
			case ERROR -> target.isErrorEnabled();
			case OFF -> false;
		};
	}

	@Override
	public void log(PythonLogRecord record) {
		Logger target = logger(record.logger());
		String message = record.message();
		Throwable thrown = record.thrown();
		switch (record.level()) {
			case ALL, TRACE -> target.trace(message, thrown);
			case DEBUG -> target.debug(message, thrown);
			case INFO -> target.info(message, thrown);
			case WARNING -> target.warn(message, thrown);
			case ERROR -> target.error(message, thrown);
			case OFF -> {
			}
		}
	}

	@Override
	public String toString() {
		return "PythonLogSink[SLF4J]";
	}

}
