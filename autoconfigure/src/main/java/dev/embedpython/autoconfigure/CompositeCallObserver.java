package dev.embedpython.autoconfigure;

import java.util.List;

import dev.embedpython.CallObserver;
import dev.embedpython.CallOutcome;
import org.jspecify.annotations.Nullable;

/**
 * Several {@link CallObserver}s as one: started in order, ended in reverse order, so that the first one (the
 * Observation-based observer, by default) wraps the others and they run inside its scope.
 * <p>
 * Thread contract: immutable, thread-safe as its observers are.
 */
final class CompositeCallObserver implements CallObserver {

	private final List<CallObserver> observers;

	private CompositeCallObserver(List<CallObserver> observers) {
		this.observers = observers;
	}

	/**
	 * The observer to install on a pool.
	 * @param observers the observers, in order
	 * @return {@code null} for none, the observer itself for one, else a composite
	 */
	static @Nullable CallObserver of(List<CallObserver> observers) {
		return switch (observers.size()) {
			case 0 -> null;
			case 1 -> observers.get(0);
			default -> new CompositeCallObserver(List.copyOf(observers));
		};
	}

	@Override
	public Call start(String pool, String function) {
		Call[] calls = new Call[this.observers.size()];
		int started = 0;
		try {
			for (; started < calls.length; started++) {
				calls[started] = this.observers.get(started).start(pool, function);
			}
		}
		catch (RuntimeException | Error ex) {
			// Close the scopes already open, innermost first, before the call fails.
			end(java.util.Arrays.copyOf(calls, started), CallOutcome.ERROR, ex);
			throw ex;
		}
		return (outcome, error) -> end(calls, outcome, error);
	}

	private static void end(Call[] calls, CallOutcome outcome, @Nullable Throwable error) {
		for (int i = calls.length - 1; i >= 0; i--) {
			calls[i].end(outcome, error);
		}
	}

}
