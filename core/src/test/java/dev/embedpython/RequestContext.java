package dev.embedpython;

import org.jspecify.annotations.Nullable;

/**
 * A thread-bound request id, as an application keeps one in the SLF4J MDC, and the {@link CallContextPropagator}
 * that carries it to the Java code Python runs for a call.
 */
final class RequestContext {

	private static final ThreadLocal<String> ID = new ThreadLocal<>();

	static final CallContextPropagator PROPAGATOR = new CallContextPropagator() {

		@Override
		public @Nullable Object capture() {
			return ID.get();
		}

		@Override
		public Scope restore(@Nullable Object context) {
			String previous = ID.get();
			set((String) context);
			return () -> set(previous);
		}

	};

	private RequestContext() {
	}

	static String current() {
		String id = ID.get();
		return (id != null) ? id : "";
	}

	static void set(@Nullable String id) {
		if (id == null) {
			ID.remove();
		}
		else {
			ID.set(id);
		}
	}

}
