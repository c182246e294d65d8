package dev.embedpython.autoconfigure.module;

import java.util.Iterator;

/**
 * The iterator a {@link PythonModule} method returns when it is declared to return an {@link Iterator} (or this
 * type): it fetches the items of a Python iterator or generator in batches and keeps its interpreter borrowed until
 * it is exhausted or closed. Declare this type to close it with try-with-resources:
 *
 * <pre class="code">
 * try (PythonIterator&lt;Row&gt; rows = reports.rows(1000)) {
 *     while (rows.hasNext()) { ... }
 * }
 * </pre>
 *
 * <p>
 * Thread contract: confined to the thread that called the method, like the session it holds.
 *
 * @param <T> the item type
 */
public interface PythonIterator<T> extends Iterator<T>, AutoCloseable {

	/**
	 * Give the interpreter back; a generator is closed first (its {@code finally} blocks run). Idempotent, and
	 * nothing to do once the iterator is exhausted. Afterwards {@link #hasNext()} answers {@code false}.
	 */
	@Override
	void close();

}
