package dev.embedpython.sample;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.embedpython.sample.similarity.JavaSimilarity;
import dev.embedpython.sample.similarity.Similarity;
import dev.embedpython.sample.similarity.SimilarityRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code POST /api/similarity}: numpy (from Maven, on the {@code numeric} pool of the main interpreter) computes the
 * TF-IDF cosine similarity matrix, which reaches Java as a {@code double[][]}; it must match the plain-Java
 * computation.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SimilarityTests {

	@LocalServerPort
	private int port;

	@Autowired
	private JavaSimilarity java;

	private Api api;

	@BeforeEach
	void createClient() {
		this.api = new Api(this.port);
	}

	@Test
	void numpyMatrixOverHttpMatchesTheJavaComputation() {
		List<String> texts = List.of("The cat sat on the mat.", "A cat and a dog sat on a mat!",
				"Stock markets fell sharply today.", "", "Markets: stocks fell, the dog slept.");
		texts = new ArrayList<>(texts);
		Texts.all().stream().filter((text) -> text.length() <= SimilarityRequest.MAX_TEXT_LENGTH).forEach(texts::add);
		ResponseEntity<String> raw = this.api.post("/api/similarity", Map.of("texts", texts), String.class);
		assertThat(raw.getStatusCode()).as(raw.getBody()).isEqualTo(HttpStatus.OK);
		ResponseEntity<Similarity> response = this.api.post("/api/similarity", Map.of("texts", texts),
				Similarity.class);
		Similarity python = response.getBody();
		Similarity expected = this.java.compare(texts);
		assertThat(python.texts()).isEqualTo(texts.size());
		assertThat(python.matrix()).hasNumberOfRows(texts.size());
		for (int i = 0; i < texts.size(); i++) {
			for (int j = 0; j < texts.size(); j++) {
				assertThat(python.matrix()[i][j]).as("[%d][%d]", i, j).isCloseTo(expected.matrix()[i][j], within(1e-12));
			}
		}
		assertThat(python.matrix()[0][0]).isCloseTo(1.0, within(1e-12));
		assertThat(python.matrix()[0][1]).isBetween(0.3, 0.99);
		assertThat(python.matrix()[0][2]).isZero();
		assertThat(python.matrix()[3][3]).as("no words: a zero vector").isZero();
	}

	@Test
	void tooManyTextsAreRefusedBeforePythonRuns() {
		List<String> texts = Collections.nCopies(101, "a");
		ResponseEntity<String> response = this.api.post("/api/similarity", Map.of("texts", texts), String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
	}

}
