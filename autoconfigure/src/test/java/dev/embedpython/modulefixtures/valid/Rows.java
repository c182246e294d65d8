package dev.embedpython.modulefixtures.valid;

import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import dev.embedpython.autoconfigure.module.Kw;
import dev.embedpython.autoconfigure.module.PythonFunction;
import dev.embedpython.autoconfigure.module.PythonIterator;
import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * Generators and iterators consumed lazily.
 */
@PythonModule("mt_streams")
public interface Rows {

	Stream<Integer> numbers(int limit);

	@PythonFunction("numbers")
	PythonIterator<Integer> numbersIterator(int limit);

	Iterator<Long> forever();

	@PythonFunction("forever")
	Stream<Long> foreverStream();

	int produced();

	Stream<Row> rows(String prefix, @Kw("limit") int limit);

	List<Integer> closed();

	Stream<Long> failing(int after);

	Stream<Long> listed(int n);

	@PythonFunction("not_iterable")
	Stream<Long> notIterable();

	Stream<String> words();

	@PythonFunction("open_iterators")
	int openIterators();

}
