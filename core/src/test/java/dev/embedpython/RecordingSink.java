package dev.embedpython;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A {@link PythonLogSink} that keeps what it receives, with the request id in effect on the thread that logged each
 * record ({@link RequestContext}) and the thread's name, and counts every call into it. Its levels are a default
 * threshold plus one per logger name, changeable at any time.
 */
final class RecordingSink implements PythonLogSink {

	/** One record as the sink saw it. */
	record Entry(PythonLogRecord record, String requestId, String javaThread) {

		String logger() {
			return this.record.logger();
		}

		String message() {
			return this.record.message();
		}

	}

	private final List<Entry> entries = new CopyOnWriteArrayList<>();

	private final Map<String, Level> levels = new ConcurrentHashMap<>();

	private volatile Level threshold;

	final AtomicInteger isEnabledCalls = new AtomicInteger();

	final AtomicInteger logCalls = new AtomicInteger();

	RecordingSink(Level threshold) {
		this.threshold = threshold;
	}

	void threshold(Level threshold) {
		this.threshold = threshold;
	}

	void level(String logger, Level level) {
		this.levels.put(logger, level);
	}

	@Override
	public boolean isEnabled(String logger, Level level) {
		this.isEnabledCalls.incrementAndGet();
		return level.getSeverity() >= this.levels.getOrDefault(logger, this.threshold).getSeverity();
	}

	@Override
	public void log(PythonLogRecord record) {
		this.logCalls.incrementAndGet();
		if (isEnabled(record.logger(), record.level())) {
			this.isEnabledCalls.decrementAndGet();
			this.entries.add(new Entry(record, RequestContext.current(), Thread.currentThread().getName()));
		}
	}

	List<Entry> entries() {
		return List.copyOf(this.entries);
	}

	List<Entry> entries(String logger) {
		return this.entries.stream().filter((entry) -> entry.logger().equals(logger)).toList();
	}

	List<String> messages(String logger) {
		return entries(logger).stream().map(Entry::message).collect(Collectors.toList());
	}

	void clear() {
		this.entries.clear();
	}

}
