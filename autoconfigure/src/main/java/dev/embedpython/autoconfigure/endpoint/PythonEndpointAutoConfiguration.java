package dev.embedpython.autoconfigure.endpoint;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@link PythonEndpoint python endpoint}, when it is available
 * (enabled and exposed).
 * <p>
 * Thread contract: used by the bean factory, on the thread that refreshes the context.
 */
@AutoConfiguration(after = PythonAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(PythonRuntime.class)
public final class PythonEndpointAutoConfiguration {

	// On the method rather than the class: a class-level condition from a missing library cannot even be loaded.
	@Bean
	@ConditionalOnAvailableEndpoint
	@ConditionalOnMissingBean
	PythonEndpoint pythonEndpoint(PythonRuntime runtime, ObjectProvider<PythonPool> pools) {
		return new PythonEndpoint(runtime, () -> pools.orderedStream(ObjectProvider.UNFILTERED).toList());
	}

}
