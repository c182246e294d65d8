package dev.embedpython.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.embedpython.Isolation;
import dev.embedpython.PoolStats;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonTemplate;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of whole applications (every auto-configuration on the classpath) started with {@code SpringApplication}:
 * readiness, lazy initialization, and several applications sharing the one runtime.
 */
class PythonApplicationTests {

	@Test
	void readinessShouldAcceptTrafficOnlyOnceThePoolsAreWarm(@TempDir Path dir) throws Exception {
		Path imports = preloadMarker(dir);
		ReadinessRecorder recorder = new ReadinessRecorder(imports);
		try (ConfigurableApplicationContext context = application(recorder, "python.path=" + dir,
				"python.pool.preload=json,decimal,readiness_marker", "python.pools.batch.size=2",
				"python.pools.batch.preload=readiness_marker")
			.run()) {
			assertThat(recorder.poolsWhenAccepting).containsOnlyKeys("default", "batch");
			assertThat(recorder.poolsWhenAccepting.get("default").idle()).isEqualTo(1);
			assertThat(recorder.poolsWhenAccepting.get("batch").idle()).isEqualTo(2);
			// Every interpreter of both pools had imported its preloads before traffic was accepted.
			assertThat(recorder.importsWhenAccepting).isEqualTo(3);
			assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
				.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		}
	}

	@Test
	void readinessShouldWaitForLazyPoolsToo(@TempDir Path dir) throws Exception {
		Path imports = preloadMarker(dir);
		ReadinessRecorder recorder = new ReadinessRecorder(imports);
		try (ConfigurableApplicationContext context = application(recorder, "spring.main.lazy-initialization=true",
				"python.path=" + dir, "python.pool.preload=readiness_marker")
			.run()) {
			assertThat(recorder.poolsWhenAccepting).containsOnlyKeys("default");
			assertThat(recorder.poolsWhenAccepting.get("default").idle()).isEqualTo(1);
			assertThat(recorder.importsWhenAccepting).isEqualTo(1);
		}
	}

	/**
	 * A module that appends a line to a log each time an interpreter imports it, for the readiness recorder.
	 */
	private static Path preloadMarker(Path dir) throws IOException {
		Path imports = dir.resolve("imports.log");
		Files.writeString(imports, "");
		Files.writeString(dir.resolve("readiness_marker.py"),
				"with open(" + pythonString(imports.toString()) + ", 'a') as log:\n    log.write('imported\\n')\n");
		return imports;
	}

	private static String pythonString(String value) {
		return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
	}

	@Test
	void applicationsShouldShareTheRuntimeWhileBothAreAlive() {
		ConfigurableApplicationContext first = application(new ReadinessRecorder()).run();
		try (ConfigurableApplicationContext second = application(new ReadinessRecorder(), "python.pool.size=2",
				"python.pool.isolation=shared-gil", "python.pools.numeric.isolation=main",
				"python.pools.numeric.size=1")
			.run()) {
			PythonRuntime firstRuntime = first.getBean(PythonRuntime.class);
			PythonRuntime secondRuntime = second.getBean(PythonRuntime.class);
			assertThat(secondRuntime.version()).isEqualTo(firstRuntime.version());
			assertThat(secondRuntime.home()).isEqualTo(firstRuntime.home());
			PythonPool firstPool = first.getBean(PythonPool.class);
			PythonPool secondPool = second.getBean(PythonPool.class);
			assertThat(firstPool.options().isolation()).isEqualTo(Isolation.OWN_GIL);
			assertThat(firstPool.stats().size()).isEqualTo(1);
			assertThat(secondPool.options().isolation()).isEqualTo(Isolation.SHARED_GIL);
			assertThat(secondPool.stats().size()).isEqualTo(2);
			assertThat(first.getBean(PythonTemplate.class).eval("40 + 2")).isEqualTo(42L);
			assertThat(second.getBean(PythonTemplate.class).eval("40 + 2")).isEqualTo(42L);
			first.close();
			assertThat(firstPool.isOpen()).isFalse();
			assertThat(secondRuntime.isRunning()).isTrue();
			assertThat(secondPool.isOpen()).isTrue();
			assertThat(second.getBean(PythonTemplate.class).eval("2 ** 8")).isEqualTo(256L);
			PythonPool numeric = second.getBean("numericPythonPool", PythonPool.class);
			Object seven = numeric.execute((session) -> session.eval("7"));
			assertThat(seven).isEqualTo(7L);
			assertThat(second.getBean(MeterRegistry.class).get("python.pool.interpreters").meters()).hasSize(6);
		}
		finally {
			first.close();
		}
	}

	private static SpringApplicationBuilder application(ReadinessRecorder recorder, String... properties) {
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties(TestPython.properties())
			.properties("spring.main.banner-mode=off", "spring.jmx.enabled=false")
			.properties(properties)
			.listeners(recorder)
			.initializers((context) -> context.getBeanFactory().registerSingleton("readinessRecorder", recorder));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

	/**
	 * Records, at the moment the application starts accepting traffic, the state of the pools that exist and how
	 * many interpreters had imported the marker module by then.
	 */
	static class ReadinessRecorder implements ApplicationListener<AvailabilityChangeEvent<?>> {

		private final @Nullable Path imports;

		volatile Map<String, PoolStats> poolsWhenAccepting = Map.of();

		/** Interpreters that had imported the marker module when traffic was accepted, -1 if not recorded. */
		volatile int importsWhenAccepting = -1;

		ReadinessRecorder() {
			this(null);
		}

		ReadinessRecorder(@Nullable Path imports) {
			this.imports = imports;
		}

		@Override
		public void onApplicationEvent(AvailabilityChangeEvent<?> event) {
			if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
				ConfigurableListableBeanFactory beanFactory = ((ConfigurableApplicationContext) event.getSource())
					.getBeanFactory();
				Map<String, PoolStats> pools = new HashMap<>();
				for (String name : beanFactory.getBeanNamesForType(PythonPool.class, false, false)) {
					// Only pools that exist already: getBean would create a lazy one now, too late.
					if (beanFactory.getSingleton(name) instanceof PythonPool pool) {
						pools.put(pool.name(), pool.stats());
					}
				}
				this.poolsWhenAccepting = Map.copyOf(pools);
				if (this.imports != null) {
					try {
						this.importsWhenAccepting = Files.readAllLines(this.imports).size();
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				}
			}
		}

	}

}
