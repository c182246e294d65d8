package dev.embedpython.sample;

import java.util.Map;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second pool next to the default one, over real HTTP: a readiness group that includes one chosen pool
 * ({@code python/default}) and not the other, the other's own health path, and the keys it inherits.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "python.pool.size=1", "python.pools.batch.size=1",
				"management.endpoint.health.group.readiness.include=readinessState,python/default",
				"management.endpoint.health.show-details=always" })
class ReadinessGroupTests {

	@LocalServerPort
	private int port;

	@LocalManagementPort
	private int managementPort;

	@Test
	void readinessIncludesTheChosenPoolOnly() {
		ResponseEntity<Map<String, Object>> response = new Api(this.managementPort).get("/actuator/health/readiness");
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
		ResponseEntity<Map<String, Object>> response = new Api(this.managementPort).get("/actuator/health/python/batch");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("status", "UP")
			.extractingByKey("details", as(InstanceOfAssertFactories.map(String.class, Object.class)))
			.containsEntry("probe", "ok")
			.containsEntry("size", 1);
	}

	@Test
	void namedPoolInheritsTheCallTimeoutOfTheDefaultPool() {
		// application.yml sets python.pool.call-timeout: 10s; python.pools.batch sets only its size.
		ResponseEntity<Map<String, Object>> response = new Api(this.port).get("/api/python");
		assertThat(response.getBody()).extractingByKey("pools", as(InstanceOfAssertFactories.LIST))
			.anySatisfy((pool) -> assertThat(pool).asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
				.containsEntry("name", "batch")
				.containsEntry("callTimeout", "PT10S")
				.containsEntry("size", 1));
	}

}
