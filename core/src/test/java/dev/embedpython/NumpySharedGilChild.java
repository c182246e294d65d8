package dev.embedpython;

/**
 * A child JVM for {@link NumpyLaneTest}: numpy in a {@code shared-gil} pool, in a process where no other interpreter
 * has imported it. Prints one {@code RESULT} line per interpreter.
 */
public final class NumpySharedGilChild {

	private NumpySharedGilChild() {
	}

	public static void main(String[] args) {
		try (PythonRuntime runtime = TestRuntimes.start();
				PythonPool shared = runtime.newPool(PoolOptions.builder().name("shared-numeric")
					.isolation(Isolation.SHARED_GIL).size(2).build());
				PythonSession first = shared.acquire();
				PythonSession second = shared.acquire()) {
			first.exec("""
					import warnings
					with warnings.catch_warnings(record=True) as caught:
					    warnings.simplefilter('always')
					    import numpy as np
					a = np.arange(250000.0).reshape(500, 500) / 250000.0
					total = float((a @ a.T).sum())
					warned = [str(w.message) for w in caught]
					""");
			System.out.println("RESULT first total=" + first.get("total") + " warned=" + first.get("warned"));
			try {
				second.exec("import numpy");
				System.out.println("RESULT second imported");
			}
			catch (PythonException ex) {
				System.out.println("RESULT second " + ex.getMessage());
			}
		}
	}

}
