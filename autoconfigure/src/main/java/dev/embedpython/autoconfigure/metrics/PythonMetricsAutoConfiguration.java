package dev.embedpython.autoconfigure.metrics;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.autoconfigure.PythonSourceReloader;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@link PythonMetrics} meter binder, when a
 * {@link MeterRegistry} bean exists.
 * <p>
 * Thread contract: used by the bean factory, on the thread that refreshes the context.
 */
@AutoConfiguration(after = PythonAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, MeterBinder.class })
@ConditionalOnBean({ PythonRuntime.class, MeterRegistry.class })
public final class PythonMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PythonMetrics pythonMetrics(PythonRuntime runtime, ObjectProvider<PythonPool> pools) {
		return new PythonMetrics(runtime, () -> pools.orderedStream(ObjectProvider.UNFILTERED).toList());
	}

	@Bean
	@ConditionalOnBean(PythonSourceReloader.class)
	@ConditionalOnMissingBean(name = "pythonReloadMetrics")
	MeterBinder pythonReloadMetrics(PythonSourceReloader reloader) {
		return (registry) -> FunctionCounter.builder("python.dev.reloads", reloader, PythonSourceReloader::reloadCount)
			.description("Reloads of the pools after Python sources changed (python.dev.reload).")
			.register(registry);
	}

}
