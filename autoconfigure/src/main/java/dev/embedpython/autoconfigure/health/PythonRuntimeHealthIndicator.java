package dev.embedpython.autoconfigure.health;

import java.util.Objects;

import dev.embedpython.PythonRuntime;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the Python runtime, the {@code runtime} component of {@link PythonHealthContributor}: {@code UP} with
 * the version, the home and whether it is the bundled runtime while it runs, {@code DOWN} once it is finalized.
 * <p>
 * Thread contract: thread-safe.
 */
public class PythonRuntimeHealthIndicator extends AbstractHealthIndicator {

	private final PythonRuntime runtime;

	PythonRuntimeHealthIndicator(PythonRuntime runtime) {
		super("Python runtime health check failed");
		this.runtime = Objects.requireNonNull(runtime, "runtime");
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (!this.runtime.isRunning()) {
			builder.down().withDetail("error", "The Python runtime is not running");
			return;
		}
		builder.up()
			.withDetail("version", this.runtime.version())
			.withDetail("home", this.runtime.home().toString())
			.withDetail("bundled", this.runtime.isBundled())
			.withDetail("binding", this.runtime.binding());
	}

}
