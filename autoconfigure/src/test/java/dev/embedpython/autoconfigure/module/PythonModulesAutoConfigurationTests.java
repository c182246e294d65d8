package dev.embedpython.autoconfigure.module;

import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Kind;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Problem;
import dev.embedpython.modulefixtures.namedpool.Ledger;
import dev.embedpython.modulefixtures.valid.Prices;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PythonModulesAutoConfiguration} and {@link EnablePythonModules}: which {@link PythonModule}
 * interfaces become beans.
 */
class PythonModulesAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = ModuleFixtures.contextRunner()
		.withPropertyValues("python.pools.batch.size=1");

	@Test
	void runShouldRegisterTheInterfacesOfTheAutoConfigurationPackages() {
		this.contextRunner.withUserConfiguration(ApplicationPackage.class).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(Prices.class)
				.hasBean("prices")
				.doesNotHaveBean(Ledger.class);
			assertThat(context.getBean(Prices.class).count()).isEqualTo(2);
		});
	}

	@Test
	void runWithEnablePythonModulesShouldRegisterOnlyTheInterfacesItNames() {
		this.contextRunner.withUserConfiguration(ApplicationPackage.class, ModuleFixtures.NamedPool.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(Ledger.class)
				.doesNotHaveBean(Prices.class));
	}

	@Test
	void runWithoutAutoConfigurationPackagesShouldRegisterNothing() {
		this.contextRunner
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PythonModuleFactoryBean.class));
	}

	@Test
	void runWhenPythonIsDisabledShouldRegisterNothing() {
		this.contextRunner.withUserConfiguration(ApplicationPackage.class)
			.withPropertyValues("python.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(Prices.class));
	}

	@Test
	void runWithoutJacksonShouldFailNamingTheMissingLibrary() {
		this.contextRunner.withUserConfiguration(ApplicationPackage.class)
			.withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).isInstanceOf(PythonModuleValidationException.class);
				assertThat(((PythonModuleValidationException) context.getStartupFailure()).problems())
					.extracting(Problem::kind)
					.containsExactly(Kind.MAPPER);
			});
		this.contextRunner.withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.run((context) -> assertThat(context).as("no interfaces, no need for Jackson").hasNotFailed());
	}

	@Test
	void runWithAnInvalidBatchSizeShouldFailNamingTheKey() {
		this.contextRunner.withUserConfiguration(ApplicationPackage.class)
			.withPropertyValues("python.modules.stream-batch-size=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("python.modules.stream-batch-size"));
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = Prices.class)
	static class ApplicationPackage {

	}

}
