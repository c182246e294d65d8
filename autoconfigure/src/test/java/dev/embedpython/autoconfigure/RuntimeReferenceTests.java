package dev.embedpython.autoconfigure;

import java.util.concurrent.atomic.AtomicReference;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonTemplate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each context takes one reference to the runtime and releases exactly one. Runs in a JVM of its own where nothing
 * else holds the runtime (see {@link SharedRuntimeSessionListener}), so the runtime stays running only because the
 * other context holds it, and a context that released twice would finalize it under the other.
 */
@Tag("own-jvm")
class RuntimeReferenceTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@Test
	void closingOneOfTwoContextsShouldKeepTheRuntimeForTheOther() {
		AtomicReference<PythonRuntime> runtime = new AtomicReference<>();
		this.contextRunner.run((first) -> {
			runtime.set(first.getBean(PythonRuntime.class));
			AtomicReference<PythonPool> secondPool = new AtomicReference<>();
			this.contextRunner.run((second) -> {
				assertThat(second.getBean(PythonRuntime.class)).isSameAs(runtime.get());
				secondPool.set(second.getBean(PythonPool.class));
			});
			assertThat(secondPool.get().isOpen()).isFalse();
			assertThat(runtime.get().isRunning()).isTrue();
			assertThat(first.getBean(PythonTemplate.class).eval("2 ** 10")).isEqualTo(1024L);
		});
		// The last reference is gone: CPython was finalized.
		assertThat(runtime.get().isRunning()).isFalse();
	}

	@Test
	void closingOneOfTwoApplicationsShouldKeepTheRuntimeForTheOther() {
		PythonRuntime runtime;
		try (ConfigurableApplicationContext second = application().run()) {
			try (ConfigurableApplicationContext first = application().run()) {
				runtime = first.getBean(PythonRuntime.class);
				assertThat(second.getBean(PythonRuntime.class)).isSameAs(runtime);
			}
			assertThat(runtime.isRunning()).isTrue();
			assertThat(second.getBean(PythonTemplate.class).eval("2 ** 8")).isEqualTo(256L);
		}
		assertThat(runtime.isRunning()).isFalse();
	}

	private static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties(TestPython.properties())
			.properties("spring.main.banner-mode=off", "spring.jmx.enabled=false");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
