package dev.embedpython.autoconfigure;

import dev.embedpython.Isolation;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonTemplate;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two differently configured {@code @SpringBootTest} contexts in one JVM: Spring's test context cache keeps the
 * first alive while the second runs, and both share the one runtime. Each nested class stands alone, in any order:
 * the second asks the test context framework for the first context, which loads it if the first class has not run.
 */
class SpringBootTestContextsTests {

	@Nested
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
		}

	}

	@Nested
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
		ApplicationContext context;

		@Autowired
		@Qualifier("numeric")
		PythonPool numeric;

		@Test
		void templateShouldUseTheConfiguredPoolWhileTheFirstContextIsAlive() throws Exception {
			assertThat(this.template.getPool().options().isolation()).isEqualTo(Isolation.SHARED_GIL);
			assertThat(this.template.eval("CONTEXT")).isEqualTo("second");
			assertThat(this.numeric.options().isolation()).isEqualTo(Isolation.MAIN);
			assertThat(this.runtime.isRunning()).isTrue();
			// The first class's context, from the cache (or loaded now, when this class runs first or alone).
			ApplicationContext first = new TestContextManager(OwnGilContext.class).getTestContext()
				.getApplicationContext();
			assertThat(first).isNotSameAs(this.context);
			PythonPool firstPool = first.getBean(PythonPool.class);
			assertThat(firstPool.isOpen()).isTrue();
			assertThat(first.getBean(PythonRuntime.class)).isSameAs(this.runtime);
			assertThat(new PythonTemplate(firstPool).eval("CONTEXT")).isEqualTo("first");
			assertThat(this.template.eval("CONTEXT")).isEqualTo("second");
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
