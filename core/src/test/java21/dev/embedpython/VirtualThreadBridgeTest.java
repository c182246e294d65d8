package dev.embedpython;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A virtual thread's calls run on the interpreter's platform worker: what Python logs, prints and calls there
 * carries the virtual thread's context, and a Java callable runs on the worker with that context restored.
 */
class VirtualThreadBridgeTest {

	@Test
	void logsOutputAndCallablesOfAVirtualThreadsCallCarryItsContext() throws Exception {
		RecordingSink sink = new RecordingSink(Level.TRACE);
		List<String> seenByCallable = java.util.Collections.synchronizedList(new ArrayList<>());
		try (PythonRuntime runtime = TestRuntimes.start();
				PythonPool pool = runtime.newPool(PoolOptions.builder()
					.name("virtual-bridge")
					.size(2)
					.logSink(sink)
					.contextPropagator(RequestContext.PROPAGATOR)
					.callable("whoami", (call) -> {
						seenByCallable.add(RequestContext.current() + " on " + Thread.currentThread().getName()
								+ (Thread.currentThread().isVirtual() ? " (virtual)" : ""));
						return call.session().eval("'nested in ' + str(" + call.argument(0) + ")", String.class);
					})
					.initScript("""
							import logging
							from _embedpython import java
							log = logging.getLogger('app.virtual')
							def handle(n):
							    log.info('request %d', n)
							    print('printed', n)
							    return java.whoami(n)
							""")
					.build());
				ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<String>> futures = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				int n = i;
				futures.add(executor.submit(() -> {
					RequestContext.set("virtual-" + n);
					return pool.execute((session) -> session.call(String.class, "__main__", "handle", n));
				}));
			}
			for (int i = 0; i < futures.size(); i++) {
				assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("nested in " + i);
			}
		}
		assertThat(sink.entries("python.app.virtual")).hasSize(20).allSatisfy((entry) -> {
			assertThat(entry.message()).isEqualTo("request " + entry.requestId().substring("virtual-".length()));
			assertThat(entry.javaThread()).startsWith("python-worker-virtual-bridge-");
		});
		assertThat(sink.entries("python.stdout")).hasSize(20).allSatisfy((entry) -> assertThat(entry.message())
			.isEqualTo("printed " + entry.requestId().substring("virtual-".length())));
		assertThat(seenByCallable).hasSize(20).allSatisfy((seen) -> assertThat(seen).startsWith("virtual-")
			.contains(" on python-worker-virtual-bridge-").doesNotContain("(virtual)"));
	}

}
