package dev.embedpython.autoconfigure;

import java.nio.file.Path;

import dev.embedpython.PythonRuntime;
import dev.embedpython.RuntimeOptions;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Holds one reference to the runtime for the whole test run, so that the many short-lived test contexts take and
 * release references to a running runtime instead of initializing and finalizing CPython each time (which costs
 * time and leaks about 10 MB per cycle). Disabled with {@code -Dembedpython.test.share-runtime=false}, as the build
 * does for the tests that need a JVM of their own ({@code @Tag("own-jvm")}).
 * <p>
 * Thread contract: called by the JUnit launcher, once at the start and once at the end of the session.
 */
public class SharedRuntimeSessionListener implements LauncherSessionListener {

	private PythonRuntime runtime;

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		if (Boolean.parseBoolean(System.getProperty("embedpython.test.share-runtime", "true"))) {
			this.runtime = PythonRuntime
				.start(RuntimeOptions.builder().cacheDir(Path.of(TestPython.cacheDir())).build());
		}
	}

	@Override
	public void launcherSessionClosed(LauncherSession session) {
		if (this.runtime != null) {
			this.runtime.close();
			this.runtime = null;
		}
	}

}
