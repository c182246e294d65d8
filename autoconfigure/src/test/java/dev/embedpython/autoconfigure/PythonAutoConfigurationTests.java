package dev.embedpython.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.embedpython.Binding;
import dev.embedpython.CallObserver;
import dev.embedpython.Isolation;
import dev.embedpython.PoolOptions;
import dev.embedpython.PythonBindingException;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.PythonSession;
import dev.embedpython.PythonTemplate;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PythonAutoConfiguration}, against the real bundled CPython.
 */
class PythonAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	@Test
	void runWhenDisabledShouldNotCreateBeans() {
		this.contextRunner.withPropertyValues("python.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PythonRuntime.class)
				.doesNotHaveBean(PythonPool.class)
				.doesNotHaveBean(PythonTemplate.class)
				.doesNotHaveBean(PythonLifecycle.class));
	}

	@Test
	void runShouldCreateRuntimePoolAndTemplate() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(PythonRuntime.class)
				.hasSingleBean(PythonPool.class)
				.hasBean(PythonAutoConfiguration.DEFAULT_POOL_BEAN_NAME)
				.hasSingleBean(PythonTemplate.class)
				.hasSingleBean(PythonLifecycle.class);
			PythonRuntime runtime = context.getBean(PythonRuntime.class);
			assertThat(runtime.isRunning()).isTrue();
			assertThat(runtime.version()).startsWith("3.");
			assertThat(runtime.isBundled()).isTrue();
			PythonPool pool = context.getBean(PythonPool.class);
			assertThat(pool.name()).isEqualTo(PythonAutoConfiguration.DEFAULT_POOL_NAME);
			assertThat(pool.options().isolation()).isEqualTo(Isolation.OWN_GIL);
			assertThat(pool.stats().size()).isEqualTo(1);
			PythonTemplate template = context.getBean(PythonTemplate.class);
			assertThat(template.getPool()).isSameAs(pool);
			assertThat(template.eval("6 * 7")).isEqualTo(42L);
		});
	}

	@Test
	void runShouldMapPoolProperties() {
		this.contextRunner
			.withPropertyValues("python.pool.size=2", "python.pool.isolation=shared-gil",
					"python.pool.acquire-timeout=2s", "python.pool.call-timeout=30s", "python.pool.preload=json,math",
					"python.pool.init-script=GREETING = 'hi'", "python.pool.max-uses=100",
					"python.pool.allow-threads=false", "python.pool.drain-timeout=3s",
					"python.pool.stuck-grace-period=7s")
			.run((context) -> {
				PythonPool pool = context.getBean(PythonPool.class);
				PoolOptions options = pool.options();
				assertThat(options.size()).isEqualTo(2);
				assertThat(options.isolation()).isEqualTo(Isolation.SHARED_GIL);
				assertThat(options.acquireTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(options.callTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(options.preload()).containsExactly("json", "math");
				assertThat(options.maxUses()).isEqualTo(100);
				assertThat(options.allowThreads()).isFalse();
				assertThat(options.drainTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(options.stuckGracePeriod()).isEqualTo(Duration.ofSeconds(7));
				PythonTemplate template = context.getBean(PythonTemplate.class);
				assertThat(template.eval("GREETING")).isEqualTo("hi");
				assertThat(template.eval("'json' in __import__('sys').modules")).isEqualTo(true);
			});
	}

	@Test
	void runWithShutdownPhaseTimeoutShouldUseItAsDrainTimeout() {
		this.contextRunner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=4s")
			.run((context) -> assertThat(context.getBean(PythonPool.class).options().drainTimeout())
				.isEqualTo(Duration.ofSeconds(4)));
	}

	@Test
	void runWithUserDefinedTemplateShouldBackOff() {
		this.contextRunner.withUserConfiguration(UserTemplateConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PythonTemplate.class).hasBean("userTemplate");
			assertThat(context).hasSingleBean(PythonPool.class);
		});
	}

	@Test
	void runWithUserDefinedPoolShouldBackOffAndUseItForTheTemplate() {
		this.contextRunner.withUserConfiguration(UserPoolConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PythonPool.class)
				.hasBean("userPool")
				.doesNotHaveBean(PythonAutoConfiguration.DEFAULT_POOL_BEAN_NAME);
			PythonTemplate template = context.getBean(PythonTemplate.class);
			assertThat(template.getPool().name()).isEqualTo("user");
			assertThat(template.eval("1 + 1")).isEqualTo(2L);
		});
	}

	@Test
	void runShouldApplyCustomizersInOrder() {
		this.contextRunner.withUserConfiguration(CustomizersConfiguration.class).run((context) -> {
			CustomizersConfiguration configuration = context.getBean(CustomizersConfiguration.class);
			assertThat(configuration.calls).containsExactly("runtime-first", "runtime-second", "pool-first:default",
					"pool-second:default");
			assertThat(context.getBean(PythonPool.class).options().maxUses()).isEqualTo(22);
		});
	}

	@Test
	void runWithNamedPoolsShouldCreateOneQualifiedBeanEach() {
		this.contextRunner
			.withPropertyValues("python.pools.numeric.isolation=main", "python.pools.numeric.size=1",
					"python.pools.batch.size=1", "python.pools.batch.isolation=shared-gil",
					"python.pools.batch.init-script=KIND = 'batch'")
			.withUserConfiguration(NamedPoolConsumerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasBean("numericPythonPool").hasBean("batchPythonPool");
				assertThat(context.getBeansOfType(PythonPool.class)).hasSize(3);
				NamedPoolConsumer consumer = context.getBean(NamedPoolConsumer.class);
				assertThat(consumer.defaultPool.name()).isEqualTo("default");
				assertThat(consumer.numeric.name()).isEqualTo("numeric");
				assertThat(consumer.numeric.options().isolation()).isEqualTo(Isolation.MAIN);
				assertThat(consumer.batch.name()).isEqualTo("batch");
				assertThat(consumer.batch.options().isolation()).isEqualTo(Isolation.SHARED_GIL);
				assertThat(new PythonTemplate(consumer.batch).eval("KIND")).isEqualTo("batch");
				assertThat(context.getBean(PythonTemplate.class).getPool()).isSameAs(consumer.defaultPool);
			});
	}

	@Test
	void runWithNamedPoolShouldInheritEveryUnsetKeyFromTheDefaultPool() {
		this.contextRunner
			.withPropertyValues("python.pool.call-timeout=7s", "python.pool.preload=json",
					"python.pool.max-uses=5", "python.pool.init-script=ORIGIN = 'default'",
					"python.pools.batch.isolation=shared-gil", "python.pools.batch.max-uses=9",
					"python.pools.numeric.preload=math")
			.run((context) -> {
				PoolOptions batch = context.getBean("batchPythonPool", PythonPool.class).options();
				assertThat(batch.isolation()).isEqualTo(Isolation.SHARED_GIL);
				assertThat(batch.maxUses()).isEqualTo(9);
				assertThat(batch.callTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(batch.preload()).containsExactly("json");
				assertThat(batch.size()).isEqualTo(1);
				assertThat(batch.initScript()).isEqualTo("ORIGIN = 'default'");
				PoolOptions numeric = context.getBean("numericPythonPool", PythonPool.class).options();
				assertThat(numeric.preload()).containsExactly("math");
				assertThat(numeric.maxUses()).isEqualTo(5);
				PoolOptions defaults = context.getBean(PythonPool.class).options();
				assertThat(defaults.isolation()).isEqualTo(Isolation.OWN_GIL);
				assertThat(defaults.maxUses()).isEqualTo(5);
				assertThat(defaults.preload()).containsExactly("json");
			});
	}

	@Test
	void runWithNamedPoolsShouldCreateATemplatePerPoolQualifiedWithItsName() {
		this.contextRunner
			.withPropertyValues("python.pools.numeric.isolation=main", "python.pools.batch.init-script=KIND = 'batch'")
			.withUserConfiguration(NamedTemplateConsumerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasBean("batchPythonTemplate")
					.hasBean("numericPythonTemplate");
				assertThat(context.getBeansOfType(PythonTemplate.class)).hasSize(3);
				assertThat(context.getBean(PythonTemplate.class).getPool().name()).isEqualTo("default");
				NamedTemplateConsumer consumer = context.getBean(NamedTemplateConsumer.class);
				assertThat(consumer.defaultTemplate.getPool().name()).isEqualTo("default");
				assertThat(consumer.batch.getPool()).isSameAs(context.getBean("batchPythonPool"));
				assertThat(consumer.batch.eval("KIND")).isEqualTo("batch");
				assertThat(consumer.numeric.getPool().name()).isEqualTo("numeric");
			});
	}

	@Test
	void runWithUserPoolFactoryUnderAnyNameShouldCreateEveryPoolWithIt() {
		this.contextRunner.withPropertyValues("python.pools.batch.size=1")
			.withUserConfiguration(UserPoolFactoryConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(PythonPoolFactory.class).hasBean("myFactory");
				assertThat(context.getBean(PythonPool.class).options().maxUses()).isEqualTo(77);
				assertThat(context.getBean("batchPythonPool", PythonPool.class).options().maxUses()).isEqualTo(77);
			});
	}

	@Test
	void runWithNamedPoolCalledRuntimeShouldFail() {
		this.contextRunner.withPropertyValues("python.pools.runtime.size=1")
			.run((context) -> invalidProperty(context, "python.pools.runtime"));
	}

	@Test
	void runShouldUseTheShutdownPhaseTimeoutDefaultAsDrainTimeout() {
		this.contextRunner.run((context) -> assertThat(context.getBean(PythonPool.class).options().drainTimeout())
			.isEqualTo(Duration.ofSeconds(30)));
	}

	@Test
	void runWithLifecycleAutoConfigurationShouldUseItsPropertiesForTheDrainTimeout() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class))
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=6s", "python.pools.batch.size=1",
					"python.pools.quick.drain-timeout=1s")
			.run((context) -> {
				assertThat(context).hasSingleBean(LifecycleProperties.class);
				assertThat(context.getBean(PythonPool.class).options().drainTimeout()).isEqualTo(Duration.ofSeconds(6));
				assertThat(context.getBean("batchPythonPool", PythonPool.class).options().drainTimeout())
					.isEqualTo(Duration.ofSeconds(6));
				assertThat(context.getBean("quickPythonPool", PythonPool.class).options().drainTimeout())
					.isEqualTo(Duration.ofSeconds(1));
			});
	}

	@Test
	void runWithPoolSizeZeroShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("python.pool.size=0")
			.run((context) -> assertThat(invalidProperty(context, "python.pool.size"))
				.hasMessage("Property python.pool.size with value '0' is invalid: must be at least 1"));
	}

	@Test
	void runWithPoolSizeBeyondTheHostsMemoryShouldFailNamingTheKeyAndTheEstimate() {
		this.contextRunner.withPropertyValues("python.pools.huge.size=" + Integer.MAX_VALUE)
			.run((context) -> assertThat(invalidProperty(context, "python.pools.huge.size"))
				.hasMessageContaining("own-gil interpreters need an estimated")
				.hasMessageContaining("more than this host offers"));
	}

	@Test
	void runWithUnknownIsolationShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("python.pool.isolation=bogus").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(IllegalArgumentException.class);
			assertThat(findCause(context.getStartupFailure(), BindException.class)).isNotNull()
				.hasMessageContaining("python.pool.isolation");
		});
	}

	@Test
	void runWithAutoOrTheBindingInUseShouldStartOnIt() {
		Binding inUse = bindingInUse();
		for (String value : List.of("auto", inUse.name().toLowerCase(java.util.Locale.ROOT))) {
			this.contextRunner.withPropertyValues("python.binding=" + value)
				.run((context) -> assertThat(context.getBean(PythonRuntime.class).binding()).isEqualTo(inUse));
		}
	}

	@Test
	void runWithTheOtherBindingShouldFailBecauseTheBindingIsProcessWide() {
		Binding other = (bindingInUse() == Binding.FFM) ? Binding.JNA : Binding.FFM;
		this.contextRunner.withPropertyValues("python.binding=" + other).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(PythonBindingException.class)
				.rootCause()
				.hasMessageContaining("process-wide, so " + other);
		});
	}

	@Test
	void runWithUnknownBindingShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("python.binding=panama").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(findCause(context.getStartupFailure(), BindException.class)).isNotNull()
				.hasMessageContaining("python.binding");
		});
	}

	private Binding bindingInUse() {
		Binding[] inUse = new Binding[1];
		this.contextRunner.run((context) -> inUse[0] = context.getBean(PythonRuntime.class).binding());
		return inUse[0];
	}

	@Test
	void runWithNegativeAcquireTimeoutShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("python.pool.acquire-timeout=-1s")
			.run((context) -> assertThat(invalidProperty(context, "python.pool.acquire-timeout"))
				.hasMessageContaining("must not be negative"));
	}

	@Test
	void runWithZeroCallTimeoutShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("python.pool.call-timeout=0s")
			.run((context) -> invalidProperty(context, "python.pool.call-timeout"));
	}

	@Test
	void runWithInvalidPreloadShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("python.pool.preload=json,os; import sys")
			.run((context) -> invalidProperty(context, "python.pool.preload[1]"));
	}

	@Test
	void runWithMainPoolThatForbidsExecShouldFailSayingTheMainInterpreterCannotEnforceIt() {
		this.contextRunner.withPropertyValues("python.pools.numeric.isolation=main", "python.pools.numeric.allow-exec=false")
			.run((context) -> assertThat(invalidProperty(context, "python.pools.numeric.allow-exec"))
				.hasMessageContaining("cannot be enforced by the main interpreter"));
		this.contextRunner.withPropertyValues("python.pool.isolation=main", "python.pool.allow-threads=false")
			.run((context) -> invalidProperty(context, "python.pool.allow-threads"));
	}

	@Test
	void runWithMainPoolShouldDefaultTheSandboxFlagsToWhatItDoes() {
		this.contextRunner.withPropertyValues("python.pools.numeric.isolation=main", "python.pools.numeric.size=1",
				"python.pools.numeric.allow-fork=true")
			.run((context) -> {
				PythonPool numeric = context.getBean("numericPythonPool", PythonPool.class);
				assertThat(numeric.options().allowFork()).isTrue();
				assertThat(numeric.options().allowExec()).isTrue();
				assertThat(context.getBean(PythonTemplate.class).getPool().options().allowExec()).isFalse();
			});
	}

	@Test
	void runWithInvalidNamedPoolValueShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("python.pools.numeric.max-uses=-1")
			.run((context) -> invalidProperty(context, "python.pools.numeric.max-uses"));
	}

	@Test
	void runWithNamedPoolCalledDefaultShouldFail() {
		this.contextRunner.withPropertyValues("python.pools.default.size=1")
			.run((context) -> invalidProperty(context, "python.pools.default"));
	}

	@Test
	void runWithMissingPathShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("python.path=/does/not/exist")
			.run((context) -> invalidProperty(context, "python.path[0]"));
	}

	@Test
	void runWithMissingClasspathPathShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("python.path=classpath:no-such-dir/")
			.run((context) -> invalidProperty(context, "python.path[0]"));
	}

	@Test
	void closeShouldClosePoolsButKeepTheSharedRuntime() {
		List<PythonPool> pools = new ArrayList<>();
		this.contextRunner.run((first) -> {
			this.contextRunner.run((second) -> pools.add(second.getBean(PythonPool.class)));
			assertThat(pools.get(0).isOpen()).isFalse();
			assertThat(first.getBean(PythonRuntime.class).isRunning()).isTrue();
			assertThat(first.getBean(PythonTemplate.class).eval("2 ** 10")).isEqualTo(1024L);
			pools.add(first.getBean(PythonPool.class));
		});
		assertThat(pools.get(1).isOpen()).isFalse();
	}

	@Test
	void closeShouldLetCallsInFlightFinish() throws Exception {
		CountDownLatch acquired = new CountDownLatch(1);
		CompletableFuture<Object> call = new CompletableFuture<>();
		this.contextRunner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=10s").run((context) -> {
			PythonPool pool = context.getBean(PythonPool.class);
			Thread caller = new Thread(() -> {
				try (PythonSession session = pool.acquire()) {
					acquired.countDown();
					session.exec("import time\ntime.sleep(0.3)");
					call.complete(session.eval("'finished'"));
				}
				catch (Throwable ex) {
					call.completeExceptionally(ex);
				}
			});
			caller.start();
			assertThat(acquired.await(10, TimeUnit.SECONDS)).isTrue();
		});
		assertThat(call).isCompletedWithValue("finished");
	}

	@Test
	void lifecycleShouldStartBeforeTheWebServerAndSurviveAPause() {
		int webServerStartPhase = SmartLifecycle.DEFAULT_PHASE - 2048;
		this.contextRunner.run((context) -> {
			PythonLifecycle lifecycle = context.getBean(PythonLifecycle.class);
			assertThat(lifecycle.getPhase()).isLessThan(webServerStartPhase).isLessThan(0);
			assertThat(lifecycle.isRunning()).isTrue();
			context.getSourceApplicationContext(ConfigurableApplicationContext.class).pause();
			assertThat(lifecycle.isRunning()).isFalse();
			PythonPool pool = context.getBean(PythonPool.class);
			assertThat(pool.isOpen()).isTrue();
			context.getSourceApplicationContext(ConfigurableApplicationContext.class).restart();
			assertThat(lifecycle.isRunning()).isTrue();
			assertThat(context.getBean(PythonTemplate.class).eval("'still here'")).isEqualTo("still here");
		});
	}

	private static InvalidConfigurationPropertyValueException invalidProperty(AssertableApplicationContext context,
			String key) {
		assertThat(context).hasFailed();
		InvalidConfigurationPropertyValueException invalid = findCause(context.getStartupFailure(),
				InvalidConfigurationPropertyValueException.class);
		assertThat(invalid).isNotNull();
		assertThat(invalid.getName()).isEqualTo(key);
		assertThat(invalid).hasMessageContaining(key);
		return invalid;
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (type.isInstance(candidate)) {
				return type.cast(candidate);
			}
		}
		return null;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplateConfiguration {

		@Bean
		PythonTemplate userTemplate(PythonPool pool) {
			return new PythonTemplate(pool);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPoolConfiguration {

		@Bean
		PythonPool userPool(PythonRuntime runtime) {
			return runtime.newPool(PoolOptions.builder().name("user").size(1).build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizersConfiguration {

		final List<String> calls = new ArrayList<>();

		@Bean
		@Order(2)
		PythonRuntimeCustomizer secondRuntimeCustomizer() {
			return (builder) -> this.calls.add("runtime-second");
		}

		@Bean
		@Order(1)
		PythonRuntimeCustomizer firstRuntimeCustomizer() {
			return (builder) -> this.calls.add("runtime-first");
		}

		@Bean
		@Order(2)
		PythonPoolCustomizer secondPoolCustomizer() {
			return (name, builder) -> {
				this.calls.add("pool-second:" + name);
				builder.maxUses(22);
			};
		}

		@Bean
		@Order(1)
		PythonPoolCustomizer firstPoolCustomizer() {
			return (name, builder) -> {
				this.calls.add("pool-first:" + name);
				builder.maxUses(11);
			};
		}

	}

	static class NamedTemplateConsumer {

		final PythonTemplate defaultTemplate;

		final PythonTemplate numeric;

		final PythonTemplate batch;

		NamedTemplateConsumer(PythonTemplate defaultTemplate, PythonTemplate numeric, PythonTemplate batch) {
			this.defaultTemplate = defaultTemplate;
			this.numeric = numeric;
			this.batch = batch;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NamedTemplateConsumerConfiguration {

		@Bean
		NamedTemplateConsumer namedTemplateConsumer(PythonTemplate defaultTemplate,
				@Qualifier("numeric") PythonTemplate numeric, @Qualifier("batch") PythonTemplate batch) {
			return new NamedTemplateConsumer(defaultTemplate, numeric, batch);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPoolFactoryConfiguration {

		@Bean
		PythonPoolFactory myFactory(PythonRuntime runtime, Environment environment,
				ObjectProvider<PythonPoolCustomizer> customizers, ObjectProvider<CallObserver> observers) {
			PythonProperties properties = new PythonProperties();
			properties.getPool().setSize(1);
			properties.getPool().setMaxUses(77);
			properties.getPools().put("batch", new PythonProperties.Pool());
			return new PythonPoolFactory(runtime, properties, Binder.get(environment), null, customizers, observers);
		}

	}

	static class NamedPoolConsumer {

		final PythonPool defaultPool;

		final PythonPool numeric;

		final PythonPool batch;

		NamedPoolConsumer(PythonPool defaultPool, PythonPool numeric, PythonPool batch) {
			this.defaultPool = defaultPool;
			this.numeric = numeric;
			this.batch = batch;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NamedPoolConsumerConfiguration {

		@Bean
		NamedPoolConsumer namedPoolConsumer(PythonPool defaultPool, @Qualifier("numeric") PythonPool numeric,
				@Qualifier("batch") PythonPool batch) {
			return new NamedPoolConsumer(defaultPool, numeric, batch);
		}

	}

}
