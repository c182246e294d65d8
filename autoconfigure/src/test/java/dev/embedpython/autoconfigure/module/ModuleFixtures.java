package dev.embedpython.autoconfigure.module;

import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.autoconfigure.TestPython;
import dev.embedpython.modulefixtures.namedpool.Ledger;
import dev.embedpython.modulefixtures.valid.Prices;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * What the {@link PythonModule} tests start from: the Python auto-configurations with the test modules of
 * {@code src/test/resources/module-tests} on {@code python.path}, and configurations that register the interfaces
 * of {@code dev.embedpython.modulefixtures} (outside {@code dev.embedpython.autoconfigure}, whose other tests scan
 * it as their application package).
 */
final class ModuleFixtures {

	private ModuleFixtures() {
	}

	/**
	 * A runner with the Python and {@code @PythonModule} auto-configurations, a pool of one interpreter and the
	 * test modules on {@code python.path}.
	 * @return the runner
	 */
	static ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PythonAutoConfiguration.class, PythonModulesAutoConfiguration.class))
			.withPropertyValues(TestPython.properties())
			.withPropertyValues("python.path=classpath:module-tests/");
	}

	/**
	 * Registers the valid interfaces on the default pool ({@code modulefixtures.valid}).
	 */
	@Configuration(proxyBeanMethods = false)
	@EnablePythonModules(basePackageClasses = Prices.class)
	static class Valid {

	}

	/**
	 * Registers the interface on the pool {@code batch} ({@code modulefixtures.namedpool}).
	 */
	@Configuration(proxyBeanMethods = false)
	@EnablePythonModules(basePackageClasses = Ledger.class)
	static class NamedPool {

	}

}
