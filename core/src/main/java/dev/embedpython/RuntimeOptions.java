package dev.embedpython;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

	private final Binding binding;

	private RuntimeOptions(Builder builder) {
		this.home = builder.home;
		this.cacheDir = builder.cacheDir;
		this.paths = List.copyOf(builder.paths);
		this.mainLaneSize = builder.mainLaneSize;
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
			return new RuntimeOptions(this);
		}

	}

}
