package dev.embedpython.autoconfigure.endpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import dev.embedpython.Binding;
import dev.embedpython.InterpreterInfo;
import dev.embedpython.PoolStats;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@link Endpoint @Endpoint} {@code python}: the runtime (version, home, bundled or external, binding) and each pool with its
 * interpreters (read), one pool ({@code /python/{pool}}, read), and {@code recycle} of one pool (write: every
 * interpreter is replaced, busy ones when their session ends). The endpoint's default access is read-only, like
 * Boot's own endpoints that change state: {@code recycle} is reachable only with
 * {@code management.endpoint.python.access: unrestricted} (and the endpoint exposed), even where every endpoint is
 * exposed.
 * <p>
 * Thread contract: thread-safe.
 */
@Endpoint(id = "python", defaultAccess = Access.READ_ONLY)
public class PythonEndpoint {

	private final PythonRuntime runtime;

	private final Supplier<? extends List<PythonPool>> pools;

	/**
	 * Create the endpoint.
	 * @param runtime the runtime
	 * @param pools the pools, looked up on every request
	 */
	public PythonEndpoint(PythonRuntime runtime, Supplier<? extends List<PythonPool>> pools) {
		this.runtime = Objects.requireNonNull(runtime, "runtime");
		this.pools = Objects.requireNonNull(pools, "pools");
	}

	/**
	 * The runtime and every pool.
	 * @return the description
	 */
	@ReadOperation
	public PythonDescriptor python() {
		Map<String, PoolDescriptor> pools = new LinkedHashMap<>();
		for (PythonPool pool : this.pools.get()) {
			pools.put(pool.name(), describe(pool));
		}
		boolean running = this.runtime.isRunning();
		return new PythonDescriptor(running, running ? this.runtime.version() : null,
				running ? this.runtime.home().toString() : null, running && this.runtime.isBundled(),
				running ? this.runtime.binding() : null, pools);
	}

	/**
	 * One pool.
	 * @param pool the pool's name
	 * @return its description, {@code null} (404) if there is no such pool
	 */
	@ReadOperation
	public @Nullable PoolDescriptor pool(@Selector String pool) {
		PythonPool found = find(pool);
		return (found != null) ? describe(found) : null;
	}

	/**
	 * Replace every interpreter of a pool gracefully: idle ones at once, busy ones when their session is closed.
	 * @param pool the pool's name
	 */
	@WriteOperation
	public void recycle(@Selector String pool) {
		PythonPool found = find(pool);
		if (found == null) {
			throw new InvalidEndpointRequestException("No Python pool named '" + pool + "' (pools: " + names() + ")",
					"No such pool");
		}
		found.recycle();
	}

	private @Nullable PythonPool find(String name) {
		for (PythonPool pool : this.pools.get()) {
			if (pool.name().equals(name)) {
				return pool;
			}
		}
		return null;
	}

	private List<String> names() {
		return this.pools.get().stream().map(PythonPool::name).toList();
	}

	private static PoolDescriptor describe(PythonPool pool) {
		PoolStats stats = pool.stats();
		List<InterpreterDescriptor> interpreters = pool.interpreters()
			.stream()
			.map(InterpreterDescriptor::new)
			.toList();
		return new PoolDescriptor(pool.options().isolation().name().toLowerCase(Locale.ROOT).replace('_', '-'),
				pool.isOpen(), stats.size(), stats.active(), stats.idle(), stats.pending(), stats.stuck(),
				stats.created(), stats.recycled(), stats.timeouts(), interpreters);
	}

	/**
	 * The runtime and its pools.
	 *
	 * @param running whether the runtime is running
	 * @param version the CPython version, {@code null} when not running
	 * @param home the CPython home, {@code null} when not running
	 * @param bundled whether it is the bundled runtime rather than an external {@code python.home}
	 * @param binding how the JVM calls libpython (FFM or JNA), {@code null} when not running
	 * @param pools the pools by name
	 */
	public record PythonDescriptor(boolean running, @Nullable String version, @Nullable String home, boolean bundled,
			@Nullable Binding binding, Map<String, PoolDescriptor> pools) implements OperationResponseBody {
	}

	/**
	 * One pool.
	 *
	 * @param isolation {@code own-gil}, {@code shared-gil} or {@code main}
	 * @param open whether the pool accepts work
	 * @param size interpreters in rotation
	 * @param active interpreters lent to a session
	 * @param idle interpreters ready to be lent
	 * @param pending threads waiting for an interpreter
	 * @param stuck interpreters taken out of rotation
	 * @param created interpreters created since the pool started
	 * @param recycled interpreters replaced since the pool started
	 * @param timeouts calls that exceeded the call timeout
	 * @param interpreters each interpreter
	 */
	public record PoolDescriptor(String isolation, boolean open, int size, int active, int idle, int pending,
			int stuck, long created, long recycled, long timeouts,
			List<InterpreterDescriptor> interpreters) implements OperationResponseBody {
	}

	/**
	 * One interpreter.
	 *
	 * @param id CPython's interpreter id ({@code 0} is the main interpreter)
	 * @param state {@code idle}, {@code active}, {@code stuck}, {@code retiring} or {@code closed}
	 * @param uses acquisitions served so far
	 * @param age time since it was created, ISO-8601 ({@code PT1M30S})
	 */
	public record InterpreterDescriptor(long id, String state, long uses, String age) {

		InterpreterDescriptor(InterpreterInfo info) {
			this(info.id(), info.state(), info.uses(), info.age().toString());
		}

	}

}
