package dev.embedpython;

import java.lang.System.Logger.Level;

/**
 * Where Python's log records and the lines it prints go. Python's {@code logging} records arrive under the logger
 * {@code python.<logger name>} ({@code python} for the root logger); lines written to {@code sys.stdout} and
 * {@code sys.stderr} under {@code python.stdout} ({@link Level#INFO}) and {@code python.stderr}
 * ({@link Level#WARNING}), one record per line.
 * <p>
 * Python asks {@link #isEnabled} once per logger name and level and caches the answer (for a second, or until
 * {@link PythonRuntime#refreshLogLevels()}), so a record of a disabled level costs no call into Java.
 * <p>
 * The default, {@link #systemLogger()}, logs through {@link System.Logger}, which SLF4J and Logback pick up in a
 * Spring Boot application; the starter installs an SLF4J sink that also applies the MDC of the calling thread.
 * <p>
 * Thread contract: implementations are thread-safe; both methods are called on the thread that runs the Python code
 * (see {@link PythonCallable}), with the calling interpreter's GIL held: return quickly, and never call into Python.
 */
public interface PythonLogSink {

	/**
	 * Whether records of a level are logged.
	 * @param logger the logger's name, e.g. {@code python.pricing}
	 * @param level the level
	 * @return {@code true} if {@link #log} would write such a record
	 */
	boolean isEnabled(String logger, Level level);

	/**
	 * Log one record.
	 * @param record the record
	 */
	void log(PythonLogRecord record);

	/**
	 * The sink that logs through {@link System#getLogger(String)}.
	 * @return the sink
	 */
	static PythonLogSink systemLogger() {
		return SystemLoggerSink.INSTANCE;
	}

}
