package dev.embedpython.autoconfigure.health;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Properties of the {@code python} health contributor, prefix {@code management.health.python}.
 * <p>
 * Thread contract: bound once at startup by Spring, read-only afterwards.
 */
@ConfigurationProperties("management.health.python")
public class PythonHealthProperties {

	/**
	 * Longest a health request waits for the probe of a pool; probes of all pools run at once. A probe waits for a
	 * free interpreter for three quarters of this time at most.
	 */
	private Duration timeout = Duration.ofSeconds(1);

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

}
