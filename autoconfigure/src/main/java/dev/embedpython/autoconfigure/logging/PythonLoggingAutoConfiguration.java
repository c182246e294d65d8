package dev.embedpython.autoconfigure.logging;

import ch.qos.logback.classic.LoggerContext;
import dev.embedpython.CallContextPropagator;
import dev.embedpython.PythonLogSink;
import dev.embedpython.PythonRuntime;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.autoconfigure.PythonPoolCustomizer;
import dev.embedpython.autoconfigure.PythonRuntimeCustomizer;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link AutoConfiguration Auto-configuration} that sends Python's log records and printed lines to SLF4J
 * ({@code python.<logger name>}, {@code python.stdout}, {@code python.stderr}) with the MDC of the thread that made
 * the call, and, with Logback, tells the runtime when a level changes. The sink and the propagator are beans that
 * an application may replace; they are applied to the runtime and to every pool.
 * <p>
 * Thread contract: used by the bean factory, on the thread that refreshes the context.
 */
@AutoConfiguration(before = PythonAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "python.enabled", matchIfMissing = true)
@ConditionalOnClass({ LoggerFactory.class, PythonRuntime.class })
public final class PythonLoggingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PythonLogSink pythonLogSink() {
		return new Slf4jPythonLogSink();
	}

	@Bean
	@ConditionalOnMissingBean
	CallContextPropagator pythonCallContextPropagator() {
		return new MdcContextPropagator();
	}

	@Bean
	PythonRuntimeCustomizer pythonLoggingRuntimeCustomizer(PythonLogSink sink, CallContextPropagator propagator) {
		return (builder) -> builder.logSink(sink).contextPropagator(propagator);
	}

	@Bean
	PythonPoolCustomizer pythonLoggingPoolCustomizer(PythonLogSink sink, CallContextPropagator propagator) {
		// The runtime may have been started by another context (they share it): each pool takes this context's.
		return (name, builder) -> builder.logSink(sink).contextPropagator(propagator);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(LoggerContext.class)
	static class LogbackLevels {

		@Bean
		@ConditionalOnMissingBean
		LogbackLevelListener pythonLogbackLevelListener() {
			return new LogbackLevelListener();
		}

	}

}
