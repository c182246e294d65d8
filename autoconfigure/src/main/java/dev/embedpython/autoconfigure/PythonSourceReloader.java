package dev.embedpython.autoconfigure;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.embedpython.Isolation;
import dev.embedpython.PythonPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * The dev loop of {@code python.dev.reload}: watches the {@code python.path} directories on disk and, when files
 * under them change, recycles every pool so that the next call runs the new code, without restarting the JVM or
 * the context. Changes are debounced: a reload happens once no file has changed for the quiet period
 * ({@code python.dev.quiet-period}), so saving several files at once reloads once. Bytecode caches
 * ({@code __pycache__}, {@code .pyc}) are ignored, since the new interpreters write them.
 * <p>
 * Recycling ends each sub-interpreter and creates a new one, which imports the preloads again; CPython keeps about
 * 1.6 MB of every own-GIL interpreter it ends (its allocator arenas), so each reload of a pool of N interpreters
 * costs about N × 1.6 MB until the JVM restarts: a development tool, not for production. A {@code main} pool
 * cannot be recycled (its modules stay loaded). Reloads are counted ({@link #reloadCount()}, the
 * {@code python.dev.reloads} meter).
 * <p>
 * Thread contract: {@link #start()} and {@link #stop()} are called by the context's lifecycle processor; the
 * watching runs on one daemon thread, {@code python-reload}.
 */
public class PythonSourceReloader implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PythonSourceReloader.class);

	private final List<Path> directories;

	private final ObjectProvider<PythonPool> pools;

	private final Duration quietPeriod;

	private final AtomicLong reloads = new AtomicLong();

	private final Map<WatchKey, Path> watched = new ConcurrentHashMap<>();

	private volatile @Nullable WatchService watchService;

	private volatile @Nullable Thread thread;

	/**
	 * Create a reloader.
	 * @param directories the directories to watch (non-directories are ignored)
	 * @param pools the pools to recycle, looked up on every reload
	 * @param quietPeriod how long no file must change before a reload
	 */
	public PythonSourceReloader(List<Path> directories, ObjectProvider<PythonPool> pools, Duration quietPeriod) {
		this.directories = directories.stream().filter(Files::isDirectory).toList();
		this.pools = Objects.requireNonNull(pools, "pools");
		this.quietPeriod = Objects.requireNonNull(quietPeriod, "quietPeriod");
	}

	/**
	 * The directories watched, with their subdirectories.
	 * @return the directories
	 */
	public List<Path> getDirectories() {
		return this.directories;
	}

	/**
	 * How many reloads have happened.
	 * @return the count
	 */
	public long reloadCount() {
		return this.reloads.get();
	}

	@Override
	public synchronized void start() {
		if (this.thread != null) {
			return;
		}
		if (this.directories.isEmpty()) {
			logger.info("python.dev.reload is on but python.path has no directory on disk to watch");
			return;
		}
		WatchService service;
		try {
			service = FileSystems.getDefault().newWatchService();
			for (Path directory : this.directories) {
				registerTree(service, directory);
			}
		}
		catch (IOException ex) {
			logger.warn("python.dev.reload could not watch " + this.directories + ": " + ex.getMessage());
			return;
		}
		this.watchService = service;
		Thread watcher = new Thread(() -> watch(service), "python-reload");
		watcher.setDaemon(true);
		this.thread = watcher;
		watcher.start();
		logger.info("python.dev.reload: watching " + this.directories + "; a change recycles the pools (each "
				+ "own-GIL interpreter recycled leaks about 1.6 MB inside CPython: restart the JVM now and then)");
	}

	@Override
	public synchronized void stop() {
		WatchService service = this.watchService;
		Thread watcher = this.thread;
		this.watchService = null;
		this.thread = null;
		this.watched.clear();
		if (service != null) {
			try {
				service.close();
			}
			catch (IOException ex) {
				// closing wakes the watcher either way
			}
		}
		if (watcher != null && watcher != Thread.currentThread()) {
			try {
				watcher.join(TimeUnit.SECONDS.toMillis(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

	@Override
	public int getPhase() {
		// After the pools are warm (PythonLifecycle), stopped before them.
		return PythonLifecycle.PHASE + 1;
	}

	private void registerTree(WatchService service, Path root) throws IOException {
		Files.walkFileTree(root, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
				if (!dir.equals(root) && isIgnored(dir)) {
					return FileVisitResult.SKIP_SUBTREE;
				}
				WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
						StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
				PythonSourceReloader.this.watched.put(key, dir);
				return FileVisitResult.CONTINUE;
			}

		});
	}

	private void watch(WatchService service) {
		try {
			while (true) {
				WatchKey first = service.take();
				TreeSet<String> changed = new TreeSet<>();
				collect(service, first, changed);
				// Debounce: keep collecting until the files have been quiet for the quiet period.
				for (WatchKey next = service.poll(this.quietPeriod.toNanos(), TimeUnit.NANOSECONDS); next != null;
						next = service.poll(this.quietPeriod.toNanos(), TimeUnit.NANOSECONDS)) {
					collect(service, next, changed);
				}
				if (!changed.isEmpty()) {
					reload(changed);
				}
			}
		}
		catch (ClosedWatchServiceException ex) {
			// stopped
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.error("python.dev.reload stopped watching after an error", ex);
		}
	}

	private void collect(WatchService service, WatchKey key, TreeSet<String> changed) {
		Path directory = this.watched.get(key);
		for (WatchEvent<?> event : key.pollEvents()) {
			if (directory == null || event.kind() == StandardWatchEventKinds.OVERFLOW) {
				changed.add("(unknown files: too many events)");
				continue;
			}
			Path path = directory.resolve((Path) event.context());
			if (isIgnored(path)) {
				continue;
			}
			if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(path)) {
				try {
					registerTree(service, path);
				}
				catch (IOException ex) {
					logger.warn("python.dev.reload could not watch new directory " + path + ": " + ex.getMessage());
				}
			}
			changed.add(relative(path));
		}
		if (!key.reset()) {
			this.watched.remove(key);
		}
	}

	private String relative(Path path) {
		for (Path directory : this.directories) {
			if (path.startsWith(directory)) {
				return directory.relativize(path).toString();
			}
		}
		return path.toString();
	}

	private static boolean isIgnored(Path path) {
		String name = String.valueOf(path.getFileName());
		return name.equals("__pycache__") || name.endsWith(".pyc") || name.startsWith(".") || name.endsWith("~")
				|| path.toString().contains("/__pycache__/");
	}

	private void reload(TreeSet<String> changed) {
		List<String> recycled = new ArrayList<>();
		List<String> kept = new ArrayList<>();
		for (PythonPool pool : this.pools.orderedStream(ObjectProvider.UNFILTERED).toList()) {
			if (!pool.isOpen()) {
				continue;
			}
			if (pool.options().isolation() == Isolation.MAIN) {
				kept.add("'" + pool.name() + "'");
				continue;
			}
			try {
				pool.recycle();
				recycled.add("'" + pool.name() + "' (" + pool.options().size() + ")");
			}
			catch (RuntimeException ex) {
				logger.warn("python.dev.reload could not recycle pool '" + pool.name() + "': " + ex.getMessage());
			}
		}
		long count = this.reloads.incrementAndGet();
		logger.info("Python sources changed " + changed + "; reload " + count + ": recycled pools "
				+ String.join(", ", recycled)
				+ (kept.isEmpty() ? "" : "; main-interpreter pools keep their modules (restart to reload): "
						+ String.join(", ", kept)));
	}

}
