package dev.embedpython.autoconfigure.module;

import java.util.List;
import java.util.function.Consumer;

import dev.embedpython.PoolOptions;
import dev.embedpython.PythonException;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonTimeoutException;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Kind;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Problem;
import dev.embedpython.modulefixtures.invalid.aclass.PricingService;
import dev.embedpython.modulefixtures.invalid.brokenmodule.Broken;
import dev.embedpython.modulefixtures.invalid.definition.Futures;
import dev.embedpython.modulefixtures.invalid.functions.Catalog;
import dev.embedpython.modulefixtures.invalid.missingmodule.Pricing;
import dev.embedpython.modulefixtures.invalid.missingpool.Reports;
import dev.embedpython.modulefixtures.slowimport.missingfunction.SlowWarmup;
import dev.embedpython.modulefixtures.slowimport.valid.Warmup;
import org.junit.jupiter.api.Test;

import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The startup validation of {@link PythonModule} interfaces against the real CPython: the context fails naming each
 * method and what is missing.
 */
class PythonModuleValidationTests {

	private final ApplicationContextRunner contextRunner = ModuleFixtures.contextRunner();

	@Test
	void runWhenTheModuleIsMissingShouldFailNamingIt() {
		this.contextRunner.withUserConfiguration(MissingModule.class)
			.run(failsWith(Pricing.class, (problems) -> assertThat(problems).singleElement().satisfies((problem) -> {
				assertThat(problem.kind()).isEqualTo(Kind.MODULE);
				assertThat(problem.where()).isEqualTo("Pricing");
				assertThat(problem.description()).isEqualTo("module 'mt_no_such_pricing' of pool 'default' cannot be "
						+ "imported: ModuleNotFoundError: No module named 'mt_no_such_pricing'");
			})));
	}

	@Test
	void runWhenTheModuleRaisesAtImportShouldFailWithItsError() {
		this.contextRunner.withUserConfiguration(BrokenModule.class)
			.run(failsWith(Broken.class, (problems) -> assertThat(problems).singleElement().satisfies((problem) -> {
				assertThat(problem.kind()).isEqualTo(Kind.MODULE);
				assertThat(problem.description()).endsWith("RuntimeError: configuration missing: PRICING_URL");
			})));
	}

	@Test
	void runWhenFunctionsAreMissingOrDoNotFitShouldListEveryMethod() {
		this.contextRunner.withUserConfiguration(Functions.class)
			.run(failsWith(Catalog.class, (problems) -> {
				assertThat(problems).extracting(Problem::toString)
					.containsExactly("Catalog.discounted: mt_prices.discounted(sku, quantity, *, percent=0, coupon=None) "
						+ "cannot be called with 2 positional arguments and keyword argument rebate: got an "
						+ "unexpected keyword argument 'rebate'",
						"Catalog.quote: mt_prices.quote(sku, quantity) cannot be called with 1 positional argument: "
								+ "missing a required argument: 'quantity'",
						"Catalog.skus: module 'mt_prices' has no attribute 'list_sku'",
						"Catalog.taxRate: mt_prices.TAX_RATE is not callable: it is of type float");
				assertThat(problems).extracting(Problem::kind)
					.containsExactly(Kind.SIGNATURE, Kind.SIGNATURE, Kind.FUNCTION, Kind.FUNCTION);
			}));
	}

	@Test
	void runWhenThePoolIsNotConfiguredShouldFailNamingIt() {
		this.contextRunner.withUserConfiguration(MissingPool.class)
			.run(failsWith(Reports.class, (problems) -> assertThat(problems).singleElement().satisfies((problem) -> {
				assertThat(problem.kind()).isEqualTo(Kind.POOL);
				assertThat(problem.description()).isEqualTo("pool 'reporting' is not configured: set "
						+ "python.pools.reporting.* or use pool = \"default\"");
			})));
	}

	@Test
	void runWhenTheDefaultPoolIsAmbiguousShouldFailNamingTheCandidates() {
		this.contextRunner.withUserConfiguration(MissingModule.class, TwoPools.class)
			.run(failsWith(Pricing.class, (problems) -> assertThat(problems).singleElement().satisfies((problem) -> {
				assertThat(problem.kind()).isEqualTo(Kind.POOL);
				assertThat(problem.description()).startsWith("pool 'default' is ambiguous: 2 PythonPool beans qualify")
					.contains("firstPool", "secondPool")
					.endsWith("mark one @Primary");
			})));
	}

	@Test
	void runWhenMethodsCannotBeCalledShouldFailBeforeAskingPython() {
		this.contextRunner.withUserConfiguration(Definition.class)
			.run(failsWith(Futures.class, (problems) -> assertThat(problems).allSatisfy(
					(problem) -> assertThat(problem.kind()).isEqualTo(Kind.DEFINITION))
				.extracting(Problem::toString)
				.containsExactly("Futures.classy: @Kw(\"class\") is not a Python identifier",
						"Futures.count: returns java.util.concurrent.CompletableFuture, which a Python call "
						+ "cannot produce: calls are synchronous; return the value, or Stream<T>, Iterator<T> or "
						+ "PythonIterator<T> for items fetched lazily",
						"Futures.counts: returns java.util.stream.IntStream, which a Python call cannot produce: calls "
								+ "are synchronous; return the value, or Stream<T>, Iterator<T> or PythonIterator<T> "
								+ "for items fetched lazily",
						"Futures.dashed: @PythonFunction(\"not-a-name\") is not a Python identifier",
						"Futures.discounted: keyword 'percent' is given twice")));
	}

	@Test
	void runWhenTheAnnotationIsOnAClassShouldFail() {
		this.contextRunner.withUserConfiguration(AClass.class)
			.run(failsWith(PricingService.class, (problems) -> assertThat(problems).singleElement()
				.satisfies((problem) -> assertThat(problem.description()).isEqualTo(
						"@PythonModule is for interfaces, and " + PricingService.class.getName() + " is a class"))));
	}

	@Test
	void runWithLazyInitializationShouldStillValidateAtStartup() {
		this.contextRunner.withUserConfiguration(MissingModule.class)
			.withInitializer((context) -> context
				.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.run(failsWith(Pricing.class,
					(problems) -> assertThat(problems).extracting(Problem::kind).containsExactly(Kind.MODULE)));
	}

	@Test
	void runWithValidationOffShouldStartAndFailWhenCalled() {
		this.contextRunner.withUserConfiguration(Functions.class)
			.withPropertyValues("python.modules.validate=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Catalog catalog = context.getBean(Catalog.class);
				assertThat(catalog.count()).isEqualTo(2);
				assertThatExceptionOfType(PythonException.class).isThrownBy(catalog::skus)
					.satisfies((ex) -> assertThat(ex.pythonType()).isEqualTo("AttributeError"));
			});
	}

	@Test
	void runWhenTheModuleImportsSlowerThanTheCallTimeoutShouldStart() {
		// The module sleeps 500 ms at import: a first import may take longer than the timeout of a request.
		this.contextRunner.withUserConfiguration(SlowImport.class)
			.withPropertyValues("python.pool.call-timeout=20ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(Warmup.class);
			});
	}

	@Test
	void runWhenAFunctionOfAModuleSlowerThanTheCallTimeoutIsMissingShouldStillFailNamingIt() {
		this.contextRunner.withUserConfiguration(SlowImportMissingFunction.class)
			.withPropertyValues("python.pool.call-timeout=20ms")
			.run(failsWith(SlowWarmup.class, (problems) -> assertThat(problems).singleElement()
				.satisfies((problem) -> {
					assertThat(problem.kind()).isEqualTo(Kind.FUNCTION);
					assertThat(problem).hasToString("SlowWarmup.warm: module 'mt_slow_import' has no attribute 'warm'");
				})));
	}

	@Test
	void runWhenTheModuleImportOutlastsTheCreationTimeoutShouldFailNamingIt() {
		// The validation is set-up work, bounded like the preloads: it never waits for a module without end.
		this.contextRunner.withUserConfiguration(SlowImport.class)
			.withPropertyValues("python.pool.call-timeout=20ms", "python.pool.creation-timeout=100ms")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof PythonTimeoutException)) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(PythonTimeoutException.class)
					.hasMessageContaining("pool 'default'")
					.hasMessageContaining("creation timeout of 100 ms");
			});
	}

	private static ContextConsumer<AssertableApplicationContext> failsWith(Class<?> type,
			Consumer<List<Problem>> problems) {
		return (context) -> {
			assertThat(context).hasFailed();
			// Thrown by the bean's creation (wrapped) or by the scan of the configuration (as it is).
			Throwable failure = context.getStartupFailure();
			while (failure != null && !(failure instanceof PythonModuleValidationException)) {
				failure = failure.getCause();
			}
			assertThat(failure).isInstanceOf(PythonModuleValidationException.class);
			PythonModuleValidationException validation = (PythonModuleValidationException) failure;
			assertThat(validation.interfaceName()).isEqualTo(type.getName());
			problems.accept(validation.problems());
		};
	}

	@Configuration(proxyBeanMethods = false)
	@EnablePythonModules(basePackageClasses = Pricing.class)
	static class MissingModule {

	}

	@Configuration(proxyBeanMethods = false)
	@EnablePythonModules(basePackageClasses = Warmup.class)
	static class SlowImport {

	}

	@Configuration(proxyBeanMethods = false)
	@EnablePythonModules(basePackageClasses = SlowWarmup.class)
	static class SlowImportMissingFunction {

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoPools {

		@Bean(destroyMethod = "close")
		PythonPool firstPool(PythonRuntime runtime) {
			return runtime.newPool(PoolOptions.builder().name("first").size(1).build());
		}

		@Bean(destroyMethod = "close")
		PythonPool secondPool(PythonRuntime runtime) {
			return runtime.newPool(PoolOptions.builder().name("second").size(1).build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnablePythonModules(basePackageClasses = Broken.class)
	static class BrokenModule {

	}

	@Configuration(proxyBeanMethods = false)
	@EnablePythonModules(basePackageClasses = Catalog.class)
	static class Functions {

	}

	@Configuration(proxyBeanMethods = false)
	@EnablePythonModules(basePackageClasses = Reports.class)
	static class MissingPool {

	}

	@Configuration(proxyBeanMethods = false)
	@EnablePythonModules(basePackageClasses = Futures.class)
	static class Definition {

	}

	@Configuration(proxyBeanMethods = false)
	@EnablePythonModules(basePackageClasses = PricingService.class)
	static class AClass {

	}

}
