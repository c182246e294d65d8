package dev.embedpython.autoconfigure;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.embedpython.Isolation;
import dev.embedpython.PoolStats;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonTemplate;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of whole applications (every auto-configuration on the classpath) started with {@code SpringApplication}:
 * readiness, lazy initialization, and several applications sharing the one runtime.
 */
class PythonApplicationTests {

	@Test
	void readinessShouldAcceptTrafficOnlyOnceThePoolsAreWarm() {
		ReadinessRecorder recorder = new ReadinessRecorder();
		try (ConfigurableApplicationContext context = application(recorder, "python.pool.preload=json,decimal",
				"python.pools.batch.size=2").run()) {
			assertThat(recorder.refusingWhilePoolsWereCreated).containsExactly(ReadinessState.REFUSING_TRAFFIC,
					ReadinessState.REFUSING_TRAFFIC);
			assertThat(recorder.poolsWhenAccepting).containsOnlyKeys("default", "batch");
			assertThat(recorder.poolsWhenAccepting.get("default").idle()).isEqualTo(1);
			assertThat(recorder.poolsWhenAccepting.get("batch").idle()).isEqualTo(2);
			assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
				.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		}
	}

	@Test
	void readinessShouldWaitForLazyPoolsToo() {
		ReadinessRecorder recorder = new ReadinessRecorder();
		try (ConfigurableApplicationContext context = application(recorder, "spring.main.lazy-initialization=true")
			.run()) {
			assertThat(recorder.refusingWhilePoolsWereCreated).containsExactly(ReadinessState.REFUSING_TRAFFIC);
			assertThat(recorder.poolsWhenAccepting).containsOnlyKeys("default");
			assertThat(recorder.poolsWhenAccepting.get("default").idle()).isEqualTo(1);
		}
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

		@Bean
		PythonPoolCustomizer readinessProbe(ObjectProvider<ApplicationAvailability> availability,
				ReadinessRecorder recorder) {
			return (name, builder) -> recorder.refusingWhilePoolsWereCreated
				.add(availability.getObject().getReadinessState());
		}

	}

	/**
	 * Records the readiness state while each pool is created, and the state of the pools when the application
	 * starts accepting traffic.
	 */
	static class ReadinessRecorder implements ApplicationListener<AvailabilityChangeEvent<?>> {

		final List<ReadinessState> refusingWhilePoolsWereCreated = new CopyOnWriteArrayList<>();

		volatile Map<String, PoolStats> poolsWhenAccepting = Map.of();

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
			}
		}

	}

}
