package dev.embedpython.autoconfigure.endpoint;

import java.time.Duration;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.autoconfigure.TestPython;
import dev.embedpython.autoconfigure.endpoint.PythonEndpoint.PoolDescriptor;
import dev.embedpython.autoconfigure.endpoint.PythonEndpoint.PythonDescriptor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PythonEndpointAutoConfiguration} and {@link PythonEndpoint}, against the real bundled CPython.
 */
class PythonEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class, PythonEndpointAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@Test
	void runWhenNotExposedShouldNotCreateEndpoint() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(PythonEndpoint.class));
	}

	@Test
	void runWhenExposedShouldCreateEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=python")
			.run((context) -> assertThat(context).hasSingleBean(PythonEndpoint.class));
	}

	@Test
	void runWhenAccessIsNoneShouldNotCreateEndpoint() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=python",
					"management.endpoint.python.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(PythonEndpoint.class));
	}

	@Test
	void readShouldDescribeRuntimeAndPoolsWithTheirInterpreters() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=python", "python.pools.numeric.size=1",
					"python.pools.numeric.isolation=main")
			.run((context) -> {
				PythonDescriptor python = context.getBean(PythonEndpoint.class).python();
				assertThat(python.running()).isTrue();
				assertThat(python.version()).startsWith("3.");
				assertThat(python.bundled()).isTrue();
				assertThat(python.binding()).isEqualTo(context.getBean(PythonRuntime.class).binding()).isNotNull();
				assertThat(python.home()).isNotBlank();
				assertThat(python.pools()).containsOnlyKeys("default", "numeric");
				PoolDescriptor pool = python.pools().get("default");
				assertThat(pool.isolation()).isEqualTo("own-gil");
				assertThat(pool.open()).isTrue();
				assertThat(pool.size()).isEqualTo(1);
				assertThat(pool.interpreters()).singleElement().satisfies((interpreter) -> {
					assertThat(interpreter.id()).isPositive();
					assertThat(interpreter.state()).isEqualTo("idle");
					assertThat(interpreter.age()).startsWith("PT");
				});
				assertThat(python.pools().get("numeric").isolation()).isEqualTo("main");
			});
	}

	@Test
	void readOfOnePoolShouldDescribeItOrReturnNull() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=python").run((context) -> {
			PythonEndpoint endpoint = context.getBean(PythonEndpoint.class);
			PoolDescriptor pool = endpoint.pool("default");
			PythonPool bean = context.getBean(PythonPool.class);
			assertThat(pool).isNotNull();
			assertThat(pool.isolation()).isEqualTo("own-gil");
			assertThat(pool.open()).isTrue();
			assertThat(pool.size()).isEqualTo(1);
			assertThat(pool.idle()).isEqualTo(1);
			assertThat(pool.active()).isZero();
			assertThat(pool.created()).isEqualTo(1);
			assertThat(pool.interpreters()).singleElement()
				.satisfies((interpreter) -> assertThat(interpreter.id()).isEqualTo(bean.interpreters().get(0).id()));
			assertThat(endpoint.pool("nope")).isNull();
		});
	}

	@Test
	void recycleShouldReplaceTheInterpretersOfThePool() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=python").run((context) -> {
			PythonEndpoint endpoint = context.getBean(PythonEndpoint.class);
			long before = endpoint.pool("default").interpreters().get(0).id();
			endpoint.recycle("default");
			PythonPool pool = context.getBean(PythonPool.class);
			// The replacement is created in the background, on python-main.
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> pool.stats().recycled() == 1 && pool.stats().idle() == 1);
			assertThat(endpoint.pool("default").interpreters()).extracting((interpreter) -> interpreter.id())
				.doesNotContain(before);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.recycle("nope"))
				.withMessageContaining("nope")
				.withMessageContaining("default");
		});
	}

}
