package dev.embedpython;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link PythonPool#tryAcquire(Duration)}, {@link PythonPool#probe(Duration)} and several {@link PoolListener}s,
 * against real CPython.
 */
class PoolProbeAndListenersTest {

	private static PythonRuntime runtime;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
	}

	@AfterAll
	static void stop() {
		runtime.close();
	}

	private static PythonPool pool(String name, PoolOptions.Builder builder) {
		return runtime.newPool(builder.name(name).size(1).build());
	}

	@Test
	void tryAcquireShouldLendAnIdleInterpreterAndCountTheUse() {
		try (PythonPool pool = pool("try-idle", PoolOptions.builder())) {
			AtomicInteger acquired = new AtomicInteger();
			pool.addPoolListener(new PoolListener() {

				@Override
				public void acquired(long waitedNanos) {
					acquired.incrementAndGet();
				}

			});
			try (PythonSession session = pool.tryAcquire(Duration.ZERO)) {
				assertThat(session).isNotNull();
				assertThat(session.eval("6 * 7")).isEqualTo(42L);
			}
			assertThat(acquired).hasValue(1);
			assertThat(pool.interpreters()).singleElement().extracting(InterpreterInfo::uses).isEqualTo(1L);
		}
	}

	@Test
	@SuppressWarnings("try") // the session is held only to keep the pool's one interpreter busy
	void tryAcquireWhenBusyShouldAnswerNullWithinItsTimeout() {
		try (PythonPool pool = pool("try-busy", PoolOptions.builder().acquireTimeout(Duration.ofSeconds(30)))) {
			AtomicInteger timedOut = new AtomicInteger();
			pool.addPoolListener(new PoolListener() {

				@Override
				public void acquireTimedOut(long waitedNanos) {
					timedOut.incrementAndGet();
				}

			});
			try (PythonSession busy = pool.acquire()) {
				long start = System.nanoTime();
				assertThat(pool.tryAcquire(Duration.ofMillis(50))).isNull();
				long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				assertThat(elapsedMillis).isGreaterThanOrEqualTo(45).isLessThan(5_000);
				assertThat(pool.tryAcquire(Duration.ZERO)).isNull();
				assertThat(pool.probe(Duration.ofMillis(10))).isFalse();
			}
			assertThat(timedOut).hasValue(0);
			assertThat(pool.stats().pending()).isZero();
		}
	}

	@Test
	void tryAcquireWhenInterruptedShouldAnswerNullAndKeepTheFlag() {
		try (PythonPool pool = pool("try-interrupted", PoolOptions.builder())) {
			try (PythonSession busy = pool.acquire()) {
				Thread.currentThread().interrupt();
				try {
					assertThat(pool.tryAcquire(Duration.ofSeconds(30))).isNull();
					assertThat(Thread.currentThread().isInterrupted()).isTrue();
				}
				finally {
					Thread.interrupted();
				}
				assertThat(busy.eval("1")).isEqualTo(1L);
			}
		}
	}

	@Test
	void tryAcquireAndProbeOnAClosedPoolShouldFail() {
		PythonPool pool = pool("try-closed", PoolOptions.builder());
		pool.close();
		assertThatIllegalStateException().isThrownBy(() -> pool.tryAcquire(Duration.ZERO))
			.withMessageContaining("try-closed");
		assertThatIllegalStateException().isThrownBy(() -> pool.probe(Duration.ZERO))
			.withMessageContaining("try-closed");
	}

	@Test
	void probeShouldNotBeObservedListenedToNorCountedAsAUse() {
		try (PythonPool pool = pool("probe", PoolOptions.builder().maxUses(1))) {
			List<String> observed = new CopyOnWriteArrayList<>();
			pool.setCallObserver((name, function) -> {
				observed.add(function);
				return (outcome, error) -> {
				};
			});
			List<String> events = new CopyOnWriteArrayList<>();
			pool.setPoolListener(new RecordingListener("primary", events));
			for (int i = 0; i < 3; i++) {
				assertThat(pool.probe(Duration.ofSeconds(1))).isTrue();
			}
			assertThat(observed).isEmpty();
			assertThat(events).isEmpty();
			// max-uses=1 would have recycled the interpreter after a counted use.
			assertThat(pool.interpreters()).singleElement().satisfies((info) -> {
				assertThat(info.uses()).isZero();
				assertThat(info.state()).isEqualTo("idle");
			});
			assertThat(pool.stats().recycled()).isZero();
			pool.execute((session) -> session.eval("1"));
			assertThat(observed).containsExactly("<eval>");
			// The call is a use: with max-uses=1 its interpreter is replaced on the creator thread, which may report
			// the recycling before or after this line.
			assertThat(events).startsWith("primary:acquired")
				.isSubsetOf("primary:acquired", "primary:recycled:max-uses");
		}
	}

	@Test
	void everyListenerShouldReceiveEventsInOrderUntilRemoved() {
		List<String> events = new CopyOnWriteArrayList<>();
		PythonPool pool = pool("listeners", PoolOptions.builder());
		RecordingListener first = new RecordingListener("first", events);
		RecordingListener second = new RecordingListener("second", events);
		pool.addPoolListener(first);
		pool.setPoolListener(new RecordingListener("primary", events));
		pool.addPoolListener(second);
		pool.addPoolListener(second);
		pool.execute((session) -> session.eval("1"));
		assertThat(events).containsExactly("primary:acquired", "first:acquired", "second:acquired");
		events.clear();
		pool.removePoolListener(first);
		pool.setPoolListener(null);
		pool.close();
		assertThat(events).containsExactly("second:closed");
	}

	@Test
	void aFailingListenerShouldNotKeepEventsFromTheOthers() {
		List<String> events = new CopyOnWriteArrayList<>();
		try (PythonPool pool = pool("failing-listener", PoolOptions.builder())) {
			pool.addPoolListener(new PoolListener() {

				@Override
				public void acquired(long waitedNanos) {
					throw new IllegalStateException("broken listener");
				}

			});
			pool.addPoolListener(new RecordingListener("ok", events));
			Object two = pool.execute((session) -> session.eval("2"));
			assertThat(two).isEqualTo(2L);
		}
		assertThat(events).containsExactly("ok:acquired", "ok:closed");
	}

	private record RecordingListener(String name, List<String> events) implements PoolListener {

		@Override
		public void acquired(long waitedNanos) {
			this.events.add(this.name + ":acquired");
		}

		@Override
		public void recycled(String reason) {
			this.events.add(this.name + ":recycled:" + reason);
		}

		@Override
		public void closed() {
			this.events.add(this.name + ":closed");
		}

	}

}
