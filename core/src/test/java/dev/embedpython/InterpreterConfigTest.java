package dev.embedpython;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What a pooled interpreter lets Python code do ({@code PyInterpreterConfig}: threads, exec), what it keeps to itself
 * ({@code sys.path}), and the pool defaults the README promises.
 */
class InterpreterConfigTest {

	private static PythonRuntime runtime;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
	}

	@AfterAll
	static void stop() {
		runtime.close();
	}

	private static final String START_THREAD = "import threading\nresult = []\n"
			+ "t = threading.Thread(target=lambda: result.append('ran'))\nt.start()\nt.join()\n";

	@Test
	void threadsAreAllowedByDefault() {
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("threads").size(1).build())) {
			assertThat(pool.options().allowThreads()).isTrue();
			Object result = pool.execute((s) -> {
				s.exec(START_THREAD);
				return s.eval("result");
			});
			assertThat(result).isEqualTo(List.of("ran"));
		}
	}

	@Test
	void threadsAreRefusedWhenDisallowed() {
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("no-threads").size(1).allowThreads(false)
			.build())) {
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> pool.execute((s) -> {
						s.exec(START_THREAD);
						return null;
					}));
			assertThat(ex).as("what starting a thread raised").isNotNull();
			assertThat(ex.pythonType()).isEqualTo("RuntimeError");
			assertThat(ex.pythonMessage()).contains("thread");
		}
	}

	/**
	 * {@code os.execv} of a program that does not exist: an interpreter without {@code allow_exec} refuses the call
	 * itself ({@code RuntimeError}); one with it tries, and the kernel's {@code ENOENT} leaves the JVM running.
	 */
	private static final String EXEC_MISSING = "__import__('os').execv('/nonexistent/embedpython-no-such-program', "
			+ "['embedpython-no-such-program'])";

	@Test
	void execIsRefusedByDefault() {
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("no-exec").size(1).build())) {
			assertThat(pool.options().allowExec()).isFalse();
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> pool.execute((s) -> s.eval(EXEC_MISSING)));
			assertThat(ex).as("what os.execv raised").isNotNull();
			assertThat(ex.pythonType()).isEqualTo("RuntimeError");
			assertThat(ex.pythonMessage()).contains("exec");
		}
	}

	@Test
	void execIsAllowedWhenConfigured() {
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("exec").size(1).allowExec(true).build())) {
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> pool.execute((s) -> s.eval(EXEC_MISSING)));
			assertThat(ex).as("what os.execv raised").isNotNull();
			assertThat(ex.pythonType()).isEqualTo("FileNotFoundError");
		}
	}

	/**
	 * The interpreter's own record of its {@code PyInterpreterConfig}. Forking itself is not tried: the child would be
	 * a copy of the JVM.
	 */
	private static final String CONFIG = "(lambda i: {k: getattr(i.get_config(i.get_current()[0]), k) "
			+ "for k in ('allow_fork', 'allow_exec', 'allow_threads')})(__import__('_interpreters'))";

	@Test
	void forkIsAllowedOnlyWhenConfigured() {
		try (PythonPool allowed = runtime.newPool(PoolOptions.builder().name("fork").size(1).allowFork(true).build());
				PythonPool refused = runtime.newPool(PoolOptions.builder().name("no-fork").size(1).build())) {
			Map<String, Object> allowedConfig = allowed.execute((s) -> config(s));
			Map<String, Object> refusedConfig = refused.execute((s) -> config(s));
			assertThat(allowedConfig).containsEntry("allow_fork", true)
				.containsEntry("allow_exec", false)
				.containsEntry("allow_threads", true);
			assertThat(refusedConfig).containsEntry("allow_fork", false);
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> refused.execute((s) -> s.eval("__import__('os').fork()")));
			assertThat(ex.pythonType()).isEqualTo("RuntimeError");
			assertThat(ex.pythonMessage()).contains("fork");
		}
	}

	@Test
	void sysPathChangesStayInTheirInterpreter(@TempDir Path dir) throws Exception {
		Files.writeString(dir.resolve("only_here_mod.py"), "VALUE = 'found'\n");
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("paths-isolated").size(2).build());
				PythonSession first = pool.acquire();
				PythonSession second = pool.acquire()) {
			first.exec("import sys\nsys.path.insert(0, " + TestRuntimes.pythonString(dir.toString()) + ")");
			assertThat(first.eval("__import__('only_here_mod').VALUE")).isEqualTo("found");
			assertThat(second.eval("__import__('sys').path", List.class)).doesNotContain(dir.toString());
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> second.eval("__import__('only_here_mod').VALUE"));
			assertThat(ex.pythonType()).isEqualTo("ModuleNotFoundError");
			// Nor does the main interpreter see it.
			Boolean inMain = runtime.mainInterpreter()
				.execute((s) -> s.eval(TestRuntimes.pythonString(dir.toString()) + " in __import__('sys').path",
						Boolean.class));
			assertThat(inMain).isFalse();
		}
	}

	@Test
	void defaultsAreThoseTheReadmeNames() {
		PoolOptions defaults = PoolOptions.defaults();
		assertThat(defaults.name()).isEqualTo("default");
		assertThat(defaults.size()).isEqualTo(Runtime.getRuntime().availableProcessors());
		assertThat(defaults.isolation()).isEqualTo(Isolation.OWN_GIL);
		assertThat(defaults.acquireTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(defaults.callTimeout()).isNull();
		assertThat(defaults.stuckGracePeriod()).isEqualTo(Duration.ofSeconds(5));
		assertThat(defaults.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(defaults.maxUses()).isZero();
		assertThat(defaults.preload()).isEmpty();
		assertThat(defaults.initScript()).isNull();
		assertThat(defaults.allowThreads()).isTrue();
		assertThat(defaults.allowFork()).isFalse();
		assertThat(defaults.allowExec()).isFalse();
		try (PythonPool pool = runtime.newPool(PoolOptions.defaults())) {
			assertThat(pool.stats().size()).isEqualTo(Runtime.getRuntime().availableProcessors());
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> config(PythonSession session) {
		return session.eval(CONFIG, Map.class);
	}

}
