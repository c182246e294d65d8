package dev.embedpython.autoconfigure.health;

import java.time.Duration;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@code python} {@link PythonHealthIndicator health indicator}
 * ({@code management.health.python.enabled}).
 * <p>
 * Thread contract: used by the bean factory, on the thread that refreshes the context.
 */
@AutoConfiguration(after = PythonAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnEnabledHealthIndicator.class)
@ConditionalOnBean(PythonRuntime.class)
public final class PythonHealthContributorAutoConfiguration {

	/**
	 * How long a health request waits for the probe of each pool.
	 */
	static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

	// On the method rather than the class: a class-level condition from a missing library cannot even be loaded.
	@Bean
	@ConditionalOnEnabledHealthIndicator("python")
	@ConditionalOnMissingBean(name = { "pythonHealthIndicator", "pythonHealthContributor" })
	PythonHealthIndicator pythonHealthIndicator(PythonRuntime runtime, ObjectProvider<PythonPool> pools) {
		return new PythonHealthIndicator(runtime, () -> pools.orderedStream(ObjectProvider.UNFILTERED).toList(),
				PROBE_TIMEOUT);
	}

}
