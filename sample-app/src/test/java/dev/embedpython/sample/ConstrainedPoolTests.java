package dev.embedpython.sample;

import java.util.Map;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonSession;
import dev.embedpython.sample.analysis.AnalyzeRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 503 responses, against a context whose pool has one interpreter, a short acquire timeout and a call timeout
 * far below the time Python needs for the longest text accepted (about half a second).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "python.pool.size=1", "python.pool.acquire-timeout=300ms",
				"python.pool.call-timeout=50ms" })
class ConstrainedPoolTests {

	@LocalServerPort
	private int port;

	@Autowired
	private PythonPool pool;

	private Api api;

	@BeforeEach
	void createClient() {
		this.api = new Api(this.port);
	}

	@Test
	void callOverTheTimeoutIsServiceUnavailableAndTheInterpreterRecovers() {
		// About 130,000 mostly distinct words: the per-word loops are pure Python, which a timeout interrupts.
		String text = Texts.generated(1, AnalyzeRequest.MAX_TEXT_LENGTH - 16);
		ResponseEntity<Map<String, Object>> response = this.api.post("/api/analyze", Map.of("text", text));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).containsEntry("pythonType", "TimeoutError")
			.containsEntry("title", "Python call timed out");
		assertThat(response.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
		assertThat(this.pool.stats().timeouts()).isPositive();
		assertThat(this.api.post("/api/analyze", Map.of("text", "Still alive.")).getStatusCode())
			.isEqualTo(HttpStatus.OK);
	}

	@Test
	@SuppressWarnings("try") // the session is held only to keep the pool's one interpreter busy
	void noFreeInterpreterIsServiceUnavailableWithRetryAfter() {
		ResponseEntity<Map<String, Object>> response;
		try (PythonSession busy = this.pool.acquire()) {
			assertThat(this.pool.stats().idle()).isZero();
			response = this.api.post("/api/analyze", Map.of("text", "Anyone there?"));
		}
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(response.getBody()).containsEntry("title", "Python pool exhausted")
			.doesNotContainKey("pythonType");
		assertThat(this.api.post("/api/analyze", Map.of("text", "Free again.")).getStatusCode())
			.isEqualTo(HttpStatus.OK);
	}

}
