package dev.embedpython.autoconfigure.logging;

import java.util.Map;

import dev.embedpython.CallContextPropagator;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Carries the SLF4J MDC (with Micrometer Tracing, the {@code traceId} and {@code spanId}) of the thread that calls
 * into Python to the Java code Python runs for the call on other threads: the pool worker of a virtual thread, or
 * a thread that Python started. A Python thread that logs while no call runs in its interpreter gets an empty MDC.
 * <p>
 * Thread contract: thread-safe; the captured map is a copy.
 */
public class MdcContextPropagator implements CallContextPropagator {

	@Override
	public @Nullable Object capture() {
		return MDC.getCopyOfContextMap();
	}

	@Override
	public Scope restore(@Nullable Object context) {
		Map<String, String> previous = MDC.getCopyOfContextMap();
		apply(context);
		return () -> apply(previous);
	}

	@SuppressWarnings("unchecked")
	private static void apply(@Nullable Object context) {
		if (context instanceof Map<?, ?> map && !map.isEmpty()) {
			MDC.setContextMap((Map<String, String>) map);
		}
		else {
			MDC.clear();
		}
	}

	@Override
	public String toString() {
		return "CallContextPropagator[SLF4J MDC]";
	}

}
