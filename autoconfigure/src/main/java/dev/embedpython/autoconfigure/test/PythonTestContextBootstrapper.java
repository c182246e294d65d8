package dev.embedpython.autoconfigure.test;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.test.autoconfigure.TestSliceTestContextBootstrapper;
import org.springframework.test.context.TestContextBootstrapper;

/**
 * {@link TestContextBootstrapper} of {@link PythonTest @PythonTest}: its properties, after the slice's small default
 * pool so that they can override it.
 * <p>
 * Thread contract: used by the test framework while it builds a test context.
 */
class PythonTestContextBootstrapper extends TestSliceTestContextBootstrapper<PythonTest> {

	/**
	 * The slice's default pool: one interpreter starts in 10 to 20 ms.
	 */
	static final String DEFAULT_POOL_SIZE = "python.pool.size=1";

	@Override
	protected String @Nullable [] getProperties(Class<?> testClass) {
		String[] properties = super.getProperties(testClass);
		List<String> all = new ArrayList<>();
		all.add(DEFAULT_POOL_SIZE);
		if (properties != null) {
			all.addAll(List.of(properties));
		}
		return all.toArray(String[]::new);
	}

}
