package dev.embedpython.autoconfigure.observation;

import java.util.Objects;

import dev.embedpython.CallObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * A {@link CallObserver} that makes each Python call an {@link Observation} (by default {@code python.calls}), with
 * its scope open while the call runs so that logs and nested spans see it as current.
 * <p>
 * Thread contract: thread-safe; each call's start and end happen on the calling thread, as {@link CallObserver}
 * guarantees, which is what opening and closing a scope requires.
 */
public class ObservationCallObserver implements CallObserver {

	private static final PythonCallObservationConvention DEFAULT = new DefaultPythonCallObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable PythonCallObservationConvention convention;

	/**
	 * Create an observer.
	 * @param registry the registry observations are made in
	 * @param convention a convention replacing the default one, or {@code null}
	 */
	public ObservationCallObserver(ObservationRegistry registry, @Nullable PythonCallObservationConvention convention) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.convention = convention;
	}

	@Override
	public Call start(String pool, String function) {
		PythonCallObservationContext context = new PythonCallObservationContext(pool, function);
		Observation observation = Observation
			.createNotStarted(this.convention, DEFAULT, () -> context, this.registry)
			.start();
		Observation.Scope scope = observation.openScope();
		return (outcome, error) -> {
			context.setOutcome(outcome);
			if (error != null) {
				observation.error(error);
			}
			scope.close();
			observation.stop();
		};
	}

}
