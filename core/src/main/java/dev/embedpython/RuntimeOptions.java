package dev.embedpython;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of the process-wide {@link PythonRuntime}.
 */
public final class RuntimeOptions {

	private final @Nullable Path home;

	private final Path cacheDir;

	private final List<Path> paths;

	private final int mainLaneSize;

	private final PythonLogSink logSink;

	private final boolean loggingEnabled;

	private final boolean captureOutput;

	private final CallContextPropagator contextPropagator;

	private final Map<String, PythonCallable> callables;
	private final Binding binding;

	private RuntimeOptions(Builder builder) {
		this.home = builder.home;
		this.cacheDir = builder.cacheDir;
		this.paths = List.copyOf(builder.paths);
		this.mainLaneSize = builder.mainLaneSize;
		this.logSink = builder.logSink;
		this.loggingEnabled = builder.loggingEnabled;
		this.captureOutput = builder.captureOutput;
		this.contextPropagator = builder.contextPropagator;
		this.callables = Callables.copy(builder.callables);
		this.binding = builder.binding;
	}

	/**
	 * The bundled runtime, default cache directory, no extra paths.
	 * @return the defaults
	 */
	public static RuntimeOptions defaults() {
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
	 * The default cache directory, {@code ${user.home}/.cache/embedpython}.
	 * @return the directory
	 */
	public static Path defaultCacheDir() {
		return Path.of(System.getProperty("user.home"), ".cache", "embedpython");
	}

	/**
	 * Home of an external CPython 3.13+ (a prefix such as {@code /opt/python3.14}, or a venv); {@code null} for
	 * the bundled runtime.
	 * @return the home, or {@code null}
	 */
	public @Nullable Path home() {
		return this.home;
	}

	/**
	 * Where the bundled runtime is extracted (in a versioned subdirectory). It must be private to this user (see
	 * {@link dev.embedpython.runtime.PrivateTree}); a read-only one is only verified.
	 * @return the cache directory
	 */
	public Path cacheDir() {
		return this.cacheDir;
	}

	/**
	 * Directories prepended to {@code sys.path} of every interpreter.
	 * @return the paths
	 */
	public List<Path> paths() {
		return this.paths;
	}

	/**
	 * How many sessions of the main interpreter ({@link PythonRuntime#mainInterpreter()}) may be open at once.
	 * @return the size of the {@code MAIN} lane
	 */
	public int mainLaneSize() {
		return this.mainLaneSize;
	}

	/**
	 * Where Python's log records and printed lines go, unless a pool sets its own sink: in the main interpreter,
	 * and as every pool's default.
	 * @return the sink
	 */
	public PythonLogSink logSink() {
		return this.logSink;
	}

	/**
	 * Whether Python's {@code logging} is forwarded to the {@link #logSink()} (in the main interpreter, and as
	 * every pool's default).
	 * @return the flag
	 */
	public boolean loggingEnabled() {
		return this.loggingEnabled;
	}

	/**
	 * Whether {@code sys.stdout} and {@code sys.stderr} are forwarded to the {@link #logSink()} (in the main
	 * interpreter, and as every pool's default).
	 * @return the flag
	 */
	public boolean captureOutput() {
		return this.captureOutput;
	}

	/**
	 * What carries the calling thread's context to the Java code Python runs for a call, unless a pool sets its
	 * own.
	 * @return the propagator
	 */
	public CallContextPropagator contextPropagator() {
		return this.contextPropagator;
	}

	/**
	 * Java functions every interpreter's Python code may call, by name (a pool adds its own).
	 * @return an unmodifiable map, in registration order
	 */
	public Map<String, PythonCallable> callables() {
		return this.callables;
	}

	/**
	 * How the JVM calls libpython: {@link Binding#AUTO} (the default) lets the system property
	 * {@value Binding#SYSTEM_PROPERTY} decide, else FFM on JDK 22+ and JNA before. Process-wide: the first runtime
	 * of the JVM fixes it.
	 * @return the requested binding
	 */
	public Binding binding() {
		return this.binding;
	}

	/**
	 * A builder starting from these options.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.home = this.home;
		builder.cacheDir = this.cacheDir;
		builder.paths = new ArrayList<>(this.paths);
		builder.mainLaneSize = this.mainLaneSize;
		builder.logSink = this.logSink;
		builder.loggingEnabled = this.loggingEnabled;
		builder.captureOutput = this.captureOutput;
		builder.contextPropagator = this.contextPropagator;
		builder.callables = new LinkedHashMap<>(this.callables);
		builder.binding = this.binding;
		return builder;
	}

	@Override
	public String toString() {
		return "RuntimeOptions[home=" + ((this.home != null) ? this.home : "bundled") + ", cacheDir=" + this.cacheDir
				+ ", paths=" + this.paths + ", binding=" + this.binding + "]";
	}

	/**
	 * Builds {@link RuntimeOptions}. Not thread-safe.
	 */
	public static final class Builder {

		private @Nullable Path home;

		private Path cacheDir = defaultCacheDir();

		private List<Path> paths = new ArrayList<>();

		private int mainLaneSize = Math.max(4, Runtime.getRuntime().availableProcessors());

		private PythonLogSink logSink = PythonLogSink.systemLogger();

		private boolean loggingEnabled = true;

		private boolean captureOutput = true;

		private CallContextPropagator contextPropagator = CallContextPropagator.NONE;

		private Map<String, PythonCallable> callables = new LinkedHashMap<>();
		private Binding binding = Binding.AUTO;

		private Builder() {
		}

		/**
		 * Use an external CPython 3.13+ instead of the bundled one.
		 * @param home the prefix or venv directory, {@code null} for the bundled runtime
		 * @return this builder
		 */
		public Builder home(@Nullable Path home) {
			this.home = home;
			return this;
		}

		/**
		 * Where to extract the bundled runtime.
		 * @param cacheDir the directory
		 * @return this builder
		 */
		public Builder cacheDir(Path cacheDir) {
			this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
			return this;
		}

		/**
		 * Directories prepended to {@code sys.path}, replacing any set before.
		 * @param paths the directories
		 * @return this builder
		 */
		public Builder paths(List<Path> paths) {
			this.paths = new ArrayList<>(paths);
			return this;
		}

		/**
		 * Add one directory to {@code sys.path}.
		 * @param path the directory
		 * @return this builder
		 */
		public Builder addPath(Path path) {
			this.paths.add(Objects.requireNonNull(path, "path"));
			return this;
		}

		/**
		 * How many sessions of the main interpreter may be open at once. Default: max(4, processors).
		 * @param mainLaneSize at least 1
		 * @return this builder
		 */
		public Builder mainLaneSize(int mainLaneSize) {
			this.mainLaneSize = mainLaneSize;
			return this;
		}

		/**
		 * Where Python's log records and printed lines go (see {@link PythonLogSink}). Default:
		 * {@link PythonLogSink#systemLogger()}.
		 * @param logSink the sink
		 * @return this builder
		 */
		public Builder logSink(PythonLogSink logSink) {
			this.logSink = Objects.requireNonNull(logSink, "logSink");
			return this;
		}

		/**
		 * Whether Python's {@code logging} is forwarded to the log sink: a handler on Python's root logger, whose
		 * level becomes the sink's. Installed when Python code first imports {@code logging}. Default true.
		 * @param loggingEnabled the flag
		 * @return this builder
		 */
		public Builder loggingEnabled(boolean loggingEnabled) {
			this.loggingEnabled = loggingEnabled;
			return this;
		}

		/**
		 * Whether {@code sys.stdout} and {@code sys.stderr} are forwarded to the log sink, one record per line
		 * ({@code python.stdout} at INFO, {@code python.stderr} at WARNING); a line left unfinished is forwarded
		 * when the call ends. Default true.
		 * @param captureOutput the flag
		 * @return this builder
		 */
		public Builder captureOutput(boolean captureOutput) {
			this.captureOutput = captureOutput;
			return this;
		}

		/**
		 * What carries the calling thread's context (e.g. the SLF4J MDC) to log records and Java callables. Default:
		 * {@link CallContextPropagator#NONE}.
		 * @param contextPropagator the propagator
		 * @return this builder
		 */
		public Builder contextPropagator(CallContextPropagator contextPropagator) {
			this.contextPropagator = Objects.requireNonNull(contextPropagator, "contextPropagator");
			return this;
		}

		/**
		 * Register a Java function that Python code in every interpreter may call by name (see
		 * {@link PythonCallable}), replacing one of the same name.
		 * @param name a Python identifier, e.g. {@code price_of}
		 * @param callable the function
		 * @return this builder
		 */
		public Builder callable(String name, PythonCallable callable) {
			this.callables.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(callable, "callable"));
			return this;
		}

		/**
		 * How the JVM calls libpython. The binding is process-wide: starting a runtime with {@link Binding#FFM} or
		 * {@link Binding#JNA} after another binding was fixed in the JVM fails; {@link Binding#FFM} before JDK 22
		 * fails too. Default: {@link Binding#AUTO}.
		 * @param binding the binding
		 * @return this builder
		 */
		public Builder binding(Binding binding) {
			this.binding = Objects.requireNonNull(binding, "binding");
			return this;
		}

		/**
		 * Validate and build.
		 * @return the options
		 */
		public RuntimeOptions build() {
			if (this.mainLaneSize < 1) {
				throw new IllegalArgumentException(
						"Invalid runtime option 'mainLaneSize': must be at least 1 but was " + this.mainLaneSize);
			}
			String invalid = Callables.invalidName(this.callables.keySet());
			if (invalid != null) {
				throw new IllegalArgumentException("Invalid runtime option 'callables[" + invalid + "]': "
						+ Callables.NAME_RULE);
			}
			return new RuntimeOptions(this);
		}

	}

}
