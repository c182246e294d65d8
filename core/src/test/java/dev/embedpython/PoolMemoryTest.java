package dev.embedpython;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import dev.embedpython.pool.MemoryEstimate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A pool whose interpreters cannot fit the host fails before it creates any; the estimate is logged at start.
 */
class PoolMemoryTest {

	private static PythonRuntime runtime;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
	}

	@AfterAll
	static void stop() {
		runtime.close();
	}

	@Test
	void poolLargerThanTheHostFailsAtOnceNamingSizeAndEstimate() {
		long budget = MemoryEstimate.hostBudget();
		assertThat(budget).as("this JVM can tell what its host offers").isPositive();
		int size = (int) Math.min(Integer.MAX_VALUE, budget / MemoryEstimate.OWN_GIL_BYTES + 1);
		int poolsBefore = runtime.pools().size();
		long start = System.nanoTime();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> runtime.newPool(PoolOptions.builder().name("huge").size(size).build()))
			.withMessageStartingWith("Invalid pool option 'size' (" + size + "): " + size + " own-gil interpreters need an "
					+ "estimated " + MemoryEstimate.mebibytes(size * MemoryEstimate.OWN_GIL_BYTES))
			.withMessageContaining("2.1 MiB each")
			.withMessageContaining("this host offers: " + MemoryEstimate.mebibytes(budget));
		assertThat((System.nanoTime() - start) / 1_000_000).as("ms to fail").isLessThan(1000);
		assertThat(runtime.pools()).hasSize(poolsBefore);
	}

	@Test
	void estimateIsLoggedAtStart() {
		Logger logger = Logger.getLogger("dev.embedpython.pool.InterpreterPool");
		List<String> messages = new ArrayList<>();
		Handler handler = new Handler() {
			@Override
			public void publish(LogRecord record) {
				messages.add(record.getMessage());
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}
		};
		logger.addHandler(handler);
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("small").size(2).build())) {
			assertThat(pool.stats().size()).isEqualTo(2);
		}
		finally {
			logger.removeHandler(handler);
		}
		assertThat(messages).anySatisfy((message) -> assertThat(message)
			.startsWith("Pool 'small': 2 own-gil interpreters, estimated 4.3 MiB of native memory before imports "
					+ "(the host offers "));
	}

}
