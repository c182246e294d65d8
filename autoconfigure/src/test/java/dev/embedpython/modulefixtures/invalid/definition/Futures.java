package dev.embedpython.modulefixtures.invalid.definition;

import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import dev.embedpython.autoconfigure.module.Kw;
import dev.embedpython.autoconfigure.module.PythonFunction;
import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * Invalid: methods that cannot be called.
 */
@PythonModule("mt_prices")
public interface Futures {

	@PythonFunction("count")
	int classy(@Kw("class") int value);

	CompletableFuture<Integer> count();

	@PythonFunction("count")
	IntStream counts();

	int discounted(@Kw("percent") int percent, @Kw("percent") int again);

	@PythonFunction("not-a-name")
	int dashed();

}
