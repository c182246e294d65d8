package dev.embedpython.sample;

import java.util.Map;
import java.util.stream.Stream;

import dev.embedpython.sample.analysis.TextAnalysis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python module and its Java baseline must agree exactly, or the throughput comparison compares different
 * work.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class AnalyzerAgreementTests {

	@LocalServerPort
	private int port;

	private Api api;

	@BeforeEach
	void createClient() {
		this.api = new Api(this.port);
	}

	static Stream<String> texts() {
		return Texts.all().stream();
	}

	@ParameterizedTest
	@MethodSource("texts")
	void pythonAndJavaAgree(String text) {
		ResponseEntity<TextAnalysis> python = this.api.post("/api/analyze", Map.of("text", text),
				TextAnalysis.class);
		ResponseEntity<TextAnalysis> java = this.api.post("/api/analyze-java", Map.of("text", text),
				TextAnalysis.class);
		assertThat(python.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(java.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(java.getBody()).isNotNull().isEqualTo(python.getBody());
	}

}
