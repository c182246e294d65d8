package dev.embedpython.sample;

import java.util.List;
import java.util.Map;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.api.InstanceOfAssertFactory;
import org.assertj.core.api.MapAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.INTEGER;

/**
 * The health view an operator gets once authorized (here: details always shown), on the management port: the
 * {@code python} composite with the runtime and one component per pool, a pool's own path, and probes that are not
 * counted as Python calls.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoint.health.show-details=always")
class HealthDetailsTests {

	private static final InstanceOfAssertFactory<?, MapAssert<String, Object>> JSON_OBJECT = InstanceOfAssertFactories
		.map(String.class, Object.class);

	@LocalManagementPort
	private int managementPort;

	private Api management;

	@BeforeEach
	void createClient() {
		this.management = new Api(this.managementPort);
	}

	@Test
	void healthShowsPythonCompositeWithRuntimeAndOneComponentPerPool() {
		ResponseEntity<Map<String, Object>> response = this.management.get("/actuator/health");
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
		ResponseEntity<Map<String, Object>> response = this.management.get("/actuator/health/python/default");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("status", "UP")
			.extractingByKey("details", as(JSON_OBJECT))
			.containsEntry("probe", "ok")
			.doesNotContainKey("version");
		assertThat(this.management.get("/actuator/health/python/runtime").getBody()).containsEntry("status", "UP")
			.extractingByKey("details", as(JSON_OBJECT))
			.containsKey("version");
		assertThat(this.management.get("/actuator/health/python/no-such-pool").getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void healthProbesAreNotCountedAsPythonCalls() {
		double before = this.management.pythonCallCount();
		for (int i = 0; i < 3; i++) {
			assertThat(this.management.get("/actuator/health/python").getStatusCode()).isEqualTo(HttpStatus.OK);
		}
		assertThat(this.management.pythonCallCount()).isEqualTo(before);
	}
}
