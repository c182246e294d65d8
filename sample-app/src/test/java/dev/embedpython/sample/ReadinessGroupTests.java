package dev.embedpython.sample;

import java.util.Map;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A readiness group that includes one chosen pool ({@code python/default}) and not the other, over real HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "python.pool.size=1", "python.pools.batch.size=1",
				"management.endpoint.health.group.readiness.include=readinessState,python/default" })
class ReadinessGroupTests {

	@LocalServerPort
	private int port;

	@Test
	void readinessIncludesTheChosenPoolOnly() {
		ResponseEntity<Map<String, Object>> response = new Api(this.port).get("/actuator/health/readiness");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("status", "UP")
			.extractingByKey("components", as(InstanceOfAssertFactories.map(String.class, Object.class)))
			.containsKey("readinessState")
			.extractingByKey("python", as(InstanceOfAssertFactories.map(String.class, Object.class)))
			.extractingByKey("components", as(InstanceOfAssertFactories.map(String.class, Object.class)))
			.containsOnlyKeys("default");
	}

	@Test
	void theOtherPoolHasItsOwnPathWithTheNamedPoolInheritingTheDefaults() {
		ResponseEntity<Map<String, Object>> response = new Api(this.port).get("/actuator/health/python/batch");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("status", "UP")
			.extractingByKey("details", as(InstanceOfAssertFactories.map(String.class, Object.class)))
			.containsEntry("probe", "ok")
			.containsEntry("size", 1);
	}

}
