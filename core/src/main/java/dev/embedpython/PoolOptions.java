package dev.embedpython;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link PythonPool}. Invalid values are refused by {@link Builder#build()} with a message
 * naming the setting.
 */
public final class PoolOptions {

	private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

	private final String name;

	private final int size;

	private final Isolation isolation;

	private final Duration acquireTimeout;

	private final @Nullable Duration callTimeout;

	private final Duration stuckGracePeriod;

	private final Duration drainTimeout;

	private final List<String> preload;

	private final @Nullable String initScript;

	private final long maxUses;

	private final @Nullable Boolean allowThreads;

	private final @Nullable Boolean allowFork;

	private final @Nullable Boolean allowExec;

	private final Duration creationTimeout;

	private final @Nullable Duration leakDetectionThreshold;

	private final @Nullable PythonLogSink logSink;

	private final @Nullable Boolean loggingEnabled;

	private final @Nullable Boolean captureOutput;

	private final @Nullable CallContextPropagator contextPropagator;

	private final Map<String, PythonCallable> callables;

	private PoolOptions(Builder builder) {
		this.name = builder.name;
		this.size = builder.size;
		this.isolation = builder.isolation;
		this.acquireTimeout = builder.acquireTimeout;
		this.callTimeout = builder.callTimeout;
		this.stuckGracePeriod = builder.stuckGracePeriod;
		this.drainTimeout = builder.drainTimeout;
		this.preload = List.copyOf(builder.preload);
		this.initScript = builder.initScript;
		this.maxUses = builder.maxUses;
		this.allowThreads = builder.allowThreads;
		this.allowFork = builder.allowFork;
		this.allowExec = builder.allowExec;
		this.creationTimeout = builder.creationTimeout;
		this.leakDetectionThreshold = builder.leakDetectionThreshold;
		this.logSink = builder.logSink;
		this.loggingEnabled = builder.loggingEnabled;
		this.captureOutput = builder.captureOutput;
		this.contextPropagator = builder.contextPropagator;
		this.callables = Callables.copy(builder.callables);
	}

	/**
	 * Options with every default.
	 * @return the defaults
	 */
	public static PoolOptions defaults() {
		return builder().build();
	}

	/**
	 * A builder starting from the defaults.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * A builder starting from these options.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.name = this.name;
		builder.size = this.size;
		builder.isolation = this.isolation;
		builder.acquireTimeout = this.acquireTimeout;
		builder.callTimeout = this.callTimeout;
		builder.stuckGracePeriod = this.stuckGracePeriod;
		builder.drainTimeout = this.drainTimeout;
		builder.preload = this.preload;
		builder.initScript = this.initScript;
		builder.maxUses = this.maxUses;
		builder.allowThreads = this.allowThreads;
		builder.allowFork = this.allowFork;
		builder.allowExec = this.allowExec;
		builder.creationTimeout = this.creationTimeout;
		builder.leakDetectionThreshold = this.leakDetectionThreshold;
		builder.logSink = this.logSink;
		builder.loggingEnabled = this.loggingEnabled;
		builder.captureOutput = this.captureOutput;
		builder.contextPropagator = this.contextPropagator;
		builder.callables = new LinkedHashMap<>(this.callables);
		return builder;
	}

	public String name() {
		return this.name;
	}

	public int size() {
		return this.size;
	}

	public Isolation isolation() {
		return this.isolation;
	}

	public Duration acquireTimeout() {
		return this.acquireTimeout;
	}

	public @Nullable Duration callTimeout() {
		return this.callTimeout;
	}

	public Duration stuckGracePeriod() {
		return this.stuckGracePeriod;
	}

	public Duration drainTimeout() {
		return this.drainTimeout;
	}

	public List<String> preload() {
		return this.preload;
	}

	public @Nullable String initScript() {
		return this.initScript;
	}

	public long maxUses() {
		return this.maxUses;
	}

	/**
	 * Whether Python code may start threads. Unless set: true.
	 * @return the flag
	 */
	public boolean allowThreads() {
		return (this.allowThreads != null) ? this.allowThreads : true;
	}

	/**
	 * Whether Python code may fork. Unless set: false in sub-interpreters, true in the main interpreter (which
	 * cannot prevent it).
	 * @return the flag
	 */
	public boolean allowFork() {
		return (this.allowFork != null) ? this.allowFork : this.isolation == Isolation.MAIN;
	}

	/**
	 * Whether Python code may exec. Unless set: false in sub-interpreters, true in the main interpreter (which
	 * cannot prevent it).
	 * @return the flag
	 */
	public boolean allowExec() {
		return (this.allowExec != null) ? this.allowExec : this.isolation == Isolation.MAIN;
	}

	public Duration creationTimeout() {
		return this.creationTimeout;
	}

	public @Nullable Duration leakDetectionThreshold() {
		return this.leakDetectionThreshold;
	}

	/**
	 * Where the pool's log records and printed lines go; {@code null} for the runtime's
	 * ({@link RuntimeOptions#logSink()}).
	 * @return the sink, or {@code null}
	 */
	public @Nullable PythonLogSink logSink() {
		return this.logSink;
	}

	/**
	 * Whether Python's {@code logging} is forwarded in the pool's interpreters; {@code null} for the runtime's
	 * setting. A {@link Isolation#MAIN} pool shares the main interpreter, set up with the runtime's.
	 * @return the flag, or {@code null}
	 */
	public @Nullable Boolean loggingEnabled() {
		return this.loggingEnabled;
	}

	/**
	 * Whether {@code sys.stdout} and {@code sys.stderr} are forwarded in the pool's interpreters; {@code null} for
	 * the runtime's setting. A {@link Isolation#MAIN} pool shares the main interpreter, set up with the runtime's.
	 * @return the flag, or {@code null}
	 */
	public @Nullable Boolean captureOutput() {
		return this.captureOutput;
	}

	/**
	 * What carries the calling thread's context to the Java code Python runs for the pool's calls; {@code null} for
	 * the runtime's.
	 * @return the propagator, or {@code null}
	 */
	public @Nullable CallContextPropagator contextPropagator() {
		return this.contextPropagator;
	}

	/**
	 * Java functions the pool's Python code may call by name, besides the runtime's (a name registered in both is
	 * the pool's).
	 * @return an unmodifiable map, in registration order
	 */
	public Map<String, PythonCallable> callables() {
		return this.callables;
	}

	@Override
	public String toString() {
		return "PoolOptions[name=" + this.name + ", size=" + this.size + ", isolation=" + this.isolation
				+ ", acquireTimeout=" + this.acquireTimeout + ", callTimeout=" + this.callTimeout + ", maxUses="
				+ this.maxUses + ", preload=" + this.preload + "]";
	}

	/**
	 * Builds {@link PoolOptions}. Not thread-safe.
	 */
	public static final class Builder {

		private String name = "default";

		private int size = Runtime.getRuntime().availableProcessors();

		private Isolation isolation = Isolation.OWN_GIL;

		private Duration acquireTimeout = Duration.ofSeconds(5);

		private @Nullable Duration callTimeout;

		private Duration stuckGracePeriod = Duration.ofSeconds(5);

		private Duration drainTimeout = Duration.ofSeconds(10);

		private List<String> preload = List.of();

		private @Nullable String initScript;

		private long maxUses;

		private @Nullable Boolean allowThreads;

		private @Nullable Boolean allowFork;

		private @Nullable Boolean allowExec;

		private Duration creationTimeout = Duration.ofSeconds(60);

		private @Nullable Duration leakDetectionThreshold;

		private @Nullable PythonLogSink logSink;

		private @Nullable Boolean loggingEnabled;

		private @Nullable Boolean captureOutput;

		private @Nullable CallContextPropagator contextPropagator;

		private Map<String, PythonCallable> callables = new LinkedHashMap<>();

		private Builder() {
		}

		/**
		 * Name of the pool, used in messages, metrics and health. Default {@code default}.
		 * @param name the name
		 * @return this builder
		 */
		public Builder name(String name) {
			this.name = Objects.requireNonNull(name, "name");
			return this;
		}

		/**
		 * Number of interpreters. Default: available processors. Ignored by nothing: the {@code MAIN} lane uses it
		 * as the number of concurrent sessions.
		 * @param size at least 1
		 * @return this builder
		 */
		public Builder size(int size) {
			this.size = size;
			return this;
		}

		/**
		 * How interpreters are isolated. Default {@link Isolation#OWN_GIL}.
		 * @param isolation the isolation
		 * @return this builder
		 */
		public Builder isolation(Isolation isolation) {
			this.isolation = Objects.requireNonNull(isolation, "isolation");
			return this;
		}

		/**
		 * Longest wait in {@link PythonPool#acquire()}. Default 5 s.
		 * @param acquireTimeout zero or positive
		 * @return this builder
		 */
		public Builder acquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = Objects.requireNonNull(acquireTimeout, "acquireTimeout");
			return this;
		}

		/**
		 * Longest run of one call before a {@code TimeoutError} is raised in it; {@code null} (the default) for no
		 * limit.
		 * @param callTimeout positive, or {@code null}
		 * @return this builder
		 */
		public Builder callTimeout(@Nullable Duration callTimeout) {
			this.callTimeout = callTimeout;
			return this;
		}

		/**
		 * How long past its call timeout a call may go on (stuck in C code, deaf to the {@code TimeoutError}) before
		 * its interpreter is taken out of rotation and replaced. Default 5 s.
		 * @param stuckGracePeriod positive
		 * @return this builder
		 */
		public Builder stuckGracePeriod(Duration stuckGracePeriod) {
			this.stuckGracePeriod = Objects.requireNonNull(stuckGracePeriod, "stuckGracePeriod");
			return this;
		}

		/**
		 * How long {@link PythonPool#close()} waits for calls in flight before interrupting them. Default 10 s.
		 * @param drainTimeout zero or positive
		 * @return this builder
		 */
		public Builder drainTimeout(Duration drainTimeout) {
			this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
			return this;
		}

		/**
		 * Modules imported in every interpreter when it is created.
		 * @param preload module names
		 * @return this builder
		 */
		public Builder preload(List<String> preload) {
			this.preload = List.copyOf(preload);
			return this;
		}

		/**
		 * Code run in every interpreter when it is created, after the preloads.
		 * @param initScript Python source, or {@code null}
		 * @return this builder
		 */
		public Builder initScript(@Nullable String initScript) {
			this.initScript = initScript;
			return this;
		}

		/**
		 * Recycle an interpreter after this many acquisitions; 0 (the default) for never.
		 * @param maxUses zero or positive
		 * @return this builder
		 */
		public Builder maxUses(long maxUses) {
			this.maxUses = maxUses;
			return this;
		}

		/**
		 * Whether Python code may start threads ({@code PyInterpreterConfig.allow_threads}). Default true. Only
		 * sub-interpreters enforce it: a {@link Isolation#MAIN} pool refuses {@code false}.
		 * @param allowThreads the flag
		 * @return this builder
		 */
		public Builder allowThreads(boolean allowThreads) {
			this.allowThreads = allowThreads;
			return this;
		}

		/**
		 * Whether Python code may fork ({@code PyInterpreterConfig.allow_fork}). Default false in sub-interpreters.
		 * The main interpreter cannot enforce it: a {@link Isolation#MAIN} pool refuses {@code false}.
		 * @param allowFork the flag
		 * @return this builder
		 */
		public Builder allowFork(boolean allowFork) {
			this.allowFork = allowFork;
			return this;
		}

		/**
		 * Whether Python code may exec ({@code PyInterpreterConfig.allow_exec}). Default false in sub-interpreters.
		 * The main interpreter cannot enforce it: a {@link Isolation#MAIN} pool refuses {@code false}.
		 * @param allowExec the flag
		 * @return this builder
		 */
		public Builder allowExec(boolean allowExec) {
			this.allowExec = allowExec;
			return this;
		}

		/**
		 * Longest time the preloads and the init script of one new interpreter may take; past it they are
		 * interrupted with {@code TimeoutError} and creation fails naming the module or script. Default 60 s. It
		 * also bounds each call of the set-up work run with {@link PythonPool#executeSetUp}, where it is longer
		 * than the call timeout.
		 * @param creationTimeout positive
		 * @return this builder
		 */
		public Builder creationTimeout(Duration creationTimeout) {
			this.creationTimeout = Objects.requireNonNull(creationTimeout, "creationTimeout");
			return this;
		}

		/**
		 * How long a session may stay borrowed before a warning with the stack trace of its acquisition is logged
		 * (a session that is never closed holds its interpreter for good); {@code null} (the default) for no
		 * detection. Capturing the stack costs a few microseconds per acquisition while enabled.
		 * @param leakDetectionThreshold positive, or {@code null}
		 * @return this builder
		 */
		public Builder leakDetectionThreshold(@Nullable Duration leakDetectionThreshold) {
			this.leakDetectionThreshold = leakDetectionThreshold;
			return this;
		}

		/**
		 * Where the pool's Python log records and printed lines go, instead of the runtime's sink.
		 * @param logSink the sink, or {@code null} for the runtime's
		 * @return this builder
		 */
		public Builder logSink(@Nullable PythonLogSink logSink) {
			this.logSink = logSink;
			return this;
		}

		/**
		 * Whether Python's {@code logging} is forwarded to the log sink in the pool's sub-interpreters (see
		 * {@link RuntimeOptions.Builder#loggingEnabled}). Default: the runtime's setting.
		 * @param loggingEnabled the flag
		 * @return this builder
		 */
		public Builder loggingEnabled(boolean loggingEnabled) {
			this.loggingEnabled = loggingEnabled;
			return this;
		}

		/**
		 * Whether {@code sys.stdout} and {@code sys.stderr} are forwarded to the log sink in the pool's
		 * sub-interpreters (see {@link RuntimeOptions.Builder#captureOutput}). Default: the runtime's setting.
		 * @param captureOutput the flag
		 * @return this builder
		 */
		public Builder captureOutput(boolean captureOutput) {
			this.captureOutput = captureOutput;
			return this;
		}

		/**
		 * What carries the calling thread's context to the Java code Python runs for the pool's calls, instead of
		 * the runtime's.
		 * @param contextPropagator the propagator, or {@code null} for the runtime's
		 * @return this builder
		 */
		public Builder contextPropagator(@Nullable CallContextPropagator contextPropagator) {
			this.contextPropagator = contextPropagator;
			return this;
		}

		/**
		 * Register a Java function that the pool's Python code may call by name (see {@link PythonCallable}),
		 * replacing one of the same name.
		 * @param name a Python identifier, e.g. {@code price_of}
		 * @param callable the function
		 * @return this builder
		 */
		public Builder callable(String name, PythonCallable callable) {
			this.callables.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(callable, "callable"));
			return this;
		}

		/**
		 * Validate and build.
		 * @return the options
		 * @throws IllegalArgumentException naming the first invalid setting
		 */
		public PoolOptions build() {
			require(!this.name.isBlank(), "name", this.name, "must not be blank");
			require(this.size >= 1, "size", this.size, "must be at least 1");
			require(!this.acquireTimeout.isNegative(), "acquireTimeout", this.acquireTimeout, "must not be negative");
			require(this.callTimeout == null || (!this.callTimeout.isNegative() && !this.callTimeout.isZero()),
					"callTimeout", this.callTimeout, "must be positive (or null for no limit)");
			require(!this.stuckGracePeriod.isNegative() && !this.stuckGracePeriod.isZero(), "stuckGracePeriod",
					this.stuckGracePeriod, "must be positive");
			require(!this.drainTimeout.isNegative(), "drainTimeout", this.drainTimeout, "must not be negative");
			require(this.maxUses >= 0, "maxUses", this.maxUses, "must not be negative (0 for never)");
			require(!this.creationTimeout.isNegative() && !this.creationTimeout.isZero(), "creationTimeout",
					this.creationTimeout, "must be positive");
			require(this.leakDetectionThreshold == null
					|| (!this.leakDetectionThreshold.isNegative() && !this.leakDetectionThreshold.isZero()),
					"leakDetectionThreshold", this.leakDetectionThreshold,
					"must be positive (or null for no leak detection)");
			if (this.isolation == Isolation.MAIN) {
				// PyInterpreterConfig's allow_* flags apply to sub-interpreters only; a false one would be ignored.
				requireEnforceable(this.allowThreads, "allowThreads");
				requireEnforceable(this.allowFork, "allowFork");
				requireEnforceable(this.allowExec, "allowExec");
			}
			String invalid = Callables.invalidName(this.callables.keySet());
			require(invalid == null, "callables[" + invalid + "]", invalid, Callables.NAME_RULE);
			for (int i = 0; i < this.preload.size(); i++) {
				String module = this.preload.get(i);
				require(module != null && MODULE_NAME.matcher(module).matches(), "preload[" + i + "]", module,
						"is not a module name");
			}
			return new PoolOptions(this);
		}

		private static void requireEnforceable(@Nullable Boolean flag, String setting) {
			require(!Boolean.FALSE.equals(flag), setting, flag, "false cannot be enforced by the main interpreter "
					+ "(CPython applies allow_fork, allow_exec and allow_threads to sub-interpreters only); leave it unset "
					+ "in a MAIN pool, or use isolation OWN_GIL or SHARED_GIL to restrict Python code");
		}

		private static void require(boolean condition, String setting, @Nullable Object value, String problem) {
			if (!condition) {
				throw new InvalidPoolOptionException(setting, value, problem);
			}
		}

	}

}
