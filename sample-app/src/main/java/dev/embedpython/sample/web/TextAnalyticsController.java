package dev.embedpython.sample.web;

import java.util.Map;
import java.util.Objects;

import dev.embedpython.sample.analysis.AnalyzeRequest;
import dev.embedpython.sample.analysis.JavaTextAnalyzer;
import dev.embedpython.sample.analysis.PythonTextAnalyzer;
import dev.embedpython.sample.analysis.TextAnalysis;
import dev.embedpython.sample.render.RenderRequest;
import dev.embedpython.sample.render.RenderedText;
import dev.embedpython.sample.render.TemplateRenderer;
import dev.embedpython.sample.similarity.PythonSimilarity;
import dev.embedpython.sample.similarity.Similarity;
import dev.embedpython.sample.similarity.SimilarityRequest;
import jakarta.validation.Valid;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The service's endpoints. Request bodies are validated before any Python runs; errors become
 * {@code ProblemDetail} responses in {@link ApiExceptionHandler}.
 * <p>
 * Thread contract: stateless; request threads call it at once.
 */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
class TextAnalyticsController {

	private final PythonTextAnalyzer pythonAnalyzer;

	private final JavaTextAnalyzer javaAnalyzer;

	private final TemplateRenderer renderer;

	private final PythonSimilarity similarity;

	TextAnalyticsController(PythonTextAnalyzer pythonAnalyzer, JavaTextAnalyzer javaAnalyzer,
			TemplateRenderer renderer, PythonSimilarity similarity) {
		this.similarity = similarity;
		this.pythonAnalyzer = pythonAnalyzer;
		this.javaAnalyzer = javaAnalyzer;
		this.renderer = renderer;
	}

	@PostMapping(path = "/analyze", consumes = MediaType.APPLICATION_JSON_VALUE)
	TextAnalysis analyze(@Valid @RequestBody AnalyzeRequest request) {
		return this.pythonAnalyzer.analyze(Objects.requireNonNull(request.text()));
	}

	@PostMapping(path = "/analyze-java", consumes = MediaType.APPLICATION_JSON_VALUE)
	TextAnalysis analyzeInJava(@Valid @RequestBody AnalyzeRequest request) {
		return this.javaAnalyzer.analyze(Objects.requireNonNull(request.text()));
	}

	@PostMapping(path = "/render", consumes = MediaType.APPLICATION_JSON_VALUE)
	RenderedText render(@Valid @RequestBody RenderRequest request) {
		Map<String, String> values = (request.values() != null) ? request.values() : Map.of();
		return this.renderer.render(Objects.requireNonNull(request.template()), values);
	}

	@PostMapping(path = "/similarity", consumes = MediaType.APPLICATION_JSON_VALUE)
	Similarity similarity(@Valid @RequestBody SimilarityRequest request) {
		return this.similarity.compare(Objects.requireNonNull(request.texts()));
	}

}
