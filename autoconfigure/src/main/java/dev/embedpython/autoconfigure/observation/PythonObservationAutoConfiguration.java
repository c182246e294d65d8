package dev.embedpython.autoconfigure.observation;

import dev.embedpython.CallObserver;
import dev.embedpython.PythonRuntime;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of Python call observations: when an {@link ObservationRegistry}
 * bean exists, a {@link CallObserver} bean that the auto-configured pools install when they are created, composed
 * with the user's {@code CallObserver} beans in order. With no observer at all, the call path pays one null check.
 * <p>
 * Thread contract: used by the bean factory, on the thread that refreshes the context.
 */
@AutoConfiguration(after = PythonAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ PythonRuntime.class, ObservationRegistry.class })
public final class PythonObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ObservationCallObserver pythonCallObserver(ObservationRegistry registry,
			ObjectProvider<PythonCallObservationConvention> convention) {
		return new ObservationCallObserver(registry, convention.getIfAvailable());
	}

}
