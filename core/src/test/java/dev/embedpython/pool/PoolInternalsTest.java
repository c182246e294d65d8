package dev.embedpython.pool;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.embedpython.PoolOptions;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonSession;
import dev.embedpython.RuntimeOptions;
import dev.embedpython.interpreter.Interpreter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool's internals that the public API cannot show: the entry state machine (every transition a
 * compare-and-set that never overwrites another thread's), helper threads that stay stopped, and interpreters that
 * become unreachable once ended.
 */
class PoolInternalsTest {

	private static PythonRuntime runtime;

	@BeforeAll
	static void start() {
		String cache = System.getProperty("embedpython.test.cache", "target/embedpython-cache");
		runtime = PythonRuntime.start(RuntimeOptions.builder().cacheDir(Path.of(cache)).build());
	}

	@AfterAll
	static void stop() {
		runtime.close();
	}

	@Test
	void stuckIsMarkedOnlyForTheCallStillRunning() {
		PoolEntry entry = new PoolEntry(null, "unit");
		assertThat(entry.tryBorrow()).isTrue();
		long seq = entry.callSeq();
		// The housekeeper saw call `seq` overrunning; it ended (and the next started) before the mark.
		entry.callEnded();
		assertThat(entry.markStuck(seq)).isFalse();
		assertThat(entry.state()).isEqualTo(PoolEntry.IN_USE);
		assertThat(entry.markStuck(entry.callSeq())).isTrue();
		assertThat(entry.state()).isEqualTo(PoolEntry.STUCK);
	}

	@Test
	void givingBackNeverOverwritesStuck() {
		PoolEntry entry = new PoolEntry(null, "unit");
		assertThat(entry.tryBorrow()).isTrue();
		assertThat(entry.markStuck(entry.callSeq())).isTrue();
		// The session returns it as if idle: the stuck mark wins and the entry retires (its replacement serves).
		assertThat(entry.giveBack(PoolEntry.IDLE, false)).isEqualTo(PoolEntry.STUCK);
		assertThat(entry.state()).isEqualTo(PoolEntry.RETIRING);
		assertThat(entry.tryBorrow()).isFalse();
		// A second give-back (a reclaimed session) changes nothing.
		assertThat(entry.giveBack(PoolEntry.IDLE, false)).isEqualTo(PoolEntry.RETIRING);
		assertThat(entry.close()).isTrue();
		assertThat(entry.close()).isFalse();
	}

	@Test
	void borrowIsExclusive() {
		PoolEntry entry = new PoolEntry(null, "unit");
		assertThat(entry.tryBorrow()).isTrue();
		assertThat(entry.tryBorrow()).isFalse();
		assertThat(entry.retireIdle()).isFalse();
		assertThat(entry.giveBack(PoolEntry.IDLE, false)).isEqualTo(PoolEntry.IN_USE);
		assertThat(entry.retireIdle()).isTrue();
		assertThat(entry.tryBorrow()).isFalse();
	}

	@Test
	void stoppedHelpersAreNeverStartedAgain() {
		PoolEntry entry = new PoolEntry(null, "unit");
		entry.stopHelpers();
		assertThat(entry.watchdog()).isNull();
	}

	@Test
	void endedInterpretersBecomeUnreachable() {
		List<WeakReference<Interpreter>> seen = new ArrayList<>();
		try (InterpreterPool pool = (InterpreterPool) runtime
			.newPool(PoolOptions.builder().name("recycled").size(1).build())) {
			for (int i = 0; i < 41; i++) {
				for (Interpreter interpreter : pool.interpreterObjects()) {
					seen.add(new WeakReference<>(interpreter));
				}
				try (PythonSession session = pool.acquire()) {
					assertThat(session.eval("6 * 7", Long.class)).isEqualTo(42L);
				}
				pool.recycle();
				awaitRecycled(pool, i + 1);
			}
			// One more call on this thread releases its thread state of the last retired interpreter.
			try (PythonSession session = pool.acquire()) {
				session.eval("1");
			}
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			long alive;
			do {
				System.gc();
				alive = seen.stream().filter((ref) -> ref.get() != null).count();
			}
			while (alive > 2 && System.nanoTime() < deadline && pause());
			// The current interpreter and at most the one retired last (its end may still be under way).
			assertThat(alive).as("Interpreter objects still reachable after 41 recycles").isLessThanOrEqualTo(2);
		}
	}

	private static void awaitRecycled(InterpreterPool pool, long recycled) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (pool.stats().recycled() < recycled || pool.stats().idle() < 1) {
			assertThat(System.nanoTime()).as("recycle %d done in time", recycled).isLessThan(deadline);
			pause();
		}
	}

	private static boolean pause() {
		java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
		return true;
	}

}
