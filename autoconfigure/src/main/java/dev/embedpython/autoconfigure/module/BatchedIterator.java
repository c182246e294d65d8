package dev.embedpython.autoconfigure.module;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import dev.embedpython.PythonSession;
import org.jspecify.annotations.Nullable;

/**
 * The items of a Python iterator lent out by {@code _embedpython_modules}, fetched {@code batchSize} at a time
 * when the previous batch is used up. Holds its session, and so its interpreter, until the Python iterator is
 * exhausted, raises, an item cannot be converted, or {@link #close()} is called; then gives it back at once.
 * <p>
 * Thread contract: confined to the thread that opened it (the session's owner); not thread-safe.
 *
 * @param <T> the item type
 */
final class BatchedIterator<T> implements PythonIterator<T> {

	private final PythonSession session;

	private final long token;

	private final int batchSize;

	private final Function<@Nullable Object, @Nullable T> converter;

	private List<?> batch = List.of();

	private int next;

	/** The session was given back: exhausted, failed or closed. */
	private boolean done;

	BatchedIterator(PythonSession session, long token, int batchSize,
			Function<@Nullable Object, @Nullable T> converter) {
		this.session = session;
		this.token = token;
		this.batchSize = batchSize;
		this.converter = converter;
	}

	@Override
	public boolean hasNext() {
		if (this.next < this.batch.size()) {
			return true;
		}
		if (this.done) {
			return false;
		}
		fetch();
		return this.next < this.batch.size();
	}

	@Override
	public @Nullable T next() {
		if (!hasNext()) {
			throw new NoSuchElementException();
		}
		Object item = this.batch.get(this.next++);
		try {
			return this.converter.apply(item);
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	private void fetch() {
		List<?> fetched;
		try {
			fetched = (List<?>) ModuleBridge.call(this.session, "next_batch", this.token, this.batchSize);
		}
		catch (RuntimeException | Error ex) {
			// The helper forgot the iterator when it raised.
			giveBack();
			throw ex;
		}
		this.batch = (fetched != null) ? fetched : List.of();
		this.next = 0;
		if (this.batch.size() < this.batchSize) {
			giveBack();
		}
	}

	@Override
	public void close() {
		if (this.done) {
			return;
		}
		this.batch = List.of();
		try {
			ModuleBridge.call(this.session, "close_iter", this.token);
		}
		finally {
			giveBack();
		}
	}

	private void giveBack() {
		// Closing from another thread than the owner fails: stay open, so that the owner can still close it.
		this.session.close();
		this.done = true;
	}

	/**
	 * A sequential stream over the items that closes this iterator when it is closed.
	 * @return the stream
	 */
	Stream<@Nullable T> stream() {
		Spliterator<@Nullable T> spliterator = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE,
				Spliterator.ORDERED) {

			@Override
			public boolean tryAdvance(Consumer<? super @Nullable T> action) {
				if (!hasNext()) {
					return false;
				}
				action.accept(next());
				return true;
			}

			@Override
			public @Nullable Spliterator<@Nullable T> trySplit() {
				// Items can only be fetched on the session's thread: no parallel splitting.
				return null;
			}

		};
		return StreamSupport.stream(spliterator, false).onClose(this::close);
	}

}
