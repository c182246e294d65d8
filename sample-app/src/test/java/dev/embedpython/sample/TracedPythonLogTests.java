package dev.embedpython.sample;

import java.util.Map;

import dev.embedpython.sample.analysis.TextAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python analyzer's log line is an application log line: logger {@code python.textanalytics.analyze}, with the
 * trace id of the request (Micrometer Tracing with Brave, here continuing a W3C {@code traceparent}) that the call
 * carried into Python; the readability level comes from a Java bean that the Python code calls.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class TracedPythonLogTests {

	private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	@LocalServerPort
	private int port;

	@Test
	void thePythonLogLineCarriesTheTraceIdOfTheRequest(CapturedOutput output) {
		ResponseEntity<TextAnalysis> response = new Api(this.port).client()
			.post()
			.uri("/api/analyze")
			.contentType(MediaType.APPLICATION_JSON)
			.header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
			.body(Map.of("text", Texts.ENGLISH))
			.retrieve()
			.toEntity(TextAnalysis.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).isNotNull().extracting(TextAnalysis::level).isEqualTo("easy");
		assertThat(output.getOut().lines()
			.filter((line) -> line.contains("python.textanalytics.analyze") && line.contains("analyzed 31 words")))
			.singleElement()
			.asString()
			.contains(TRACE_ID)
			.contains("INFO");
	}

}
