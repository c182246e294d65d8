package dev.embedpython.autoconfigure.observation;

import java.util.Objects;

import dev.embedpython.CallObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;

/**
 * A {@link CallObserver} that makes each Python call an {@link Observation} (by default {@code python.calls}, see
 * {@link PythonObservationDocumentation}), with its scope open while the call runs so that logs and nested spans
 * see it as current. It works together with the user's {@code CallObserver} beans, in {@link #ORDER order}.
 * <p>
 * Thread contract: thread-safe; each call's start and end happen on the calling thread, as {@link CallObserver}
 * guarantees, which is what opening and closing a scope requires.
 */
public class ObservationCallObserver implements CallObserver, Ordered {

	/**
	 * The order of this observer among the {@link CallObserver} beans: {@code 0}, so that unordered user observers
	 * start after it and run inside its scope (they see the current observation), and observers ordered before
	 * {@code 0} wrap it.
	 */
	public static final int ORDER = 0;

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
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Call start(String pool, String function) {
		PythonCallObservationContext context = new PythonCallObservationContext(pool, function);
		Observation observation = PythonObservationDocumentation.PYTHON_CALL
			.start(this.convention, DEFAULT, () -> context, this.registry);
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
