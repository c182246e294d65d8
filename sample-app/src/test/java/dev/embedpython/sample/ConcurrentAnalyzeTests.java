package dev.embedpython.sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.embedpython.PythonPool;
import dev.embedpython.sample.analysis.TextAnalysis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many clients at once on the own-GIL pool: every response must be 200 and equal to the single-threaded answer
 * for its text, so interpreters neither mix up nor lose state under contention.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "python.pool.size=4")
class ConcurrentAnalyzeTests {

	private static final int CLIENTS = 32;

	private static final int REQUESTS_PER_CLIENT = 200;

	@LocalServerPort
	private int port;

	@Autowired
	private PythonPool pool;

	@Test
	void concurrentClientsGetTheSingleThreadedResults() throws Exception {
		Api api = new Api(this.port);
		// Texts of up to a few kilobytes: long enough to overlap in Python, short enough for 6,400 requests.
		List<String> texts = Texts.all().stream().filter((text) -> text.length() <= 5_000).toList();
		Map<String, TextAnalysis> reference = new LinkedHashMap<>();
		for (String text : texts) {
			ResponseEntity<TextAnalysis> response = api.post("/api/analyze", Map.of("text", text),
					TextAnalysis.class);
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
			reference.put(text, response.getBody());
		}
		AtomicInteger ok = new AtomicInteger();
		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int client = 0; client < CLIENTS; client++) {
				int offset = client;
				done.add(clients.submit(() -> {
					start.await();
					for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
						String text = texts.get((offset + i) % texts.size());
						ResponseEntity<TextAnalysis> response = api.post("/api/analyze", Map.of("text", text),
								TextAnalysis.class);
						if (response.getStatusCode() != HttpStatus.OK) {
							failures.add("status " + response.getStatusCode());
						}
						else if (!reference.get(text).equals(response.getBody())) {
							failures.add("expected " + reference.get(text) + " but got " + response.getBody());
						}
						else {
							ok.incrementAndGet();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(5, TimeUnit.MINUTES);
			}
		}
		finally {
			clients.shutdownNow();
		}
		assertThat(failures).as("failed requests (first ones)").isEmpty();
		assertThat(ok).hasValue(CLIENTS * REQUESTS_PER_CLIENT);
		// Four interpreters whatever the CPU count (the default is one per CPU: one on a one-CPU runner, where
		// nothing could mix up), and requests really were spread over several of them.
		assertThat(this.pool.stats().size()).isEqualTo(4);
		assertThat(this.pool.interpreters()).filteredOn((interpreter) -> interpreter.uses() > 0).hasSizeGreaterThan(1);
	}

}
