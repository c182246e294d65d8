package dev.embedpython.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.embedpython.PythonCallable;
import dev.embedpython.PythonTemplate;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PythonCallable} beans are callable from the Python code of every auto-configured pool, by bean name, with
 * the MDC of the calling thread, against the real bundled CPython.
 */
class PythonCallableBeansTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class,
				dev.embedpython.autoconfigure.logging.PythonLoggingAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@Test
	void pythonCallableBeansShouldBeCallableByBeanName() {
		this.contextRunner.withUserConfiguration(CallableConfiguration.class).run((context) -> {
			PythonTemplate template = context.getBean(PythonTemplate.class);
			MDC.put("requestId", "r-1");
			Object result;
			try {
				result = template.eval("__import__('_embedpython').java.priceOf('A-17', 3)");
			}
			finally {
				MDC.clear();
			}
			assertThat(result).isEqualTo(29.97);
			assertThat(context.getBean(CallableConfiguration.class).seenRequestIds).containsExactly("r-1");
		});
	}

	@Test
	void namedPoolsShouldGetTheCallablesToo() {
		this.contextRunner.withUserConfiguration(CallableConfiguration.class)
			.withPropertyValues("python.pools.batch.size=1")
			.run((context) -> {
				PythonTemplate batch = context.getBean("batchPythonTemplate", PythonTemplate.class);
				assertThat(batch.eval("__import__('_embedpython').names()")).isEqualTo(List.of("priceOf"));
			});
	}

	@Test
	void aCallableThatDependsOnThePoolsTemplateShouldBeFetchedAtItsFirstCall() {
		this.contextRunner.withUserConfiguration(TemplateUsingCallableConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PythonTemplate.class).eval("__import__('_embedpython').java.viaTemplate()"))
				.isEqualTo("created after the pool");
		});
	}

	@Test
	void aCallableBeanWhoseNameIsNoPythonIdentifierShouldFailStartup() {
		this.contextRunner.withBean("price-of", PythonCallable.class, () -> (call) -> null)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("PythonCallable bean 'price-of'")
				.hasMessageContaining("@Bean(\"price_of\")"));
	}

	@Configuration(proxyBeanMethods = false)
	static class CallableConfiguration {

		final List<String> seenRequestIds = new CopyOnWriteArrayList<>();

		@Bean
		PythonCallable priceOf() {
			return (call) -> {
				this.seenRequestIds.add(String.valueOf(MDC.get("requestId")));
				Map<String, Double> prices = Map.of("A-17", 9.99);
				return prices.get((String) call.argument(0)) * (Long) call.argument(1);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TemplateUsingCallableConfiguration {

		@Bean
		PythonCallable viaTemplate(PythonTemplate template) {
			return (call) -> "created after the pool";
		}

	}

}
