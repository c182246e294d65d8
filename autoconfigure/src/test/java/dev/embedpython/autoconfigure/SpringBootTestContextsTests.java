package dev.embedpython.autoconfigure;

import dev.embedpython.Isolation;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonTemplate;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two differently configured {@code @SpringBootTest} contexts in one JVM: Spring's test context cache keeps the
 * first alive while the second runs, and both share the one runtime.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class SpringBootTestContextsTests {

	private static volatile PythonPool firstPool;

	@Nested
	@Order(1)
	@SpringBootTest(classes = Application.class,
			properties = { "python.cache-dir=${embedpython.test.cache:target/embedpython-cache}", "python.pool.size=1",
					"python.pool.init-script=CONTEXT = 'first'" })
	class OwnGilContext {

		@Autowired
		PythonTemplate template;

		@Autowired
		PythonPool pool;

		@Test
		void templateShouldUseTheConfiguredPool() {
			assertThat(this.pool.options().isolation()).isEqualTo(Isolation.OWN_GIL);
			assertThat(this.template.eval("CONTEXT")).isEqualTo("first");
			firstPool = this.pool;
		}

	}

	@Nested
	@Order(2)
	@SpringBootTest(classes = Application.class,
			properties = { "python.cache-dir=${embedpython.test.cache:target/embedpython-cache}", "python.pool.size=2",
					"python.pool.isolation=shared-gil", "python.pool.init-script=CONTEXT = 'second'",
					"python.pools.numeric.size=1", "python.pools.numeric.isolation=main" })
	class SharedGilContextWithNamedPool {

		@Autowired
		PythonTemplate template;

		@Autowired
		PythonRuntime runtime;

		@Autowired
		@Qualifier("numeric")
		PythonPool numeric;

		@Test
		void templateShouldUseTheConfiguredPoolWhileTheFirstContextIsAlive() {
			assertThat(this.template.getPool().options().isolation()).isEqualTo(Isolation.SHARED_GIL);
			assertThat(this.template.eval("CONTEXT")).isEqualTo("second");
			assertThat(this.numeric.options().isolation()).isEqualTo(Isolation.MAIN);
			assertThat(this.runtime.isRunning()).isTrue();
			assertThat(firstPool).isNotNull();
			assertThat(firstPool.isOpen()).isTrue();
			assertThat(new PythonTemplate(firstPool).eval("CONTEXT")).isEqualTo("first");
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
