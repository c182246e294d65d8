package dev.embedpython;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * numpy from Maven Central ({@code org.bytedeco:numpy} + {@code org.bytedeco:openblas}, test dependencies of this
 * module) is found on the class path, extracted into the cache directory and imported — with no Python install —
 * in the numeric lanes: a {@code main} pool of several Java threads and a {@code shared-gil} pool. An own-GIL pool
 * refuses it with an {@code ImportError} that names the isolation to use. 3.14 only: the jar is built for it. A JVM
 * of its own: numpy loads in one interpreter per process, never again after a runtime restart in that JVM.
 */
@Tag("own-jvm")
class NumpyLaneTest {

	private static final String MATMUL = """
			import numpy as np
			def _matmul(n, seed):
			    rng = np.random.default_rng(seed)
			    a = rng.random((n, n))
			    b = rng.random((n, n))
			    c = a @ b
			    return float(abs(c - np.einsum('ij,jk->ik', a, b)).max()), float(c.sum())
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
	void numpyFromTheJarsImportsAndComputesInAMainPoolOfTwoThreads() throws Exception {
		try (PythonPool numeric = runtime.newPool(PoolOptions.builder().name("numeric").isolation(Isolation.MAIN)
			.size(2).build())) {
			String file = numeric.execute((s) -> s.eval("__import__('numpy').__file__", String.class));
			assertThat(Path.of(file)).startsWith(TestRuntimes.cacheDir().toAbsolutePath().normalize()
				.resolve("numpy-2.4.2-1.5.13.r1/python/numpy"));
			String version = numeric.execute((s) -> s.eval("__import__('numpy').__version__", String.class));
			assertThat(version).isEqualTo("2.4.2");
			assertThat(computeFromThreads(numeric, 2)).allSatisfy((error) -> assertThat(error).isLessThan(1e-9));
		}
	}

	@Test
	void numpyImportsAndComputesInOneInterpreterOfASharedGilPool() {
		// numpy initializes in one interpreter per process: a child JVM whose main interpreter never imported it.
		ChildJvm.Result result = ChildJvm.run(NumpySharedGilChild.class, Duration.ofSeconds(120)).assertClean();
		double n = 250000.0;
		assertThat(result.output()).contains("RESULT first total=")
			.contains("does not properly support sub-interpreters")
			.contains("RESULT second ImportError: cannot load module more than once per process")
			.contains("isolation: main");
		String total = result.output().split("RESULT first total=", 2)[1].split(" ", 2)[0];
		// sum over i,j of (row i . row j) = |sum of all rows|^2, rows of a = k/n for k in 0..n-1
		double expected = 0;
		for (int col = 0; col < 500; col++) {
			double sum = 0;
			for (int row = 0; row < 500; row++) {
				sum += (row * 500 + col) / n;
			}
			expected += sum * sum;
		}
		assertThat(Double.parseDouble(total)).isCloseTo(expected, org.assertj.core.api.Assertions.within(expected * 1e-9));
	}

	@Test
	void ownGilPoolRefusesNumpyNamingTheIsolationToUse() {
		try (PythonPool own = runtime.newPool(PoolOptions.builder().name("own").size(1).build())) {
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> own.execute((s) -> s.eval("__import__('numpy')")));
			assertThat(ex.pythonType()).isEqualTo("ImportError");
			assertThat(ex).hasMessageContaining("numpy")
				.hasMessageContaining("SHARED_GIL or MAIN")
				.hasMessageContaining("isolation: main");
		}
	}

	/** Run a 200x200 matmul on each of {@code threads} threads at once; answers each result's error. */
	private static List<Double> computeFromThreads(PythonPool pool, int threads) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Double>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				int seed = i;
				futures.add(executor.submit(() -> pool.execute((s) -> {
					s.exec(MATMUL);
					List<?> result = s.eval("_matmul(200, " + seed + ")", List.class);
					assertThat((Double) result.get(1)).isPositive();
					return (Double) result.get(0);
				})));
			}
			List<Double> errors = new ArrayList<>();
			for (Future<Double> future : futures) {
				errors.add(future.get(Duration.ofSeconds(120).toMillis(), TimeUnit.MILLISECONDS));
			}
			return errors;
		}
		finally {
			executor.shutdownNow();
		}
	}

}
