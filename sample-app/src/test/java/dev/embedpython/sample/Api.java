package dev.embedpython.sample;

import java.util.Map;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * A real HTTP client for the running test server: error statuses are returned, not thrown, so tests assert on
 * them.
 */
final class Api {

	static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final RestClient client;

	Api(int port) {
		this.client = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	RestClient client() {
		return this.client;
	}

	<T> ResponseEntity<T> post(String path, Object body, Class<T> type) {
		return this.client.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.toEntity(type);
	}

	ResponseEntity<Map<String, Object>> post(String path, Object body) {
		return this.client.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.toEntity(JSON_OBJECT);
	}

	ResponseEntity<Map<String, Object>> postRaw(String path, String body, MediaType contentType) {
		return this.client.post().uri(path).contentType(contentType).body(body).retrieve().toEntity(JSON_OBJECT);
	}

	ResponseEntity<Map<String, Object>> get(String path) {
		return this.client.get().uri(path).retrieve().toEntity(JSON_OBJECT);
	}

	String getText(String path) {
		String body = this.client.get().uri(path).accept(MediaType.TEXT_PLAIN).retrieve().body(String.class);
		return (body != null) ? body : "";
	}

	/**
	 * The number of Python calls the Prometheus scrape of this (management) port has counted.
	 * @return the sum of {@code python_calls_seconds_count} over its tags, 0 before the first call
	 */
	double pythonCallCount() {
		return getText("/actuator/prometheus").lines()
			.filter((line) -> line.startsWith("python_calls_seconds_count"))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

}
