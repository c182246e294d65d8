package dev.embedpython;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What {@code allow-fork}, {@code allow-exec} and {@code allow-threads} do and do not stop, probed in a real own-GIL
 * sub-interpreter with all three off: the facts behind the table in README.md and SECURITY.md. Every probe leaves
 * the JVM running (none execs or forks successfully).
 */
class SandboxFlagsTest {

	private static PythonRuntime runtime;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
	}

	@AfterAll
	static void stop() {
		runtime.close();
	}

	private static final String PROBE = """
			def probe(code):
			    try:
			        exec(code, {})
			        return 'allowed'
			    except BaseException as ex:
			        return 'refused: ' + type(ex).__name__ + ': ' + str(ex)
			""";

	@Test
	void subInterpreterFlagsStopForkExecAndDaemonThreadsButNotTheRest() {
		Map<String, String> probes = new LinkedHashMap<>();
		probes.put("os.fork", "import os; os.fork()");
		probes.put("os.execv", "import os; os.execv('/bin/true', ['true'])");
		probes.put("os.spawnv", "import os; os.spawnv(os.P_WAIT, '/bin/true', ['true'])");
		probes.put("pty.fork", "import pty; pty.fork()");
		probes.put("multiprocessing fork", "import multiprocessing as m; "
				+ "p = m.get_context('fork').Process(target=print); p.start(); p.join()");
		probes.put("daemon thread", "import threading; threading.Thread(target=print, daemon=True).start()");
		probes.put("thread", "import threading; t = threading.Thread(target=print); t.start(); t.join()");
		probes.put("subprocess", "import subprocess; subprocess.run(['/bin/true'], check=True)");
		probes.put("os.system", "import os; assert os.system('/bin/true') == 0");
		probes.put("os.posix_spawn", "import os; pid = os.posix_spawn('/bin/true', ['true'], {}); os.waitpid(pid, 0)");
		probes.put("ctypes libc", "import ctypes, os; assert ctypes.CDLL(None).getpid() == os.getpid()");
		probes.put("socket", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.close()");
		probes.put("file system", "import tempfile, os; f = tempfile.NamedTemporaryFile(); f.write(b'x'); f.close()");
		PoolOptions options = PoolOptions.builder()
			.name("sandbox")
			.size(1)
			.allowFork(false)
			.allowExec(false)
			.allowThreads(false)
			.build();
		Map<String, String> results = new LinkedHashMap<>();
		try (PythonPool pool = runtime.newPool(options)) {
			pool.execute((session) -> {
				session.exec(PROBE);
				probes.forEach((name, code) -> results.put(name,
						session.call(String.class, "__main__", "probe", code)));
				return null;
			});
		}
		assertThat(results).as(results.toString())
			.hasEntrySatisfying("os.fork", (r) -> assertThat(r).startsWith("refused: RuntimeError"))
			.hasEntrySatisfying("os.execv", (r) -> assertThat(r).startsWith("refused: RuntimeError"))
			.hasEntrySatisfying("os.spawnv", (r) -> assertThat(r).startsWith("refused: RuntimeError"))
			.hasEntrySatisfying("pty.fork", (r) -> assertThat(r).startsWith("refused: RuntimeError"))
			.hasEntrySatisfying("multiprocessing fork", (r) -> assertThat(r).startsWith("refused: RuntimeError"))
			.hasEntrySatisfying("daemon thread", (r) -> assertThat(r).startsWith("refused: RuntimeError"))
			.hasEntrySatisfying("thread", (r) -> assertThat(r).startsWith("refused: RuntimeError"))
			.containsEntry("subprocess", "allowed")
			.containsEntry("os.system", "allowed")
			.containsEntry("os.posix_spawn", "allowed")
			.containsEntry("ctypes libc", "allowed")
			.containsEntry("socket", "allowed")
			.containsEntry("file system", "allowed");
	}

	@Test
	void mainPoolRefusesFlagsItCannotEnforce() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PoolOptions.builder().isolation(Isolation.MAIN).allowExec(false).build())
			.withMessageContaining("'allowExec'")
			.withMessageContaining("cannot be enforced by the main interpreter");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PoolOptions.builder().isolation(Isolation.MAIN).allowFork(false).build())
			.withMessageContaining("'allowFork'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PoolOptions.builder().isolation(Isolation.MAIN).allowThreads(false).build())
			.withMessageContaining("'allowThreads'");
		PoolOptions main = PoolOptions.builder().isolation(Isolation.MAIN).build();
		assertThat(main.allowFork()).as("the main interpreter's defaults say what it does").isTrue();
		assertThat(main.allowExec()).isTrue();
		assertThat(main.allowThreads()).isTrue();
		PoolOptions own = PoolOptions.builder().build();
		assertThat(own.allowFork()).isFalse();
		assertThat(own.allowExec()).isFalse();
		assertThat(own.allowThreads()).isTrue();
		assertThat(own.toBuilder().isolation(Isolation.MAIN).build().allowExec()).isTrue();
	}

}
