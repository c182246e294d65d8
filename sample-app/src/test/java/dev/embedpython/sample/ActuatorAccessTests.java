package dev.embedpython.sample;

import java.util.Map;

import dev.embedpython.PythonPool;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code python} endpoint's {@code recycle} operation changes state, so like Boot's own such endpoints it is off
 * by default even where a user exposes every endpoint, and on only with an explicit
 * {@code management.endpoint.python.access: unrestricted}. Over real HTTP.
 */
class ActuatorAccessTests {

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "python.pool.size=1", "management.endpoints.web.exposure.include=*" })
	class EveryEndpointExposed {

		@LocalManagementPort
		private int managementPort;

		@Autowired
		private PythonPool pool;

		@Test
		void recycleIsNotReachable() {
			Api management = new Api(this.managementPort);
			assertThat(management.get("/actuator/python").getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(management.post("/actuator/python/default", Map.of()).getStatusCode().is2xxSuccessful())
				.isFalse();
			assertThat(this.pool.stats().recycled()).isZero();
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "python.pool.size=1", "management.endpoint.python.access=unrestricted" })
	class WriteAccessGranted {

		@LocalManagementPort
		private int managementPort;

		@Test
		void recycleAnswersNoContent() {
			Api management = new Api(this.managementPort);
			assertThat(management.post("/actuator/python/default", Map.of()).getStatusCode())
				.isEqualTo(HttpStatus.NO_CONTENT);
		}

	}

}
