package dev.embedpython.autoconfigure.module;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import dev.embedpython.PythonConversionException;
import dev.embedpython.PythonException;
import dev.embedpython.PythonPool;
import dev.embedpython.modulefixtures.valid.Row;
import dev.embedpython.modulefixtures.valid.Rows;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code Stream} and {@code Iterator} methods of {@link PythonModule} interfaces against the real CPython: items are
 * fetched in batches of {@code python.modules.stream-batch-size} (4 here) when needed, the only interpreter of the
 * pool is held until the stream is closed or exhausted and given back then.
 */
class PythonModuleStreamTests {

	private static final String NEXT_BATCH = "default _embedpython_modules.next_batch";

	private final ApplicationContextRunner contextRunner = ModuleFixtures.contextRunner()
		// A generator drained eagerly by mistake would run into the call timeout instead of hanging the test.
		.withPropertyValues("python.modules.stream-batch-size=4", "python.pool.call-timeout=20s")
		.withUserConfiguration(ModuleFixtures.Valid.class, RecordingCallObserver.class);

	@Test
	void streamShouldFetchBatchesOnlyWhenItemsAreNeeded() {
		this.contextRunner.run((context) -> {
			RecordingCallObserver observer = context.getBean(RecordingCallObserver.class);
			Rows rows = context.getBean(Rows.class);
			try (Stream<Integer> numbers = rows.numbers(1000)) {
				assertThat(observer.count(NEXT_BATCH)).as("opening fetches nothing").isZero();
				Iterator<Integer> iterator = numbers.iterator();
				assertThat(iterator.next()).isZero();
				assertThat(observer.count(NEXT_BATCH)).isEqualTo(1);
				for (int i = 1; i < 4; i++) {
					assertThat(iterator.next()).isEqualTo(i);
				}
				assertThat(observer.count(NEXT_BATCH)).isEqualTo(1);
				assertThat(iterator.next()).isEqualTo(4);
				assertThat(observer.count(NEXT_BATCH)).isEqualTo(2);
			}
			assertThat(rows.produced()).as("items the generator produced").isEqualTo(8);
			assertThat(rows.openIterators()).isZero();
		});
	}

	@Test
	void infiniteGeneratorShouldBeReadOnlyAsFarAsNeeded() {
		this.contextRunner.run((context) -> {
			Rows rows = context.getBean(Rows.class);
			try (Stream<Long> forever = rows.foreverStream()) {
				assertThat(forever.limit(10).toList()).isEqualTo(LongStream.range(0, 10).boxed().toList());
			}
			assertThat(rows.openIterators()).isZero();
		});
	}

	@Test
	void interpreterShouldBeHeldUntilTheStreamIsClosed() {
		this.contextRunner.run((context) -> {
			PythonPool pool = context.getBean(PythonPool.class);
			Rows rows = context.getBean(Rows.class);
			Stream<Row> stream = rows.rows("r", 100);
			try {
				assertThat(pool.stats().active()).isEqualTo(1);
				assertThat(pool.tryAcquire(Duration.ZERO)).as("the pool's only interpreter").isNull();
				// (not assertThat(stream): AssertJ closes the streams it is given)
				assertThat(stream.limit(2).toList()).containsExactly(new Row("r0", 0), new Row("r1", 1));
				assertThat(pool.stats().active()).isEqualTo(1);
			}
			finally {
				stream.close();
			}
			assertThat(pool.stats().active()).isZero();
			assertThat(rows.closed()).as("the generator's finally ran").containsExactly(100);
			assertThat(rows.openIterators()).isZero();
			stream.close();
		});
	}

	@Test
	void exhaustedIteratorShouldGiveTheInterpreterBackWithoutClose() {
		this.contextRunner.run((context) -> {
			PythonPool pool = context.getBean(PythonPool.class);
			Rows rows = context.getBean(Rows.class);
			for (int limit : new int[] { 10, 8, 0 }) {
				PythonIterator<Integer> numbers = rows.numbersIterator(limit);
				List<Integer> items = new ArrayList<>();
				numbers.forEachRemaining(items::add);
				assertThat(items).hasSize(limit);
				assertThat(numbers.hasNext()).isFalse();
				assertThat(pool.stats().active()).as("after %d items", limit).isZero();
				assertThat(rows.openIterators()).isZero();
			}
			try (Stream<Long> listed = rows.listed(10)) {
				assertThat(listed.toList()).as("a list, lent out in batches").hasSize(10).endsWith(9L);
			}
		});
	}

	@Test
	void iteratorShouldBeClosableWithTryWithResources() {
		this.contextRunner.run((context) -> {
			PythonPool pool = context.getBean(PythonPool.class);
			Rows rows = context.getBean(Rows.class);
			try (PythonIterator<Integer> numbers = rows.numbersIterator(100)) {
				assertThat(numbers.next()).isZero();
			}
			assertThat(pool.stats().active()).isZero();
			Iterator<Long> forever = rows.forever();
			assertThat(forever.next()).isZero();
			assertThat(forever).isInstanceOf(AutoCloseable.class);
			((PythonIterator<Long>) forever).close();
			assertThat(forever.hasNext()).isFalse();
			assertThat(pool.stats().active()).isZero();
			assertThat(rows.openIterators()).isZero();
		});
	}

	@Test
	void pythonExceptionShouldEndTheStreamAndGiveTheInterpreterBack() {
		this.contextRunner.run((context) -> {
			PythonPool pool = context.getBean(PythonPool.class);
			Iterator<Long> failing = context.getBean(Rows.class).failing(6).iterator();
			for (long i = 0; i < 4; i++) {
				assertThat(failing.next()).isEqualTo(i);
			}
			// The second batch reaches the exception: it is thrown when that batch is fetched.
			assertThatExceptionOfType(PythonException.class).isThrownBy(failing::next)
				.satisfies((ex) -> assertThat(ex.pythonType()).isEqualTo("ValueError"))
				.withMessageContaining("failed after 6 items");
			assertThat(pool.stats().active()).isZero();
			assertThat(failing.hasNext()).isFalse();
		});
	}

	@Test
	void mismatchShouldNameTheMethodAndGiveTheInterpreterBack() {
		this.contextRunner.run((context) -> {
			PythonPool pool = context.getBean(PythonPool.class);
			Rows rows = context.getBean(Rows.class);
			assertThatExceptionOfType(PythonConversionException.class).isThrownBy(rows::notIterable)
				.withMessage("Rows.notIterable: mt_streams.not_iterable returned int, which is not iterable where an "
						+ "iterable of java.lang.Long was expected");
			assertThat(pool.stats().active()).isZero();
			try (Stream<String> words = rows.words()) {
				Iterator<String> iterator = words.iterator();
				assertThat(iterator.next()).isEqualTo("one");
				assertThatExceptionOfType(PythonConversionException.class).isThrownBy(iterator::next)
					.withMessage("Rows.words: mt_streams.words yielded Python int where java.lang.String was "
							+ "expected");
				assertThat(pool.stats().active()).isZero();
			}
		});
	}

	@Test
	void unclosedStreamShouldBeReportedByLeakDetection() {
		this.contextRunner.withPropertyValues("python.pool.leak-detection-threshold=200ms").run((context) -> {
			CountDownLatch reported = new CountDownLatch(1);
			Handler handler = new Handler() {

				@Override
				public void publish(LogRecord record) {
					if (record.getLevel() == Level.WARNING && record.getMessage().contains("apparent session leak")
							&& record.getThrown() != null) {
						reported.countDown();
					}
				}

				@Override
				public void flush() {
				}

				@Override
				public void close() {
				}

			};
			Logger logger = Logger.getLogger("dev.embedpython.pool.InterpreterPool");
			logger.addHandler(handler);
			Stream<Integer> leaked = context.getBean(Rows.class).numbers(10);
			try {
				assertThat(reported.await(30, TimeUnit.SECONDS)).as("leak reported").isTrue();
			}
			finally {
				logger.removeHandler(handler);
				leaked.close();
			}
			assertThat(context.getBean(PythonPool.class).stats().active()).isZero();
		});
	}

	@Test
	void streamShouldBeConsumedOnTheThreadThatOpenedIt() {
		this.contextRunner.run((context) -> {
			PythonPool pool = context.getBean(PythonPool.class);
			ExecutorService other = Executors.newSingleThreadExecutor();
			try (Stream<Integer> numbers = context.getBean(Rows.class).numbers(10)) {
				Iterator<Integer> iterator = numbers.iterator();
				CompletableFuture<Integer> elsewhere = CompletableFuture.supplyAsync(iterator::next, other);
				assertThat(elsewhere).failsWithin(Duration.ofSeconds(30))
					.withThrowableOfType(ExecutionException.class)
					.withCauseInstanceOf(IllegalStateException.class);
				assertThat(pool.stats().active()).isEqualTo(1);
			}
			finally {
				other.shutdown();
			}
			assertThat(pool.stats().active()).isZero();
		});
	}

}
