package dev.embedpython.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.embedpython.Binding;
import dev.embedpython.Isolation;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of embedpython, prefix {@code python}. Values are checked when the runtime and the
 * pools are created; an invalid one fails startup with an
 * {@link org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException} naming the
 * key.
 * <p>
 * Thread contract: bound once at startup by Spring, read-only afterwards.
 */
@ConfigurationProperties("python")
public class PythonProperties {

	/**
	 * Whether to start the embedded Python runtime and create its pools.
	 */
	private boolean enabled = true;

	/**
	 * Home of an external CPython 3.13+ (an installation prefix such as /opt/python3.14, or a venv). When unset,
	 * the bundled runtime is used. Write ${user.home} for the user's home directory.
	 */
	private @Nullable Path home;

	/**
	 * Directory where the bundled runtime is extracted and where classpath entries of 'python.path' that live
	 * inside jars are copied. Must be private to the application's user (owned by it or root, not writable by group
	 * or others, no symbolic links) and on a filesystem mounted with exec; it may be read-only when the runtime was
	 * extracted into it beforehand (dev.embedpython.runtime.BundledPython). Write ${user.home} for the user's home
	 * directory.
	 */
	private @Nullable Path cacheDir;

	/**
	 * Directories prepended to sys.path of every interpreter: file system paths, or 'classpath:' locations such as
	 * 'classpath:python/' (also from an executable jar) and 'classpath*:' locations (every matching classpath
	 * root).
	 */
	private List<String> path = new ArrayList<>();

	/**
	 * How the JVM calls libpython: 'auto' (FFM on JDK 22+, JNA before; the system property 'embedpython.binding'
	 * decides when set), 'ffm' (java.lang.foreign, JDK 22+) or 'jna'. Process-wide: the first runtime started in the
	 * JVM fixes it, and a runtime that asks for the other one fails to start.
	 */
	private Binding binding = Binding.AUTO;

	/**
	 * Default pool, bean 'pythonPool'.
	 */
	private final Pool pool = new Pool();

	/**
	 * Additional named pools, with the keys of 'python.pool'; a key a named pool does not set is inherited from
	 * 'python.pool'. Each becomes a PythonPool bean and a PythonTemplate bean qualified with its name.
	 */
	private Map<String, Pool> pools = new LinkedHashMap<>();

	/**
	 * Development settings.
	 */
	private final Dev dev = new Dev();

	/**
	 * Python's logging and output.
	 */
	private final Logging logging = new Logging();

	/**
	 * Settings of @PythonModule interfaces.
	 */
	private final Modules modules = new Modules();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Path getHome() {
		return this.home;
	}

	public void setHome(@Nullable Path home) {
		this.home = home;
	}

	public @Nullable Path getCacheDir() {
		return this.cacheDir;
	}

	public void setCacheDir(@Nullable Path cacheDir) {
		this.cacheDir = cacheDir;
	}

	public List<String> getPath() {
		return this.path;
	}

	public void setPath(List<String> path) {
		this.path = path;
	}

	public Binding getBinding() {
		return this.binding;
	}

	public void setBinding(Binding binding) {
		this.binding = binding;
	}

	public Pool getPool() {
		return this.pool;
	}

	public Map<String, Pool> getPools() {
		return this.pools;
	}

	public void setPools(Map<String, Pool> pools) {
		this.pools = pools;
	}

	public Dev getDev() {
		return this.dev;
	}

	public Logging getLogging() {
		return this.logging;
	}

	public Modules getModules() {
		return this.modules;
	}

	/**
	 * Settings of @PythonModule interfaces.
	 */
	public static class Modules {

		/**
		 * Number of items a Stream or Iterator method of a @PythonModule interface fetches from Python at once. The
		 * interpreter stays borrowed until the stream is closed or exhausted.
		 */
		private int streamBatchSize = 128;

		/**
		 * Whether to check at startup that the module of every @PythonModule interface imports and that every
		 * method's function exists, is callable and accepts the method's arguments. The check is bounded by its
		 * pool's creation timeout, not by its call timeout.
		 */
		private boolean validate = true;

		public int getStreamBatchSize() {
			return this.streamBatchSize;
		}

		public void setStreamBatchSize(int streamBatchSize) {
			this.streamBatchSize = streamBatchSize;
		}

		public boolean isValidate() {
			return this.validate;
		}

		public void setValidate(boolean validate) {
			this.validate = validate;
		}

	}

	/**
	 * Settings of the development loop.
	 */
	public static class Dev {

		/**
		 * Whether to recycle every pool when a file under a 'python.path' directory on disk changes, so that the
		 * next call runs the new code without a restart. Each own-GIL interpreter recycled leaks about 1.6 MB inside
		 * CPython. When unset, on if spring-boot-devtools is on the class path.
		 */
		private @Nullable Boolean reload;

		/**
		 * How long no file must change before a reload, so that saving several files reloads once.
		 */
		private Duration quietPeriod = Duration.ofMillis(300);

		public @Nullable Boolean getReload() {
			return this.reload;
		}

		public void setReload(@Nullable Boolean reload) {
			this.reload = reload;
		}

		public Duration getQuietPeriod() {
			return this.quietPeriod;
		}

		public void setQuietPeriod(Duration quietPeriod) {
			this.quietPeriod = quietPeriod;
		}

	}

	/**
	 * Settings of one pool of interpreters.
	 */
	public static class Pool {

		/**
		 * Number of interpreters (for the 'main' isolation: sessions of the main interpreter open at once). When
		 * unset, the number of available processors.
		 */
		private @Nullable Integer size;

		/**
		 * How the interpreters are isolated: 'own-gil' sub-interpreters run Python in parallel, 'shared-gil' ones
		 * share the main GIL but accept single-phase-init extension modules, 'main' uses the main interpreter.
		 */
		private Isolation isolation = Isolation.OWN_GIL;

		/**
		 * Longest wait for a free interpreter before a PoolExhaustedException.
		 */
		private Duration acquireTimeout = Duration.ofSeconds(5);

		/**
		 * Longest run of one Python call before a TimeoutError is raised in it. When unset, calls are not limited.
		 */
		private @Nullable Duration callTimeout;

		/**
		 * How long past its call timeout a call may go on (stuck in C code) before its interpreter is taken out of
		 * rotation and replaced.
		 */
		private Duration stuckGracePeriod = Duration.ofSeconds(5);

		/**
		 * Longest wait for calls in flight when the pool closes at shutdown. When unset,
		 * 'spring.lifecycle.timeout-per-shutdown-phase' (30 seconds unless set).
		 */
		private @Nullable Duration drainTimeout;

		/**
		 * Modules imported in every interpreter when it is created, before the application reports ready.
		 */
		private List<String> preload = new ArrayList<>();

		/**
		 * Python code run in every interpreter when it is created, after the preloads.
		 */
		private @Nullable String initScript;

		/**
		 * Number of acquisitions after which an interpreter is recycled; 0 for never.
		 */
		private long maxUses;

		/**
		 * Whether Python code may start threads. When unset, true. Only sub-interpreters enforce it: a 'main' pool
		 * fails to start when it is false.
		 */
		private @Nullable Boolean allowThreads;

		/**
		 * Whether Python code may fork the process (os.fork, pty, fork-based multiprocessing). When unset, false in
		 * sub-interpreters and true in a 'main' pool: the main interpreter cannot prevent it, so a 'main' pool fails
		 * to start when it is false. subprocess, os.system and os.posix_spawn are not affected.
		 */
		private @Nullable Boolean allowFork;

		/**
		 * Whether Python code may exec another program in place of the process (os.exec*, os.spawn*). When unset,
		 * false in sub-interpreters and true in a 'main' pool: the main interpreter cannot prevent it, so a 'main'
		 * pool fails to start when it is false. subprocess, os.system and os.posix_spawn are not affected.
		 */
		private @Nullable Boolean allowExec;

		/**
		 * Longest time the preloads and the init script of one new interpreter may take before creation fails
		 * naming the module or script. Also bounds the startup check of each @PythonModule interface of the pool.
		 */
		private Duration creationTimeout = Duration.ofSeconds(60);

		/**
		 * How long a session may be held before a warning with the stack trace of its acquisition is logged. When
		 * unset, leaks are not detected.
		 */
		private @Nullable Duration leakDetectionThreshold;

		public @Nullable Integer getSize() {
			return this.size;
		}

		public void setSize(@Nullable Integer size) {
			this.size = size;
		}

		public Isolation getIsolation() {
			return this.isolation;
		}

		public void setIsolation(Isolation isolation) {
			this.isolation = isolation;
		}

		public Duration getAcquireTimeout() {
			return this.acquireTimeout;
		}

		public void setAcquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = acquireTimeout;
		}

		public @Nullable Duration getCallTimeout() {
			return this.callTimeout;
		}

		public void setCallTimeout(@Nullable Duration callTimeout) {
			this.callTimeout = callTimeout;
		}

		public Duration getStuckGracePeriod() {
			return this.stuckGracePeriod;
		}

		public void setStuckGracePeriod(Duration stuckGracePeriod) {
			this.stuckGracePeriod = stuckGracePeriod;
		}

		public @Nullable Duration getDrainTimeout() {
			return this.drainTimeout;
		}

		public void setDrainTimeout(@Nullable Duration drainTimeout) {
			this.drainTimeout = drainTimeout;
		}

		public List<String> getPreload() {
			return this.preload;
		}

		public void setPreload(List<String> preload) {
			this.preload = preload;
		}

		public @Nullable String getInitScript() {
			return this.initScript;
		}

		public void setInitScript(@Nullable String initScript) {
			this.initScript = initScript;
		}

		public long getMaxUses() {
			return this.maxUses;
		}

		public void setMaxUses(long maxUses) {
			this.maxUses = maxUses;
		}

		public @Nullable Boolean getAllowThreads() {
			return this.allowThreads;
		}

		public void setAllowThreads(@Nullable Boolean allowThreads) {
			this.allowThreads = allowThreads;
		}

		public @Nullable Boolean getAllowFork() {
			return this.allowFork;
		}

		public void setAllowFork(@Nullable Boolean allowFork) {
			this.allowFork = allowFork;
		}

		public @Nullable Boolean getAllowExec() {
			return this.allowExec;
		}

		public void setAllowExec(@Nullable Boolean allowExec) {
			this.allowExec = allowExec;
		}

		public Duration getCreationTimeout() {
			return this.creationTimeout;
		}

		public void setCreationTimeout(Duration creationTimeout) {
			this.creationTimeout = creationTimeout;
		}

		public @Nullable Duration getLeakDetectionThreshold() {
			return this.leakDetectionThreshold;
		}

		public void setLeakDetectionThreshold(@Nullable Duration leakDetectionThreshold) {
			this.leakDetectionThreshold = leakDetectionThreshold;
		}

		/**
		 * A copy of these settings, the starting point of a named pool.
		 * @return the copy
		 */
		Pool copy() {
			Pool copy = new Pool();
			copy.size = this.size;
			copy.isolation = this.isolation;
			copy.acquireTimeout = this.acquireTimeout;
			copy.callTimeout = this.callTimeout;
			copy.stuckGracePeriod = this.stuckGracePeriod;
			copy.drainTimeout = this.drainTimeout;
			copy.preload = new ArrayList<>(this.preload);
			copy.initScript = this.initScript;
			copy.maxUses = this.maxUses;
			copy.allowThreads = this.allowThreads;
			copy.allowFork = this.allowFork;
			copy.allowExec = this.allowExec;
			copy.creationTimeout = this.creationTimeout;
			copy.leakDetectionThreshold = this.leakDetectionThreshold;
			return copy;
		}

	}

	/**
	 * Where Python's log records and printed lines go.
	 */
	public static class Logging {

		/**
		 * Whether records of Python's logging module go to SLF4J as 'python.<logger name>', at the level SLF4J sets
		 * for that logger.
		 */
		private boolean enabled = true;

		/**
		 * Whether lines written to sys.stdout and sys.stderr go to SLF4J as 'python.stdout' (INFO) and
		 * 'python.stderr' (WARN), one event per line.
		 */
		private boolean captureOutput = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isCaptureOutput() {
			return this.captureOutput;
		}

		public void setCaptureOutput(boolean captureOutput) {
			this.captureOutput = captureOutput;
		}

	}

}
