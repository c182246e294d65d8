package dev.embedpython;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Virtual threads never attach a thread state: their calls run on the interpreter's platform worker, so a virtual
 * thread that parks (sleeps) between two calls of one session cannot move a thread state to another carrier, and
 * waiting for the worker does not pin the carrier.
 */
class VirtualThreadTest {

	private static final String PINNED = "jdk.VirtualThreadPinned";

	@Test
	void tenThousandVirtualThreadsCallThroughAPool(@TempDir Path dir) throws Exception {
		try (PythonRuntime runtime = TestRuntimes.start();
				PythonPool pool = runtime.newPool(PoolOptions.builder().name("virtual").size(4)
					.acquireTimeout(Duration.ofSeconds(120))
					.initScript("import threading\ndef ident():\n    return threading.get_native_id()\n"
							+ "def add(a, b):\n    return a + b\n")
					.build());
				Recording recording = new Recording()) {
			// The test's own helper is initialized here, not by the first virtual threads: a virtual thread that
			// waits for another's class initialization pins its carrier, which is not the engine's doing.
			long testThread = NativeThreads.currentId();
			assertThat(testThread).isPositive();
			// Every pinning of a carrier, however short: parking in a native frame or while holding a monitor.
			recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
			recording.start();
			AtomicInteger correct = new AtomicInteger();
			Set<Long> pythonThreads = ConcurrentHashMap.newKeySet();
			try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
				List<Future<?>> futures = new ArrayList<>();
				for (int i = 0; i < 10_000; i++) {
					int n = i;
					futures.add(executor.submit(() -> {
						try (PythonSession session = pool.acquire()) {
							Object first = session.call("__main__", "add", n, 1);
							long before = (Long) session.call("__main__", "ident");
							if (n % 10 == 0) {
								// Park the virtual thread between two calls of one session.
								Thread.sleep(1);
							}
							Object second = session.call("__main__", "add", n, 2);
							long after = (Long) session.call("__main__", "ident");
							// Both calls of the session ran on one OS thread, never the carrier's.
							if (Long.valueOf(n + 1L).equals(first) && Long.valueOf(n + 2L).equals(second)
									&& before == after && before != NativeThreads.currentId()) {
								correct.incrementAndGet();
							}
							pythonThreads.add(before);
						}
						return null;
					}));
				}
				for (Future<?> future : futures) {
					future.get(5, TimeUnit.MINUTES);
				}
			}
			recording.stop();
			assertThat(correct).hasValue(10_000);
			assertThat(pool.stats().active()).isZero();
			// The OS threads that ran Python are the interpreters' platform workers, at most one per interpreter.
			assertThat(pythonThreads).hasSizeBetween(1, 4)
				.allSatisfy((id) -> assertThat(NativeThreads.name(id)).startsWith("python-worker-"));
			Path file = dir.resolve("virtual.jfr");
			recording.dump(file);
			List<RecordedEvent> pinned = RecordingFile.readAllEvents(file)
				.stream()
				.filter((event) -> event.getEventType().getName().equals(PINNED))
				.filter((event) -> !isClassLoading(event))
				.toList();
			assertThat(pinned).as("carriers pinned while waiting for Python").isEmpty();
			Files.deleteIfExists(file);
		}
	}

	@Test
	void virtualThreadSeesTheSameErrorsAndTimeouts() throws Exception {
		try (PythonRuntime runtime = TestRuntimes.start();
				PythonPool pool = runtime.newPool(PoolOptions.builder().name("virtual-errors").size(1)
					.callTimeout(Duration.ofMillis(300)).build())) {
			CompletableFuture<List<Object>> outcome = new CompletableFuture<>();
			Thread thread = Thread.ofVirtual().start(() -> {
				try (PythonSession session = pool.acquire()) {
					List<Object> seen = new ArrayList<>();
					seen.add(outcomeOf(() -> session.eval("1 / 0")));
					seen.add(outcomeOf(() -> session.exec("while True:\n    pass\n")));
					seen.add(session.eval("2 + 2", Long.class));
					outcome.complete(seen);
				}
				catch (Throwable ex) {
					outcome.completeExceptionally(ex);
				}
			});
			List<Object> seen = outcome.get(60, TimeUnit.SECONDS);
			assertThat(thread.join(Duration.ofSeconds(10))).isTrue();
			assertThat(seen.get(0)).isInstanceOfSatisfying(PythonException.class,
					(ex) -> assertThat(ex.pythonType()).isEqualTo("ZeroDivisionError"));
			assertThat(seen.get(1)).isInstanceOfSatisfying(PythonTimeoutException.class,
					(ex) -> assertThat(ex.pythonType()).isEqualTo("TimeoutError"));
			assertThat(seen.get(2)).isEqualTo(4L);
			assertThat(pool.stats().timeouts()).isEqualTo(1);
		}
	}

	/**
	 * Whether a pinning happened inside class loading, which the JDK cannot unmount from (a JDK limitation the
	 * engine cannot avoid, seen the first time a code path runs), rather than in the engine's own waiting.
	 */
	private static boolean isClassLoading(RecordedEvent event) {
		return event.getStackTrace() != null && event.getStackTrace()
			.getFrames()
			.stream()
			.anyMatch((frame) -> frame.getMethod().getType().getName().startsWith("jdk.internal.loader.")
					|| frame.getMethod().getName().equals("loadClass"));
	}

	/** What a call ended with: its exception, or a marker that there was none. */
	private static Object outcomeOf(Runnable call) {
		try {
			call.run();
			return "no exception";
		}
		catch (RuntimeException ex) {
			return ex;
		}
	}

}
