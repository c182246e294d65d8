package dev.embedpython.sample;

import java.util.List;
import java.util.Map;

import dev.embedpython.sample.analysis.AnalyzeRequest;
import dev.embedpython.sample.analysis.TextAnalysis;
import dev.embedpython.sample.render.RenderedText;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.api.InstanceOfAssertFactory;
import org.assertj.core.api.MapAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
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

	private Api api;

	@BeforeEach
	void createClient() {
		this.api = new Api(this.port);
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
	void renderWithoutValueForAPlaceholderIsPythonKeyError() {
		ResponseEntity<Map<String, Object>> response = this.api.post("/api/render",
				Map.of("template", "Hello $missing", "values", Map.of("name", "Ada")));
		assertProblem(response, HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(response.getBody()).containsEntry("pythonType", "KeyError")
			.containsEntry("title", "Python error");
		assertThat(response.getBody().toString()).doesNotContain("Traceback").doesNotContain("render.py");
	}

	@Test
	void renderWithMalformedPlaceholderIsPythonValueError() {
		ResponseEntity<Map<String, Object>> response = this.api.post("/api/render",
				Map.of("template", "Costs $ 5"));
		assertProblem(response, HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(response.getBody()).containsEntry("pythonType", "ValueError");
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
	void healthShowsPythonCompositeWithRuntimeAndOneComponentPerPool() {
		ResponseEntity<Map<String, Object>> response = this.api.get("/actuator/health");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		MapAssert<String, Object> python = assertThat(response.getBody())
			.extractingByKey("components", as(JSON_OBJECT))
			.extractingByKey("python", as(JSON_OBJECT));
		python.containsEntry("status", "UP");
		python.extractingByKey("components", as(JSON_OBJECT))
			.extractingByKey("runtime", as(JSON_OBJECT))
			.extractingByKey("details", as(JSON_OBJECT))
			.containsEntry("bundled", true)
			.containsKeys("version", "home");
		python.extractingByKey("components", as(JSON_OBJECT))
			.extractingByKey("default", as(JSON_OBJECT))
			.extractingByKey("details", as(JSON_OBJECT))
			.containsEntry("isolation", "own-gil")
			.containsEntry("probe", "ok")
			.containsKeys("active", "idle", "pending", "stuck", "timeouts", "maxSize")
			.hasEntrySatisfying("size", (size) -> assertThat(size).asInstanceOf(INTEGER).isPositive());
	}

	@Test
	void healthOfOnePoolHasItsOwnPath() {
		ResponseEntity<Map<String, Object>> response = this.api.get("/actuator/health/python/default");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("status", "UP")
			.extractingByKey("details", as(JSON_OBJECT))
			.containsEntry("probe", "ok")
			.doesNotContainKey("version");
		assertThat(this.api.get("/actuator/health/python/runtime").getBody()).containsEntry("status", "UP")
			.extractingByKey("details", as(JSON_OBJECT))
			.containsKey("version");
		assertThat(this.api.get("/actuator/health/python/no-such-pool").getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void healthProbesAreNotCountedAsPythonCalls() {
		double before = pythonCallCount();
		for (int i = 0; i < 3; i++) {
			assertThat(this.api.get("/actuator/health/python").getStatusCode()).isEqualTo(HttpStatus.OK);
		}
		assertThat(pythonCallCount()).isEqualTo(before);
	}

	@Test
	void prometheusShowsPoolMeters() {
		String scrape = this.api.getText("/actuator/prometheus");
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
		ResponseEntity<Map<String, Object>> response = this.api.get("/actuator/python");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("bundled", true)
			.extractingByKey("pools", as(JSON_OBJECT))
			.extractingByKey("default", as(JSON_OBJECT))
			.extractingByKey("interpreters", as(InstanceOfAssertFactories.LIST))
			.isNotEmpty();
		List<Object> before = interpreterIds();
		// With access: read-only the write operation (recycle) is not mapped; the read of one pool is, on GET.
		assertThat(this.api.post("/actuator/python/default", Map.of()).getStatusCode())
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		// A recycle takes the interpreters out of the pool at once (their replacements come later): same ids, none.
		assertThat(interpreterIds()).isEqualTo(before);
	}

	private List<Object> interpreterIds() {
		return this.api.get("/actuator/python/default")
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
		ResponseEntity<Map<String, Object>> readiness = this.api.get("/actuator/health/readiness");
		assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(readiness.getBody()).containsEntry("status", "UP");
		ResponseEntity<Map<String, Object>> liveness = this.api.get("/actuator/health/liveness");
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
		double before = pythonCallCount();
		for (int i = 0; i < 5; i++) {
			assertThat(this.api.post("/api/analyze", Map.of("text", "Counting calls, call " + i)).getStatusCode())
				.isEqualTo(HttpStatus.OK);
		}
		assertThat(pythonCallCount()).isGreaterThanOrEqualTo(before + 5);
	}

	private double pythonCallCount() {
		String scrape = this.api.getText("/actuator/prometheus");
		List<String> samples = scrape.lines()
			.filter((line) -> line.startsWith("python_calls_seconds_count"))
			.toList();
		if (samples.isEmpty()) {
			// No Python call since the start: the timer is created by the first one.
			return 0;
		}
		return samples.stream()
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private static void assertProblem(ResponseEntity<Map<String, Object>> response, HttpStatus status) {
		assertThat(response.getStatusCode()).isEqualTo(status);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).containsEntry("status", status.value());
	}

}
