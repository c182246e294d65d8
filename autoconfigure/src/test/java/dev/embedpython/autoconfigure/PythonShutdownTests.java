package dev.embedpython.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonSession;
import dev.embedpython.PythonTimeoutException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drain-timeout fallback at shutdown: a call still running when the context closes gets until
 * {@code spring.lifecycle.timeout-per-shutdown-phase}, then is interrupted with {@code TimeoutError}, and the close
 * returns.
 */
class PythonShutdownTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@Test
	void closeWithACallRunningPastTheShutdownPhaseTimeoutShouldInterruptIt() throws Exception {
		CompletableFuture<Throwable> call = new CompletableFuture<>();
		AtomicLong closing = new AtomicLong();
		try (ServerSocket started = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			started.setSoTimeout(30_000);
			this.contextRunner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=500ms").run((context) -> {
				PythonPool pool = context.getBean(PythonPool.class);
				assertThat(pool.options().drainTimeout()).isEqualTo(Duration.ofMillis(500));
				Thread caller = new Thread(() -> {
					try (PythonSession session = pool.acquire()) {
						// Tell the test the loop is about to run, then never finish on its own.
						session.exec("import socket\nsocket.create_connection(('127.0.0.1', " + started.getLocalPort()
								+ ")).close()\nwhile True:\n    pass\n");
						call.complete(null);
					}
					catch (Throwable ex) {
						call.complete(ex);
					}
				});
				caller.start();
				try (Socket signal = started.accept()) {
					assertThat(signal.isConnected()).isTrue();
				}
				closing.set(System.nanoTime());
			});
		}
		long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing.get());
		assertThat(call.get(30, TimeUnit.SECONDS)).isInstanceOf(PythonTimeoutException.class)
			.hasMessageContaining("drain timeout");
		// 500 ms of drain, then the interrupt: far from the 10 s default drain.
		assertThat(closeMillis).isGreaterThanOrEqualTo(450).isLessThan(8_000);
	}

}
