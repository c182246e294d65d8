package dev.embedpython;

import java.lang.System.Logger.Level;

import org.jspecify.annotations.Nullable;

/**
 * One record for a {@link PythonLogSink}: a record of Python's {@code logging}, or one line Python printed.
 * @param logger the logger's name: {@code python.<logger name>}, {@code python} for Python's root logger,
 * {@code python.stdout} or {@code python.stderr} for printed lines
 * @param level the level: Python's {@code DEBUG}, {@code INFO}, {@code WARNING}, {@code ERROR} and {@code CRITICAL}
 * are {@link Level#DEBUG}, {@link Level#INFO}, {@link Level#WARNING}, {@link Level#ERROR} and {@link Level#ERROR};
 * a custom level maps to the next standard one below it, below {@code DEBUG} to {@link Level#TRACE}
 * @param pythonLevel Python's level number ({@code logging.INFO} is 20); 20 for {@code stdout}, 30 for
 * {@code stderr}
 * @param message the formatted message, or the printed line without its line break
 * @param thrown the exception of a record logged with {@code exc_info} (a {@link PythonException} whose stack trace
 * is the Python traceback and whose cause is Python's cause), {@code null} when none
 * @param pythonThread the name of the Python thread ({@code threading}'s) that logged it, {@code null} for printed
 * lines
 */
public record PythonLogRecord(String logger, Level level, int pythonLevel, String message, @Nullable Throwable thrown,
		@Nullable String pythonThread) {

	/**
	 * The level of a Python level number.
	 * @param pythonLevel the level number
	 * @return the level
	 */
	public static Level level(int pythonLevel) {
		if (pythonLevel >= 40) {
			return Level.ERROR;
		}
		if (pythonLevel >= 30) {
			return Level.WARNING;
		}
		if (pythonLevel >= 20) {
			return Level.INFO;
		}
		return (pythonLevel >= 10) ? Level.DEBUG : Level.TRACE;
	}

}
