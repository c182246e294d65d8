package dev.embedpython.sample;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.embedpython.sample.analysis.AnalyzeRequest;
import dev.embedpython.sample.analysis.TextAnalysis;
import dev.embedpython.sample.render.RenderRequest;
import dev.embedpython.sample.render.RenderedText;
import dev.embedpython.sample.render.TemplateRenderer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.api.InstanceOfAssertFactory;
import org.assertj.core.api.MapAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.INTEGER;

/**
 * Every endpoint over real HTTP against the application as configured by its own {@code application.yml}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	private static final InstanceOfAssertFactory<?, MapAssert<String, Object>> JSON_OBJECT = InstanceOfAssertFactories
		.map(String.class, Object.class);

	@LocalServerPort
	private int port;

	@LocalManagementPort
	private int managementPort;

	private Api api;

	private Api management;

	@BeforeEach
	void createClient() {
		this.api = new Api(this.port);
		this.management = new Api(this.managementPort);
	}

	@Test
	void analyzeReturnsStatisticsComputedByPython() {
		ResponseEntity<TextAnalysis> response = this.api.post("/api/analyze", Map.of("text", Texts.ENGLISH),
				TextAnalysis.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		TextAnalysis analysis = response.getBody();
		assertThat(analysis).isNotNull();
		assertThat(analysis).isEqualTo(new TextAnalysis(31, 24, 4, 42, 84.3, "easy",
				new TextAnalysis.Language("en", 0.39),
				List.of(new TextAnalysis.Term("dog", 2), new TextAnalysis.Term("affair", 1),
						new TextAnalysis.Term("amused", 1), new TextAnalysis.Term("bones", 1),
						new TextAnalysis.Term("brown", 1))));
	}

	@Test
	void analyzeGuessesLanguages() {
		assertThat(language(Texts.FRENCH)).isEqualTo("fr");
		assertThat(language(Texts.GERMAN)).isEqualTo("de");
		assertThat(language(Texts.SPANISH)).isEqualTo("es");
		assertThat(language(Texts.ITALIAN)).isEqualTo("it");
		assertThat(language(Texts.NO_WORDS)).isEqualTo("und");
	}

	private String language(String text) {
		TextAnalysis analysis = this.api.post("/api/analyze", Map.of("text", text), TextAnalysis.class).getBody();
		assertThat(analysis).isNotNull();
		return analysis.language().code();
	}

	@Test
	void analyzeJavaReturnsTheSameResultAsPython() {
		TextAnalysis python = this.api.post("/api/analyze", Map.of("text", Texts.FRENCH), TextAnalysis.class)
			.getBody();
		ResponseEntity<TextAnalysis> java = this.api.post("/api/analyze-java", Map.of("text", Texts.FRENCH),
				TextAnalysis.class);
		assertThat(java.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(java.getBody()).isNotNull().isEqualTo(python);
	}

	@Test
	void analyzeWithMalformedJsonIsBadRequest() {
		ResponseEntity<Map<String, Object>> response = this.api.postRaw("/api/analyze", "{\"text\": ",
				MediaType.APPLICATION_JSON);
		assertProblem(response, HttpStatus.BAD_REQUEST);
	}

	@Test
	void analyzeWithoutTextIsBadRequestNamingTheField() {
		ResponseEntity<Map<String, Object>> response = this.api.post("/api/analyze", Map.of("txt", "typo"));
		assertProblem(response, HttpStatus.BAD_REQUEST);
		assertThat(response.getBody()).extractingByKey("errors")
			.asInstanceOf(InstanceOfAssertFactories.LIST)
			.singleElement()
			.isEqualTo(Map.of("field", "text", "message", "must not be blank"));
	}

	@Test
	void analyzeWithBlankTextIsBadRequest() {
		assertProblem(this.api.post("/api/analyze", Map.of("text", " \n\t ")), HttpStatus.BAD_REQUEST);
		assertProblem(this.api.post("/api/analyze-java", Map.of("text", "")), HttpStatus.BAD_REQUEST);
	}

	@Test
	void analyzeWithTooLongTextIsBadRequest() {
		String text = "a".repeat(AnalyzeRequest.MAX_TEXT_LENGTH + 1);
		assertProblem(this.api.post("/api/analyze", Map.of("text", text)), HttpStatus.BAD_REQUEST);
	}

	@Test
	void analyzeWithWrongTypeIsBadRequest() {
		assertProblem(this.api.post("/api/analyze", Map.of("text", List.of("not", "a", "string"))),
				HttpStatus.BAD_REQUEST);
	}

	@Test
	void analyzeAsPlainTextIsUnsupportedMediaType() {
		assertProblem(this.api.postRaw("/api/analyze", "hello", MediaType.TEXT_PLAIN),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE);
	}

	@Test
	void renderReturnsTheDictAsARecord() {
		ResponseEntity<RenderedText> response = this.api.post("/api/render",
				Map.of("template", "Dear $name, order ${order} ships today and costs $$5 less.", "values",
						Map.of("name", "Ada", "order", "A-17")),
				RenderedText.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).isEqualTo(new RenderedText(
				"Dear Ada, order A-17 ships today and costs $5 less.", List.of("name", "order"), 51));
	}

	@Test
	void renderCountsCodePoints() {
		RenderedText rendered = this.api
			.post("/api/render", Map.of("template", "$who 😀", "values", Map.of("who", "Zoë")), RenderedText.class)
			.getBody();
		assertThat(rendered).isEqualTo(new RenderedText("Zoë 😀", List.of("who"), 5));
	}

	@Test
	void renderWithoutValueForAPlaceholderIsTheClientsError() {
		ResponseEntity<Map<String, Object>> response = this.api.post("/api/render",
				Map.of("template", "Hello $missing", "values", Map.of("name", "Ada")));
		assertProblem(response, HttpStatus.UNPROCESSABLE_CONTENT);
		assertThat(response.getBody()).containsEntry("title", "Invalid template")
			.containsEntry("detail", "The template cannot be rendered: placeholder $missing has no value.")
			.doesNotContainKey("pythonType");
		assertThat(response.getBody().toString()).doesNotContain("Traceback").doesNotContain("render.py");
	}

	@Test
	void renderWithMalformedPlaceholdersIsTheClientsError() {
		for (String template : List.of("Costs $ 5", "Total: $", "${__class__.__init__}", "${a.b}")) {
			ResponseEntity<Map<String, Object>> response = this.api.post("/api/render",
					Map.of("template", template, "values", Map.of("a", "x")));
			assertProblem(response, HttpStatus.UNPROCESSABLE_CONTENT);
			assertThat(response.getBody()).extractingByKey("detail")
				.asString()
				.contains("invalid placeholder at line 1, column");
		}
	}

	@Test
	void renderWhoseTextWouldBeTooLongIsContentTooLargeBeforeItIsBuilt() {
		// 100 KB of request, 500 MB of text: refused from the placeholder count, without building it.
		String template = "$a".repeat(RenderRequest.MAX_TEMPLATE_LENGTH / 2);
		ResponseEntity<Map<String, Object>> response = this.api.post("/api/render",
				Map.of("template", template, "values", Map.of("a", "x".repeat(RenderRequest.MAX_VALUE_LENGTH))));
		assertProblem(response, HttpStatus.CONTENT_TOO_LARGE);
		assertThat(response.getBody()).containsEntry("maxLength", TemplateRenderer.MAX_OUTPUT_LENGTH)
			.extractingByKey("detail")
			.asString()
			.contains("500000000 characters long, more than 1000000");
		ResponseEntity<RenderedText> largest = this.api.post("/api/render",
				Map.of("template", "$a".repeat(100), "values", Map.of("a", "x".repeat(10_000))), RenderedText.class);
		assertThat(largest.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(largest.getBody().length()).isEqualTo(TemplateRenderer.MAX_OUTPUT_LENGTH);
	}

	@Test
	void renderWithTooManyOrTooLongValuesIsBadRequest() {
		Map<String, String> many = new HashMap<>();
		for (int i = 0; i <= RenderRequest.MAX_VALUES; i++) {
			many.put("v" + i, "x");
		}
		assertProblem(this.api.post("/api/render", Map.of("template", "$v1", "values", many)),
				HttpStatus.BAD_REQUEST);
		assertProblem(this.api.post("/api/render", Map.of("template", "$v", "values",
				Map.of("v", "x".repeat(RenderRequest.MAX_VALUE_LENGTH + 1)))), HttpStatus.BAD_REQUEST);
		assertProblem(this.api.post("/api/render", Map.of("template", "$v", "values",
				Map.of("v".repeat(RenderRequest.MAX_NAME_LENGTH + 1), "x"))), HttpStatus.BAD_REQUEST);
	}

	@Test
	void requestBodyOverTheLimitIsContentTooLarge() {
		String body = "{\"text\": \"" + "a".repeat(9 * 1024 * 1024) + "\"}";
		assertProblem(this.api.postRaw("/api/analyze", body, MediaType.APPLICATION_JSON),
				HttpStatus.CONTENT_TOO_LARGE);
	}

	@Test
	void chunkedRequestBodyOverTheLimitIsRefusedOnceThatMuchIsRead() throws Exception {
		byte[] body = ("{\"text\": \"" + "a".repeat(9 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
		// An input-stream publisher has no length: the body goes chunked.
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/analyze"))
				.header("Content-Type", "application/json")
				.timeout(Duration.ofSeconds(60))
				.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(HttpStatus.BAD_REQUEST.value());
		assertThat(response.headers().firstValue("Content-Type")).hasValue(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		// Refused while reading, not by validation after parsing all of it.
		assertThat(response.body()).contains("\"detail\":\"Failed to read request\"").doesNotContain("\"errors\"");
	}

	@Test
	void renderWithoutTemplateIsBadRequest() {
		assertProblem(this.api.post("/api/render", Map.of("values", Map.of())), HttpStatus.BAD_REQUEST);
	}

	@Test
	void pythonInfoShowsRuntimeAndPool() {
		ResponseEntity<Map<String, Object>> response = this.api.get("/api/python");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		Map<String, Object> body = response.getBody();
		assertThat(body).isNotNull();
		assertThat((String) body.get("version")).startsWith("3.");
		assertThat(body).containsEntry("bundled", true).containsKey("home");
		assertThat(body).extractingByKey("pools", as(InstanceOfAssertFactories.LIST))
			.anySatisfy((pool) -> assertThat(pool).asInstanceOf(JSON_OBJECT)
				.containsEntry("name", "default")
				.containsEntry("isolation", "own-gil")
				.containsEntry("callTimeout", "PT10S")
				.hasEntrySatisfying("size", (size) -> assertThat(size).asInstanceOf(INTEGER).isPositive()));
	}

	@Test
	void pythonInfoIsReadOnly() {
		assertThat(this.api.post("/api/python", Map.of()).getStatusCode())
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
	}

	@Test
	void actuatorIsOnlyOnTheManagementPort() {
		assertThat(this.managementPort).isNotEqualTo(this.port);
		for (String path : List.of("/actuator", "/actuator/health", "/actuator/python", "/actuator/prometheus")) {
			assertThat(this.api.get(path).getStatusCode()).as(path).isEqualTo(HttpStatus.NOT_FOUND);
		}
		assertThat(this.api.get("/readyz").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(this.api.get("/livez").getStatusCode()).isEqualTo(HttpStatus.OK);
	}

	@Test
	void healthShowsNoDetailsWithoutAuthorization() {
		ResponseEntity<Map<String, Object>> response = this.management.get("/actuator/health");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("status", "UP").doesNotContainKeys("components", "details");
		assertThat(response.getBody().toString()).doesNotContain("/");
		// Components are shown with details: not without authorization.
		assertThat(this.management.get("/actuator/health/python").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void prometheusShowsPoolMeters() {
		String scrape = this.management.getText("/actuator/prometheus");
		List<String> python = scrape.lines().filter((line) -> line.startsWith("python_")).toList();
		assertThat(python).as("python meters in\n%s", scrape)
			.anyMatch((line) -> line.startsWith("python_pool_interpreters_max{pool=\"default\"}"))
			.anyMatch((line) -> line.startsWith("python_pool_interpreters{pool=\"default\",state=\"idle\"}"))
			.anyMatch((line) -> line.startsWith("python_pool_pending_threads{pool=\"default\"}"))
			.anyMatch((line) -> line.startsWith("python_pool_acquire_seconds_count{pool=\"default\"}"))
			.anyMatch((line) -> line.startsWith("python_pool_timeouts_events_total{kind=\"call\",pool=\"default\"}"))
			.anyMatch((line) -> line.startsWith(
					"python_pool_recycled_interpreters_total{pool=\"default\",reason=\"max-uses\"}"))
			.anyMatch((line) -> line.startsWith("python_runtime_info{version=\"3."));
	}

	@Test
	void pythonActuatorEndpointShowsInterpretersAndIsReadOnly() {
		ResponseEntity<Map<String, Object>> response = this.management.get("/actuator/python");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("bundled", true)
			.extractingByKey("pools", as(JSON_OBJECT))
			.extractingByKey("default", as(JSON_OBJECT))
			.extractingByKey("interpreters", as(InstanceOfAssertFactories.LIST))
			.isNotEmpty();
		List<Object> before = interpreterIds();
		// With access: read-only the write operation (recycle) is not mapped; the read of one pool is, on GET.
		assertThat(this.management.post("/actuator/python/default", Map.of()).getStatusCode())
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		// A recycle takes the interpreters out of the pool at once (their replacements come later): same ids, none.
		assertThat(interpreterIds()).isEqualTo(before);
	}

	private List<Object> interpreterIds() {
		return this.management.get("/actuator/python/default")
			.getBody()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().equals("interpreters"))
			.flatMap((entry) -> ((List<?>) entry.getValue()).stream())
			.<Object>map((interpreter) -> ((Map<?, ?>) interpreter).get("id"))
			.toList();
	}

	@Test
	void readinessAndLivenessProbesAreUpOverHttp() {
		ResponseEntity<Map<String, Object>> readiness = this.management.get("/actuator/health/readiness");
		assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(readiness.getBody()).containsEntry("status", "UP");
		ResponseEntity<Map<String, Object>> liveness = this.management.get("/actuator/health/liveness");
		assertThat(liveness.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(liveness.getBody()).containsEntry("status", "UP");
	}

	@Test
	void pythonLifecycleStartsBeforeAndStopsAfterTheWebServer(@Autowired ConfigurableApplicationContext context) {
		// The phases of the real web server's lifecycle beans, not a constant copied from Boot.
		Map<String, SmartLifecycle> lifecycles = context.getBeansOfType(SmartLifecycle.class);
		int python = lifecycles.get("pythonLifecycle").getPhase();
		assertThat(lifecycles).containsKeys("webServerStartStop", "webServerGracefulShutdown");
		assertThat(python).isLessThan(lifecycles.get("webServerStartStop").getPhase())
			.isLessThan(lifecycles.get("webServerGracefulShutdown").getPhase());
	}

	@Test
	void prometheusCountsPythonCalls() {
		double before = this.management.pythonCallCount();
		for (int i = 0; i < 5; i++) {
			assertThat(this.api.post("/api/analyze", Map.of("text", "Counting calls, call " + i)).getStatusCode())
				.isEqualTo(HttpStatus.OK);
		}
		assertThat(this.management.pythonCallCount()).isGreaterThanOrEqualTo(before + 5);
	}

	private static void assertProblem(ResponseEntity<Map<String, Object>> response, HttpStatus status) {
		assertThat(response.getStatusCode()).isEqualTo(status);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).containsEntry("status", status.value());
	}
}
