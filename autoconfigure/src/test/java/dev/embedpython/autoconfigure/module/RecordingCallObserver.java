package dev.embedpython.autoconfigure.module;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.embedpython.CallObserver;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@link CallObserver} bean that records every call the pools make as {@code "<pool> <module.function>"}.
 */
@Configuration(proxyBeanMethods = false)
class RecordingCallObserver {

	final List<String> calls = new CopyOnWriteArrayList<>();

	@Bean
	CallObserver recordingObserver() {
		return (pool, function) -> {
			this.calls.add(pool + " " + function);
			return (outcome, error) -> {
			};
		};
	}

	/**
	 * How many calls of one function were recorded.
	 * @param function {@code "<pool> <module.function>"}
	 * @return the count
	 */
	long count(String function) {
		return this.calls.stream().filter(function::equals).count();
	}

}
