package dev.embedpython.autoconfigure.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import dev.embedpython.PythonRuntime;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * Tells Python when a Logback level changes (the actuator's {@code loggers} endpoint,
 * {@code LoggingSystem.setLogLevel}, a configuration reload), so that every interpreter asks for its loggers' levels
 * again at its next record instead of within a second ({@link PythonRuntime#refreshLogLevels()}). Inert when SLF4J
 * is bound to another backend.
 * <p>
 * Thread contract: Logback calls it on the thread that changes a level; thread-safe.
 */
public class LogbackLevelListener implements LoggerContextListener, DisposableBean {

	private final @Nullable LoggerContext context;

	/**
	 * Listen to SLF4J's logger context, if it is Logback's.
	 */
	public LogbackLevelListener() {
		this.context = (LoggerFactory.getILoggerFactory() instanceof LoggerContext loggerContext) ? loggerContext
				: null;
		if (this.context != null) {
			this.context.addListener(this);
		}
	}

	@Override
	public boolean isResetResistant() {
		return true;
	}

	@Override
	public void onStart(LoggerContext context) {
	}

	@Override
	public void onReset(LoggerContext context) {
		PythonRuntime.refreshLogLevels();
	}

	@Override
	public void onStop(LoggerContext context) {
	}

	@Override
	public void onLevelChange(Logger logger, Level level) {
		PythonRuntime.refreshLogLevels();
	}

	@Override
	public void destroy() {
		if (this.context != null) {
			this.context.removeListener(this);
		}
	}

}
