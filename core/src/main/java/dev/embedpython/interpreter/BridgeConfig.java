package dev.embedpython.interpreter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.embedpython.CallContextPropagator;
import dev.embedpython.PoolOptions;
import dev.embedpython.PythonCallable;
import dev.embedpython.PythonLogSink;
import dev.embedpython.RuntimeOptions;

/**
 * What Python code in an interpreter reaches of the JVM through {@code _embedpython}: where its log records and
 * printed lines go, what carries the calling thread's context to them, the Java functions it may call, and whether
 * {@code logging} and {@code sys.stdout}/{@code sys.stderr} are forwarded at all. The runtime has one (the main
 * interpreter's, and every pool's defaults); each pool has one made from it ({@link #forPool}), which its calls and
 * its sub-interpreters use.
 * @param sink the log sink
 * @param propagator the context propagator
 * @param callables the Java functions by name (the runtime's and the pool's)
 * @param loggingEnabled whether Python's {@code logging} is forwarded
 * @param captureOutput whether {@code sys.stdout} and {@code sys.stderr} are forwarded
 */
public record BridgeConfig(PythonLogSink sink, CallContextPropagator propagator, Map<String, PythonCallable> callables,
		boolean loggingEnabled, boolean captureOutput) {

	public BridgeConfig {
		callables = Collections.unmodifiableMap(new LinkedHashMap<>(callables));
	}

	/**
	 * The runtime's configuration.
	 * @param options the runtime's options
	 * @return the configuration
	 */
	public static BridgeConfig of(RuntimeOptions options) {
		return new BridgeConfig(options.logSink(), options.contextPropagator(), options.callables(),
				options.loggingEnabled(), options.captureOutput());
	}

	/**
	 * A pool's configuration: what the pool sets, the rest from this one; callables of both, the pool's winning on
	 * a name registered twice.
	 * @param options the pool's options
	 * @return the configuration
	 */
	public BridgeConfig forPool(PoolOptions options) {
		Map<String, PythonCallable> merged = this.callables;
		if (!options.callables().isEmpty()) {
			merged = new LinkedHashMap<>(this.callables);
			merged.putAll(options.callables());
		}
		PythonLogSink poolSink = options.logSink();
		CallContextPropagator poolPropagator = options.contextPropagator();
		Boolean logging = options.loggingEnabled();
		Boolean capture = options.captureOutput();
		return new BridgeConfig((poolSink != null) ? poolSink : this.sink,
				(poolPropagator != null) ? poolPropagator : this.propagator, merged,
				(logging != null) ? logging : this.loggingEnabled, (capture != null) ? capture : this.captureOutput);
	}

}
