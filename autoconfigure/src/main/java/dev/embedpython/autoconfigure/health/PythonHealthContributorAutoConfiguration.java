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
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@code python} {@link PythonHealthContributor health
 * contributor} ({@code management.health.python.enabled}, {@code management.health.python.timeout}): one component
 * per pool and one for the runtime.
 * <p>
 * Thread contract: used by the bean factory, on the thread that refreshes the context.
 */
@AutoConfiguration(after = PythonAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnEnabledHealthIndicator.class)
@ConditionalOnBean(PythonRuntime.class)
@EnableConfigurationProperties(PythonHealthProperties.class)
public final class PythonHealthContributorAutoConfiguration {

	// On the method rather than the class: a class-level condition from a missing library cannot even be loaded.
	@Bean
	@ConditionalOnEnabledHealthIndicator("python")
	@ConditionalOnMissingBean(name = { "pythonHealthIndicator", "pythonHealthContributor" })
	PythonHealthContributor pythonHealthContributor(PythonRuntime runtime, ObjectProvider<PythonPool> pools,
			PythonHealthProperties properties) {
		Duration timeout = properties.getTimeout();
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new InvalidConfigurationPropertyValueException("management.health.python.timeout", timeout,
					"must be positive");
		}
		return new PythonHealthContributor(runtime, () -> pools.orderedStream(ObjectProvider.UNFILTERED).toList(),
				timeout);
	}

}
