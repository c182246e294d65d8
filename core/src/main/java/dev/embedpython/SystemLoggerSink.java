package dev.embedpython;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link PythonLogSink}: one {@link System.Logger} per logger name, looked up once.
 * <p>
 * Thread contract: thread-safe.
 */
final class SystemLoggerSink implements PythonLogSink {

	static final SystemLoggerSink INSTANCE = new SystemLoggerSink();

	private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

	private SystemLoggerSink() {
	}

	private Logger logger(String name) {
		return this.loggers.computeIfAbsent(name, System::getLogger);
	}

	@Override
	public boolean isEnabled(String logger, Level level) {
		return logger(logger).isLoggable(level);
	}

	@Override
	public void log(PythonLogRecord record) {
		Logger logger = logger(record.logger());
		if (record.thrown() != null) {
			logger.log(record.level(), record.message(), record.thrown());
		}
		else {
			logger.log(record.level(), record.message());
		}
	}

	@Override
	public String toString() {
		return "PythonLogSink[System.Logger]";
	}

}
