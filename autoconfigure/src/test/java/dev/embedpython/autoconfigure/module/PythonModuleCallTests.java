package dev.embedpython.autoconfigure.module;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.embedpython.PythonConversionException;
import dev.embedpython.PythonException;
import dev.embedpython.PythonPool;
import dev.embedpython.autoconfigure.PythonAutoConfiguration;
import dev.embedpython.modulefixtures.namedpool.Ledger;
import dev.embedpython.modulefixtures.valid.Conversions;
import dev.embedpython.modulefixtures.valid.Prices;
import dev.embedpython.modulefixtures.valid.Quote;
import dev.embedpython.modulefixtures.valid.Shipment;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Calls through {@link PythonModule} interface beans against the real CPython: every supported return type,
 * keyword arguments, values crossing through the {@code JsonMapper}, mismatches, default and {@code Object} methods.
 */
class PythonModuleCallTests {

	private final ApplicationContextRunner contextRunner = ModuleFixtures.contextRunner()
		.withUserConfiguration(ModuleFixtures.Valid.class);

	@Test
	void recordsShouldBeMappedFromTheDictsPythonReturns() {
		this.contextRunner.run((context) -> {
			Prices prices = context.getBean(Prices.class);
			assertThat(prices.quote("A-17", 3)).isEqualTo(new Quote("A-17", 3, new BigDecimal("29.97")));
			assertThat(prices.quotes(List.of("A-17", "B-2"), 2)).containsExactly(
					new Quote("A-17", 2, new BigDecimal("19.98")), new Quote("B-2", 2, new BigDecimal("0.20")));
		});
	}

	@Test
	void optionalShouldBeEmptyForNone() {
		this.contextRunner.run((context) -> {
			Prices prices = context.getBean(Prices.class);
			assertThat(prices.find("B-2")).contains(new Quote("B-2", 1, new BigDecimal("0.10")));
			assertThat(prices.find("Z-0")).isEmpty();
			assertThat(prices.nameOf("A-17")).contains("a-17");
			assertThat(prices.nameOf("Z-0")).isEmpty();
		});
	}

	@Test
	void scalarsAndListsShouldComeBackAsDeclared() {
		this.contextRunner.run((context) -> {
			Prices prices = context.getBean(Prices.class);
			assertThat(prices.skus()).containsExactly("A-17", "B-2");
			assertThat(prices.count()).isEqualTo(2);
			assertThat(prices.countAsLong()).isEqualTo(2L);
			assertThat(prices.price("B-2")).isEqualTo(0.1);
			assertThat(prices.known("A-17")).isTrue();
			assertThat(prices.known("Z-0")).isFalse();
		});
	}

	@Test
	void voidMethodShouldCallTheFunctionAndIgnoreWhatItReturns() {
		this.contextRunner.run((context) -> {
			Prices prices = context.getBean(Prices.class);
			prices.record("restocked");
			prices.record("sold");
			assertThat(prices.events()).containsExactly("restocked", "sold");
		});
	}

	@Test
	void kwParametersShouldBePassedByKeyword() {
		this.contextRunner.run((context) -> {
			Prices prices = context.getBean(Prices.class);
			assertThat(prices.discounted("A-17", 10, 10).total()).isEqualByComparingTo("89.91");
			// coupon and percent by keyword (percent named by the parameter), sku and quantity in order
			Quote couponed = prices.couponed("FIVE", "A-17", 0, 2);
			assertThat(couponed.quantity()).isEqualTo(2);
			assertThat(couponed.total()).isEqualByComparingTo("14.98");
		});
	}

	@Test
	void defaultAndObjectMethodsShouldRunInJava() {
		this.contextRunner.run((context) -> {
			Prices prices = context.getBean(Prices.class);
			assertThat(prices.quoteOne("B-2").quantity()).isEqualTo(1);
			assertThat(prices).hasToString("@PythonModule " + Prices.class.getName()
					+ " (module 'mt_prices', pool 'default')");
			assertThat(prices.equals(prices)).isTrue();
			assertThat(prices.equals(context.getBean(Conversions.class))).isFalse();
			assertThat(prices.hashCode()).isEqualTo(System.identityHashCode(prices));
		});
	}

	@Test
	void mismatchShouldNameTheMethodThePythonTypeAndTheJavaType() {
		this.contextRunner.run((context) -> {
			Prices prices = context.getBean(Prices.class);
			assertThatExceptionOfType(PythonConversionException.class).isThrownBy(prices::wrongCount)
				.withMessageStartingWith("Prices.wrongCount: mt_prices.wrong_count returned a value that is not int")
				.withMessageContaining("Python str");
			assertThatExceptionOfType(PythonConversionException.class).isThrownBy(prices::wrongQuote)
				.withMessageStartingWith("Prices.wrongQuote: mt_prices.wrong_quote returned Python str where "
						+ Quote.class.getName() + " was expected");
			assertThatExceptionOfType(PythonConversionException.class).isThrownBy(prices::wrongQuotes)
				.withMessageStartingWith("Prices.wrongQuotes: mt_prices.wrong_quotes returned Python int where "
						+ "java.util.List<" + Quote.class.getName() + "> was expected");
			assertThatExceptionOfType(PythonConversionException.class).isThrownBy(prices::wrongOptionalCount)
				.withMessageContaining("Prices.wrongOptionalCount")
				.withMessageContaining("Python str")
				.withMessageContaining("java.lang.Integer");
			assertThatExceptionOfType(PythonConversionException.class).isThrownBy(prices::unconvertible)
				.withMessageStartingWith("Prices.unconvertible: mt_prices.unconvertible returned a value that is not "
						+ "java.lang.Object")
				.withMessageContaining("object");
		});
	}

	@Test
	void pythonErrorsShouldPassThroughUnchanged() {
		this.contextRunner.run((context) -> {
			Prices prices = context.getBean(Prices.class);
			assertThatExceptionOfType(PythonException.class).isThrownBy(() -> prices.quote("Z-0", 1))
				.satisfies((ex) -> assertThat(ex.pythonType()).isEqualTo("KeyError"));
			// A ModuleNotFoundError raised by the function is its own, not a missing helper to install.
			assertThatExceptionOfType(PythonException.class).isThrownBy(prices::needsMissing)
				.satisfies((ex) -> assertThat(ex.pythonType()).isEqualTo("ModuleNotFoundError"))
				.withMessageContaining("mt_no_such_module");
		});
	}

	@Test
	void argumentsShouldReachPythonInTheirJsonForm() {
		this.contextRunner.run((context) -> {
			Conversions conversions = context.getBean(Conversions.class);
			assertThat(conversions.describe(new Quote("A-17", 3, new BigDecimal("29.970"))))
				.isEqualTo(Map.of("type", "dict", "value", Map.of("sku", "A-17", "quantity", 3L, "total", "29.970")));
			assertThat(conversions.describe(new BigDecimal("1.10"))).isEqualTo(described("str", "1.10"));
			assertThat(conversions.describe(LocalDate.of(2026, 11, 29))).isEqualTo(described("str", "2026-11-29"));
			assertThat(conversions.describe(Instant.parse("2026-11-29T08:30:00Z")))
				.isEqualTo(described("str", "2026-11-29T08:30:00Z"));
			assertThat(conversions.describe(Shipment.Tier.GOLD)).isEqualTo(described("str", "GOLD"));
			UUID id = UUID.randomUUID();
			assertThat(conversions.describe(id)).isEqualTo(described("str", id.toString()));
			assertThat(conversions.describe(List.of(new Quote("B-2", 1, BigDecimal.ONE))))
				.isEqualTo(described("list", List.of(Map.of("sku", "B-2", "quantity", 1L, "total", "1"))));
			assertThat(conversions.describe(Optional.of(7))).isEqualTo(described("int", 7L));
			assertThat(conversions.describe(Map.of(Shipment.Tier.BRONZE, 1))).isEqualTo(
					described("dict", Map.of("BRONZE", 1L)));
			assertThat(conversions.describe("text")).isEqualTo(described("str", "text"));
		});
	}

	@Test
	void resultsShouldBeMadeJsonLikeForRecords() {
		this.contextRunner.run((context) -> {
			Conversions conversions = context.getBean(Conversions.class);
			// A dataclass with a date, an aware datetime, an enum member and a timedelta.
			assertThat(conversions.shipment("A-17")).isEqualTo(new Shipment("A-17", LocalDate.of(2026, 11, 29),
					Instant.parse("2026-11-29T08:30:00Z"), Shipment.Tier.GOLD, Duration.ofDays(2).plusMillis(1500)));
			assertThat(conversions.point()).isEqualTo(new Conversions.Point(3, 4));
			assertThat(conversions.samples()).containsExactly(1.5, 2.5);
		});
	}

	@Test
	void applicationJsonMapperShouldBeUsed() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
			.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
			.run((context) -> assertThat(context.getBean(Conversions.class).describe(new LineItem("A-17", 2)))
				.isEqualTo(described("dict", Map.of("sku_code", "A-17", "unit_count", 2L))));
		this.contextRunner.run((context) -> assertThat(
				context.getBean(Conversions.class).describe(new LineItem("A-17", 2)))
			.as("Jackson's default JsonMapper without a bean")
			.isEqualTo(described("dict", Map.of("skuCode", "A-17", "unitCount", 2L))));
	}

	@Test
	void eachCallShouldBeOnePooledCall() {
		this.contextRunner.withUserConfiguration(RecordingCallObserver.class).run((context) -> {
			List<String> calls = context.getBean(RecordingCallObserver.class).calls;
			Prices prices = context.getBean(Prices.class);
			calls.clear();
			prices.count();
			prices.quote("A-17", 1);
			prices.couponed("FIVE", "A-17", 10, 2);
			// Direct: the function itself; through the helper: its entry point, named after the function and the
			// keywords it passes.
			assertThat(calls).containsExactly("default mt_prices.count",
					"default _embedpython_modules.mt_prices.quote",
					"default _embedpython_modules.mt_prices.discounted(coupon=,percent=)");
			assertThat(context.getBean(PythonPool.class).stats().active()).isZero();
		});
	}

	@Test
	void namedPoolShouldServeItsInterfaces() {
		this.contextRunner.withUserConfiguration(RecordingCallObserver.class, ModuleFixtures.NamedPool.class)
			.withPropertyValues("python.pools.batch.size=1")
			.run((context) -> {
				List<String> calls = context.getBean(RecordingCallObserver.class).calls;
				calls.clear();
				Ledger ledger = context.getBean(Ledger.class);
				assertThat(ledger.count()).isEqualTo(2);
				assertThat(ledger.quote("B-2", 3).total()).isEqualByComparingTo("0.30");
				assertThat(calls).containsExactly("batch mt_prices.count",
						"batch _embedpython_modules.mt_prices.quote");
				assertThat(context.getBeanFactory().getDependentBeans("batchPythonPool")).contains("ledger");
			});
	}

	@Test
	void interfaceBeansShouldBeDestroyedBeforeTheirPool() {
		this.contextRunner.run((context) -> assertThat(
				context.getBeanFactory().getDependentBeans(PythonAutoConfiguration.DEFAULT_POOL_BEAN_NAME))
			.contains("prices", "conversions", "rows"));
	}

	@Test
	void recycledInterpretersShouldGetTheHelperAgain() {
		this.contextRunner.withUserConfiguration(RecordingCallObserver.class).run((context) -> {
			List<String> calls = context.getBean(RecordingCallObserver.class).calls;
			Prices prices = context.getBean(Prices.class);
			assertThat(prices.quote("A-17", 1).total()).isEqualByComparingTo("9.99");
			PythonPool pool = context.getBean(PythonPool.class);
			long before = pool.interpreters().get(0).id();
			pool.recycle();
			Awaitility.await("the replacement interpreter")
				.atMost(Duration.ofSeconds(30))
				.until(() -> pool.interpreters().stream().allMatch((info) -> info.id() != before));
			calls.clear();
			assertThat(prices.quote("A-17", 2).total()).isEqualByComparingTo("19.98");
			assertThat(calls).as("helper installed again").contains("default builtins.exec");
		});
	}

	private static Map<String, Object> described(String type, Object value) {
		return Map.of("type", type, "value", value);
	}

	/**
	 * A record whose components Jackson names differently under {@code SNAKE_CASE}.
	 *
	 * @param skuCode the article
	 * @param unitCount how many
	 */
	record LineItem(String skuCode, int unitCount) {
	}

}
