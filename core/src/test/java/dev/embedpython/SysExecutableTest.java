package dev.embedpython;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sys.executable} is the bundled runtime's own {@code bin/python3.14}, extracted with its exec bit, so that
 * {@code subprocess} and {@code multiprocessing} (spawn) can start Python from inside the JVM.
 */
class SysExecutableTest {

	private static final String RUN_CHILD = """
			import subprocess, sys
			done = subprocess.run([sys.executable, '-c',
			                       'import sys, json; print(json.dumps([sys.version_info[0], sys.version_info[1]]))'],
			                      capture_output=True, text=True, timeout=60)
			result = [done.returncode, done.stdout.strip(), done.stderr]
			""";

	private static PythonRuntime runtime;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
	}

	@AfterAll
	static void stop() {
		runtime.close();
	}

	@Test
	void sysExecutableIsTheExtractedInterpreterWithItsExecBit() {
		String executable = runtime.mainInterpreter().execute((s) -> s.eval("__import__('sys').executable",
				String.class));
		Path path = Path.of(executable);
		assertThat(path).isEqualTo(runtime.home().resolve("bin/python3.14"));
		assertThat(Files.isExecutable(path)).isTrue();
	}

	@Test
	void subprocessRunsSysExecutableFromAnExecAllowedPool() {
		try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("exec").size(1).allowExec(true).build())) {
			List<?> result = pool.execute((s) -> {
				s.exec(RUN_CHILD);
				return s.get("result", List.class);
			});
			assertThat(result.get(0)).as("stderr: %s", result.get(2)).isEqualTo(0L);
			assertThat(result.get(1)).isEqualTo("[3, 14]");
		}
	}

	@Test
	void multiprocessingSpawnStartsSysExecutable() {
		Object result = runtime.mainInterpreter().execute((s) -> {
			s.exec("""
					import multiprocessing
					with multiprocessing.get_context('spawn').Pool(1) as p:
					    spawned = p.map(abs, [-3, 4], 1)
					""");
			return s.get("spawned");
		});
		assertThat(result).isEqualTo(List.of(3L, 4L));
	}

}
