package dev.embedpython.interpreter;

import java.time.Duration;
import java.util.List;

import dev.embedpython.Isolation;
import org.jspecify.annotations.Nullable;

/**
 * What an interpreter is made from: how it is isolated, what its code may do, and how it is set up.
 * @param label who it is for (a pool's name), in thread names and messages
 * @param isolation {@code OWN_GIL} or {@code SHARED_GIL} for a sub-interpreter; {@code MAIN} to set up the main one
 * @param allowFork whether {@code os.fork()} is allowed
 * @param allowExec whether {@code os.exec*()} is allowed
 * @param allowThreads whether Python code may start threads
 * @param preload modules imported right after creation
 * @param initScript code run after the preloads, {@code null} for none
 * @param setUpTimeout how long the preloads and the init script may take together
 * @param bridge what its Python code reaches of the JVM (the pool's {@link BridgeConfig})
 */
public record InterpreterSpec(String label, Isolation isolation, boolean allowFork, boolean allowExec,
		boolean allowThreads, List<String> preload, @Nullable String initScript, Duration setUpTimeout,
		BridgeConfig bridge) {

	public InterpreterSpec {
		preload = List.copyOf(preload);
	}

	/**
	 * Whether there is anything to set up after creation.
	 * @return {@code true} with preloads or a non-blank init script
	 */
	boolean hasSetUp() {
		return !this.preload.isEmpty() || (this.initScript != null && !this.initScript.isBlank());
	}

}
