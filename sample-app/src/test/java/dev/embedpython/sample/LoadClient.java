package dev.embedpython.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop HTTP load generator for {@code load-test.sh}: a fixed number of clients POST one JSON body until a
 * fixed number of requests has been sent, then it prints throughput, latency percentiles and errors. JDK only, so
 * it runs as a single source file: {@code java LoadClient.java --url ... --body-file ...}.
 * <p>
 * Output: a human-readable line and a {@code RESULT label rps p50_ms p99_ms errors} line for scripts.
 */
public final class LoadClient {

	private LoadClient() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = parse(args);
		URI url = URI.create(required(options, "url"));
		String label = options.getOrDefault("label", url.getPath());
		byte[] body = Files.readAllBytes(Path.of(required(options, "body-file")));
		int requests = Integer.parseInt(options.getOrDefault("requests", "10000"));
		int warmup = Integer.parseInt(options.getOrDefault("warmup", "1000"));
		int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "16"));
		Duration timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("timeout-seconds", "10")));
		if (requests < 1 || warmup < 0 || concurrency < 1) {
			throw new IllegalArgumentException("Need --requests >= 1, --warmup >= 0 and --concurrency >= 1");
		}
		if (!"127.0.0.1".equals(url.getHost()) && !"localhost".equals(url.getHost())) {
			throw new IllegalArgumentException("--url must be a loopback address, not " + url.getHost());
		}
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(timeout)
			.build();
		HttpRequest request = HttpRequest.newBuilder(url)
			.timeout(timeout)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build();
		if (warmup > 0) {
			run(client, request, warmup, concurrency);
		}
		Result result = run(client, request, requests, concurrency);
		System.out.printf(Locale.ROOT,
				"%-14s %7d requests, %3d clients: %9.1f req/s  p50 %7.3f ms  p99 %7.3f ms  errors %d%n", label, requests, concurrency, result.requestsPerSecond(), result.p50Millis(), result.p99Millis(),
				result.errors());
		System.out.printf(Locale.ROOT, "RESULT %s %.1f %.3f %.3f %d%n", label, result.requestsPerSecond(),
				result.p50Millis(), result.p99Millis(), result.errors());
	}

	private static Result run(HttpClient client, HttpRequest request, int requests, int concurrency)
			throws Exception {
		AtomicInteger next = new AtomicInteger();
		AtomicInteger errors = new AtomicInteger();
		long[] latencies = new long[requests];
		ExecutorService pool = Executors.newFixedThreadPool(concurrency);
		long start = System.nanoTime();
		try {
			List<Future<?>> clients = new ArrayList<>();
			for (int i = 0; i < concurrency; i++) {
				clients.add(pool.submit(() -> {
					for (int n = next.getAndIncrement(); n < requests; n = next.getAndIncrement()) {
						long sent = System.nanoTime();
						try {
							HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
							if (response.statusCode() != 200) {
								errors.incrementAndGet();
							}
						}
						catch (IOException ex) {
							errors.incrementAndGet();
						}
						latencies[n] = System.nanoTime() - sent;
					}
					return null;
				}));
			}
			for (Future<?> future : clients) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
			pool.awaitTermination(10, TimeUnit.SECONDS);
		}
		long elapsed = System.nanoTime() - start;
		Arrays.sort(latencies);
		return new Result(requests * 1e9 / elapsed, percentile(latencies, 0.50) / 1e6,
				percentile(latencies, 0.99) / 1e6, errors.get());
	}

	private static long percentile(long[] sorted, double fraction) {
		int index = (int) Math.ceil(fraction * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
	}

	private static Map<String, String> parse(String[] args) {
		if (args.length % 2 != 0) {
			throw new IllegalArgumentException("Expected --name value pairs, got " + Arrays.toString(args));
		}
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i += 2) {
			if (!args[i].startsWith("--")) {
				throw new IllegalArgumentException("Expected --name value pairs, got " + args[i]);
			}
			options.put(args[i].substring(2), args[i + 1]);
		}
		return options;
	}

	private static String required(Map<String, String> options, String name) {
		String value = options.get(name);
		if (value == null) {
			throw new IllegalArgumentException("Missing --" + name);
		}
		return value;
	}

	private record Result(double requestsPerSecond, double p50Millis, double p99Millis, int errors) {
	}

}
