package dev.embedpython.interpreter;

import java.util.List;

import dev.embedpython.PythonException;
import org.jspecify.annotations.Nullable;

/**
 * The exception of a Python log record ({@code exc_info}) as a Java exception a log sink can print: a
 * {@link PythonException} whose stack trace is the Python traceback ({@code at module.function(file.py:12)},
 * innermost first, as Java prints frames) and whose cause is Python's cause or context. Made from what
 * {@code _embedpython._describe} returns: {@code (type, message, traceback text, frames, cause)}, each frame
 * {@code (module, qualified name, file name, line)}.
 * <p>
 * Thread contract: stateless.
 */
final class LoggedException {

	private static final int MAX_CHAIN = 16;

	private LoggedException() {
	}

	/**
	 * The exception of a description.
	 * @param described the description, {@code null} for a record without an exception
	 * @return the exception, or {@code null}
	 */
	static @Nullable PythonException of(@Nullable List<?> described) {
		return (described != null) ? of(described, 0) : null;
	}

	private static PythonException of(List<?> described, int depth) {
		Object cause = described.get(4);
		PythonException causeException = (cause instanceof List<?> causeDescription && depth < MAX_CHAIN)
				? of(causeDescription, depth + 1) : null;
		PythonException exception = new PythonException(text(described.get(0)), text(described.get(1)),
				text(described.get(2)), causeException);
		List<?> frames = (List<?>) described.get(3);
		StackTraceElement[] trace = new StackTraceElement[frames.size()];
		for (int i = 0; i < trace.length; i++) {
			List<?> frame = (List<?>) frames.get(frames.size() - 1 - i);
			trace[i] = new StackTraceElement(text(frame.get(0)), text(frame.get(1)), fileName(text(frame.get(2))),
					(frame.get(3) instanceof Number line) ? line.intValue() : -1);
		}
		exception.setStackTrace(trace);
		return exception;
	}

	private static String fileName(String path) {
		int slash = path.lastIndexOf('/');
		return (slash >= 0 && !path.startsWith("<")) ? path.substring(slash + 1) : path;
	}

	private static String text(@Nullable Object value) {
		return (value != null) ? value.toString() : "";
	}

}
