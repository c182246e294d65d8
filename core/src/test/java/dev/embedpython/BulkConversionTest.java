package dev.embedpython;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.embedpython.convert.ConversionPaths;
import dev.embedpython.convert.ConversionPaths.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The bulk path (marshal) and the per-object path give identical results: each value is converted on both and the
 * results compared by class, order and bits, not only by {@code equals}. Values the bulk path carries are also
 * converted with the bulk path required, so a silent fallback would fail the test; values it does not carry
 * (subclasses, bytes, objects of other types, deep nesting) are shown to be declined and converted per object.
 * Runs on 3.14 and 3.13.
 */
@Tag("runtime-parity")
class BulkConversionTest {

	private static final Duration CHILD_DEADLINE = Duration.ofSeconds(60);

	private static PythonRuntime runtime;

	private static PythonPool pool;

	private PythonSession session;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
		pool = runtime.newPool(PoolOptions.builder().name("bulk").size(1).build());
	}

	@AfterAll
	static void stop() {
		pool.close();
		runtime.close();
	}

	@BeforeEach
	void acquire() {
		this.session = pool.acquire();
		this.session.exec("""
				import math
				import sys

				def same(a, b):
				    if type(a) is not type(b):
				        return False
				    if type(a) is float:
				        if math.isnan(a):
				            return math.isnan(b)
				        return a == b and math.copysign(1, a) == math.copysign(1, b)
				    if type(a) in (list, tuple):
				        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
				    if type(a) is dict:
				        return len(a) == len(b) and all(same(ka, kb) and same(a[ka], b[kb]) for ka, kb in zip(a, b))
				    if type(a) in (set, frozenset):
				        return sorted(map(repr, a)) == sorted(map(repr, b))
				    return a == b

				def nested(depth):
				    value = [1]
				    for _ in range(depth):
				        value = [value]
				    return value
				""");
	}

	@AfterEach
	void release() {
		ConversionPaths.use(Path.AUTO);
		this.session.close();
	}

	// Python -> Java

	@Test
	void integersOfEverySizeIncludingEveryByteBoundary() {
		Object value = carried("[0, 1, -1, 255, 256, 257, -5, -6, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**62, "
				+ "2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64, 10**40, -10**40, 10**400]");
		assertThat(value).isEqualTo(Arrays.asList(0L, 1L, -1L, 255L, 256L, 257L, -5L, -6L, (long) Integer.MAX_VALUE,
				1L << 31, (long) Integer.MIN_VALUE, (long) Integer.MIN_VALUE - 1, 1L << 62, Long.MAX_VALUE,
				BigInteger.TWO.pow(63), Long.MIN_VALUE, BigInteger.TWO.pow(63).negate().subtract(BigInteger.ONE),
				BigInteger.TWO.pow(64), BigInteger.TEN.pow(40), BigInteger.TEN.pow(40).negate(),
				BigInteger.TEN.pow(400)));
		carried("[s * (2**b + d) for b in range(1, 300) for d in (-1, 0, 1) for s in (1, -1)]");
	}

	@Test
	void floatsKeepSignNanAndInfinity() {
		List<?> value = (List<?>) carried(
				"[0.0, -0.0, float('nan'), float('inf'), -float('inf'), 5e-324, 1.5, 1e308, 0.1 + 0.2]");
		assertThat(Double.doubleToRawLongBits((Double) value.get(1))).isEqualTo(Double.doubleToRawLongBits(-0.0));
		assertThat((Double) value.get(2)).isNaN();
		assertThat(value.get(3)).isEqualTo(Double.POSITIVE_INFINITY);
		assertThat(value.get(8)).isEqualTo(0.1 + 0.2);
	}

	@Test
	void stringsOfEveryKindWithLoneSurrogates() {
		Object value = carried("['', 'a', '\\xe9', '\\u2603', '\\U0001f600', '\\ud800', 'x\\udc00y', "
				+ "'\\ud83d\\ude00', 'a' * 300, '\\xe9' * 300, '\\u2603' * 70000, '\\x00', 'a\\U0001d11e\\ud800b', "
				+ "'\\udbff\\udfff', sys.intern('shared'), sys.intern('shared')]");
		assertThat(value).isEqualTo(Arrays.asList("", "a", "\u00e9", "\u2603", "\ud83d\ude00", "\ud800", "x\udc00y",
				"\ud83d\ude00", "a".repeat(300), "\u00e9".repeat(300), "\u2603".repeat(70000), "\u0000",
				"a\ud834\udd1e\ud800b", "\udbff\udfff", "shared", "shared"));
	}

	@Test
	void boolIsNotIntAndNoneIsNull() {
		assertThat(carried("[True, False, 1, 0, None, [None], (True,)]"))
			.isEqualTo(Arrays.asList(true, false, 1L, 0L, null, Arrays.asList((Object) null), List.of(true)));
	}

	@Test
	void emptyAndNestedContainers() {
		carried("[[], {}, (), set(), frozenset(), [[[]]], {'a': {'b': [1, (2, 3)]}}, ((),)]");
		assertThat(carried("[]")).isEqualTo(List.of());
		assertThat(carried("{}")).isEqualTo(Map.of());
		assertThat(carried("()")).isEqualTo(List.of());
		assertThat(carried("set()")).isEqualTo(Set.of());
		assertThat(carried("(1, [2], {'x': (3,)})")).isEqualTo(List.of(1L, List.of(2L), Map.of("x", List.of(3L))));
	}

	@Test
	void dictKeysOfEveryHashableKindInInsertionOrder() {
		@SuppressWarnings("unchecked")
		Map<Object, Object> map = (Map<Object, Object>) carried("{'z': 0, 1: 'int', 2.5: None, None: 0, True: 't', "
				+ "(1, 'x'): 'tuple', frozenset({1}): 'fs', 2**70: 'big', 'a': 1}");
		// True == 1 in Python: the key stays the int 1, with the value of the later True.
		assertThat(new ArrayList<>(map.keySet())).containsExactly("z", 1L, 2.5, null, List.of(1L, "x"), Set.of(1L),
				BigInteger.TWO.pow(70), "a");
		assertThat(map.get(1L)).isEqualTo("t");
		// Keys that are distinct in Python but equal in Java: the later value, at the first key's place.
		carried("{'\\ud83d\\ude00': 1, '\\U0001f600': 2, 'x': [1], 'y': 3}");
	}

	@Test
	void setsAndFrozensetsAreEqualSets() {
		Object value = carried("[{1, 2, 3, 'a', (1, 2), None, 2.5, 2**80}, frozenset({'x', frozenset({1})})]");
		assertThat(value).isEqualTo(List.of(new LinkedHashSet<>(Arrays.asList(1L, 2L, 3L, "a", List.of(1L, 2L), null,
				2.5, BigInteger.TWO.pow(80))), Set.of("x", Set.of(1L))));
	}

	@Test
	void tuplesAreUnmodifiableAndListsMutable() {
		List<?> value = (List<?>) carried("[(1, 2), [3, 4], (5, [6, 7], 8, 9)]");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> ((List<?>) value.get(0)).clear());
		((List<?>) value.get(1)).clear();
	}

	@Test
	void sharedObjectsBecomeSeparateJavaContainers() {
		List<?> lists = (List<?>) carried("(lambda x: [x, x, x, {'k': x}])([1, [2], {'d': 3}])");
		assertThat(lists.get(0)).isEqualTo(lists.get(1)).isNotSameAs(lists.get(1));
		assertThat(((List<?>) lists.get(0)).get(1)).isNotSameAs(((List<?>) lists.get(2)).get(1));
		assertThat(((Map<?, ?>) lists.get(3)).get("k")).isEqualTo(lists.get(0)).isNotSameAs(lists.get(0));
		List<?> tuples = (List<?>) carried("(lambda t: [t, t, (t, t)])((1, [2], 'three'))");
		assertThat(((List<?>) tuples.get(0)).get(1)).isNotSameAs(((List<?>) tuples.get(1)).get(1));
		carried("(lambda s: [s, s, {1: s}])(frozenset({1, 2}))");
		carried("(lambda d: [d, [d, [d]]])({'a': [1, 2], 'b': (3,)})");
	}

	@Test
	void largeContainers() {
		carried("[i * 0.5 + 0.1 for i in range(100000)]");
		carried("[i * 7919 for i in range(100000)]");
		carried("['item%d' % i for i in range(10000)]");
		carried("{'key%d' % i: i * 31 for i in range(1000)}");
	}

	@Test
	void subclassesTakeThePerObjectPath() {
		this.session.exec("""
				import collections
				class L(list):
				    def __iter__(self):
				        raise AssertionError('not used')
				class D(dict):
				    pass
				class I(int):
				    def __str__(self):
				        raise AssertionError('not used')
				class S(str):
				    pass
				class F(frozenset):
				    pass
				""");
		// A subclass at the top is never tried in bulk.
		assertThat(bothPaths("L([1, 2, 3, 4])")).isEqualTo(List.of(1L, 2L, 3L, 4L));
		declined("[L([1]), 2, 3, 4]");
		declined("[D(a=1), 2, 3, 4]");
		declined("[I(2**70), I(-3), 2, 3]");
		declined("[S('text'), 'text', 1, 2]");
		declined("[F({1}), 1, 2, 3]");
		bothPaths("collections.OrderedDict([('b', 1), ('a', 2), ('c', 3), ('d', 4)])");
		declined("[collections.OrderedDict([('b', 1), ('a', 2)]), 1, 2, 3]");
		declined("[collections.defaultdict(list, a=[1]), 1, 2, 3]");
		// Below a subclass, exact containers may go in bulk again: the per-object path tries them.
		ConversionPaths.use(Path.BULK);
		assertThat(this.session.eval("L([[1, 2, 3, 4], D(x=[5, 6, 7, 8])])"))
			.isEqualTo(List.of(List.of(1L, 2L, 3L, 4L), Map.of("x", List.of(5L, 6L, 7L, 8L))));
	}

	@Test
	void bytesAndOtherBufferExportersTakeThePerObjectPath() {
		assertThat((List<?>) declined("[b'ab\\x00', b'', 1, 2]")).satisfies(
				(list) -> assertThat((byte[]) list.get(0)).containsExactly('a', 'b', 0));
		sameError("[1, 2, 3, bytearray(b'x')]", "'bytearray'");
		sameError("[1, 2, 3, memoryview(b'x')]", "'memoryview'");
	}

	@Test
	void unsupportedObjectsFailAsBefore() {
		sameError("[1, 2, 3, object()]", "'object'");
		sameError("[1, complex(1, 2), 3, 4]", "'complex'");
		sameError("{'a': ..., 'b': 2, 'c': 3, 'd': 4}", "'ellipsis'");
		sameError("[1, 2, 3, slice(1, 2)]", "'slice'");
		sameError("[1, 2, 3, (lambda: 0).__code__]", "'code'");
		sameError("(lambda l: (l.append(l), l)[1])([1, 2, 3])", "nested deeper");
		sameError("(lambda d: (d.__setitem__('me', d), d)[1])({'a': 1, 'b': 2, 'c': 3})", "nested deeper");
	}

	@Test
	void deepNestingIsLeftToThePerObjectPath() {
		carried("nested(150)");
		declined("nested(230)");
		sameError("nested(300)", "nested deeper than 256 levels");
		sameError("nested(3000)", "nested deeper than 256 levels");
	}

	@Test
	void recursionLimitIsRestored() {
		this.session.exec("import sys\nsys.setrecursionlimit(1234)\nclass S(set):\n    pass\n");
		carried("[1, 2, 3, 4, 5]");
		declined("[S(), 1, 2, 3]");
		assertThat(this.session.eval("sys.getrecursionlimit()")).isEqualTo(1234L);
		this.session.exec("def down(n):\n    return 0 if n == 0 else 1 + down(n - 1)\n");
		assertThat(this.session.eval("down(1000)")).isEqualTo(1000L);
		this.session.exec("sys.setrecursionlimit(1000)");
	}

	@Test
	void pythonBufferExportersNeverRunDuringBulk() {
		// Unguarded, marshal calls __buffer__, which may free the list marshal is reading: CPython then reads
		// freed memory (reproduced: SIGSEGV on 3.13 and 3.14). Hence a child JVM.
		ChildJvm.Result result = ChildJvm.run(BufferExporterScenario.class, CHILD_DEADLINE).assertClean();
		assertThat(result.output())
			.contains("buffer exporter not called, list intact, error: Cannot convert Python 'B'");
	}

	// Java -> Python

	@Test
	void javaScalarsInContainers() {
		bothWays(Arrays.asList(1L, -5L, 256L, 257L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, -(1L << 31) - 1, 7,
				(short) -3, (byte) 9, BigInteger.TWO.pow(100), BigInteger.TWO.pow(100).negate(), BigInteger.valueOf(5),
				BigInteger.TWO.pow(63), BigInteger.TWO.pow(63).negate(), BigInteger.TWO.pow(64).negate()));
		bothWays(Arrays.asList(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
				Double.MIN_VALUE, 1.5f, Float.NaN));
		bothWays(Arrays.asList(true, false, null, 1, 0));
		bothWays(Arrays.asList("", "ascii", "\u00e9", "\u2603", "\ud83d\ude00", "\ud800", "x\udc00y", "\udc00\ud800",
				"a".repeat(300), "\u00e9".repeat(300), "\u0000", "\ud83d\ude00\ud800\ud83d\ude00"));
		bothWays(Arrays.asList(new byte[0], new byte[] { 0, 1, (byte) 0xff }));
	}

	@Test
	void javaContainersNestedAndEmpty() {
		Map<Object, Object> map = new LinkedHashMap<>();
		map.put("z", List.of(1, List.of()));
		map.put(1L, Map.of());
		map.put(2.5, Set.of());
		map.put(null, true);
		map.put(true, "t");
		map.put(BigInteger.TWO.pow(70), "big");
		map.put(new byte[] { 1 }, "bytes");
		bothWays(map);
		bothWays(List.of());
		bothWays(Map.of());
		bothWays(Set.of());
		bothWays(new LinkedHashSet<>(Arrays.asList(1L, "a", 2.5, null, BigInteger.TEN.pow(30))));
	}

	@Test
	void javaKeysThatCollideInPython() {
		Map<Object, Object> map = new LinkedHashMap<>();
		map.put(1L, "long");
		map.put(1.0, "double");
		map.put(true, "boolean");
		map.put("x", "x");
		bothWays(map);
		assertThat(this.session.eval("b")).isEqualTo(Map.of(1L, "boolean", "x", "x"));
	}

	@Test
	void javaValuesTheBulkPathDoesNotCarry() {
		ConversionPaths.use(Path.BULK);
		this.session.set("v", List.of(new double[] { 1.5 }, 2, 3, 4));
		assertThat(this.session.eval("type(v[0]).__name__ + v[0].format")).isEqualTo("memoryviewd");
		for (Path path : List.of(Path.PER_OBJECT, Path.BULK)) {
			ConversionPaths.use(path);
			assertThatExceptionOfType(PythonConversionException.class)
				.isThrownBy(() -> this.session.set("v", List.of(1, 2, 3, new StringBuilder())))
				.withMessageContaining("java.lang.StringBuilder");
			assertThatExceptionOfType(PythonException.class)
				.isThrownBy(() -> this.session.set("v", Map.of(List.of(1), 1, "a", 2, "b", 3, "c", 4)))
				.satisfies((ex) -> assertThat(ex.pythonType()).isEqualTo("TypeError"));
			assertThatExceptionOfType(PythonConversionException.class)
				.isThrownBy(() -> this.session.set("v", nestedJava(300)))
				.withMessageContaining("nested deeper than 256 levels");
		}
		ConversionPaths.use(Path.BULK_ONLY);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.session.set("v", List.of(new double[] { 1.5 }, 2, 3, 4)));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.session.set("v", nestedJava(230)));
	}

	@Test
	void javaListWhoseSizeOverstatesItsItems() {
		List<Object> overstated = new java.util.AbstractList<>() {

			@Override
			public Object get(int index) {
				return List.of("a", "b").get(index);
			}

			@Override
			public int size() {
				return 5;
			}

			@Override
			public Iterator<Object> iterator() {
				return List.<Object>of("a", "b").iterator();
			}

			@Override
			public Object[] toArray() {
				return new Object[] { "a", "b" };
			}

		};
		bothWays(overstated);
		assertThat(this.session.eval("b")).isEqualTo(List.of("a", "b"));
	}

	@Test
	void javaLargeContainers() {
		List<Double> doubles = new ArrayList<>();
		List<Long> longs = new ArrayList<>();
		List<String> strings = new ArrayList<>();
		Map<String, Integer> map = new LinkedHashMap<>();
		for (int i = 0; i < 100_000; i++) {
			doubles.add(i * 0.5 + 0.1);
			longs.add(i * 7919L * (((i & 1) == 0) ? 1 : 100_000_000L));
		}
		for (int i = 0; i < 10_000; i++) {
			strings.add("item" + i);
		}
		for (int i = 0; i < 1000; i++) {
			map.put("key" + i, i * 31);
		}
		bothWays(doubles);
		bothWays(longs);
		bothWays(strings);
		bothWays(map);
		bothWays(nestedJava(150));
	}

	// helpers

	/** Convert on both paths, the bulk one required, and compare. */
	private Object carried(String expression) {
		ConversionPaths.use(Path.PER_OBJECT);
		Object perObject = this.session.eval(expression);
		ConversionPaths.use(Path.BULK_ONLY);
		Object bulk = this.session.eval(expression);
		assertIdentical(expression, perObject, bulk);
		return perObject;
	}

	/** Show that the bulk path declines, and that the fallback gives the per-object result. */
	private Object declined(String expression) {
		ConversionPaths.use(Path.BULK_ONLY);
		assertThat(catchThrowable(() -> this.session.eval(expression))).as(expression)
			.isInstanceOf(IllegalStateException.class);
		return bothPaths(expression);
	}

	/** Convert per object and with the bulk path allowed, and compare. */
	private Object bothPaths(String expression) {
		ConversionPaths.use(Path.PER_OBJECT);
		Object perObject = this.session.eval(expression);
		ConversionPaths.use(Path.BULK);
		assertIdentical(expression, perObject, this.session.eval(expression));
		return perObject;
	}

	private void sameError(String expression, String expected) {
		Throwable[] errors = new Throwable[2];
		int i = 0;
		for (Path path : List.of(Path.PER_OBJECT, Path.BULK)) {
			ConversionPaths.use(path);
			errors[i++] = catchThrowable(() -> this.session.eval(expression));
		}
		assertThat(errors[0]).as(expression).isInstanceOf(PythonConversionException.class)
			.hasMessageContaining(expected);
		assertThat(errors[1]).as(expression).isInstanceOf(errors[0].getClass()).hasMessage(errors[0].getMessage());
	}

	/** Set a per-object {@code a} and a bulk {@code b} in Python and compare them there. */
	private void bothWays(Object value) {
		ConversionPaths.use(Path.PER_OBJECT);
		this.session.set("a", value);
		ConversionPaths.use(Path.BULK_ONLY);
		this.session.set("b", value);
		ConversionPaths.use(Path.AUTO);
		assertThat(this.session.eval("same(a, b)")).as(() -> abbreviate(this.session.eval("repr(a)"))).isEqualTo(true);
	}

	private static List<Object> nestedJava(int depth) {
		List<Object> value = List.of(1);
		for (int i = 0; i < depth; i++) {
			value = List.of(value);
		}
		return value;
	}

	private static String abbreviate(Object text) {
		String string = String.valueOf(text);
		return (string.length() > 300) ? string.substring(0, 300) + "..." : string;
	}

	/** Equal, and alike in everything {@code equals} ignores: classes, bits of doubles, order of map entries. */
	static void assertIdentical(String path, Object expected, Object actual) {
		if (expected == null || actual == null) {
			assertThat(actual).as(path).isSameAs(expected);
			return;
		}
		assertThat(actual.getClass()).as(path).isEqualTo(expected.getClass());
		if (expected instanceof Double d) {
			assertThat(Double.doubleToRawLongBits((Double) actual)).as(path).isEqualTo(Double.doubleToRawLongBits(d));
		}
		else if (expected instanceof byte[] bytes) {
			assertThat((byte[]) actual).as(path).isEqualTo(bytes);
		}
		else if (expected instanceof List<?> list) {
			List<?> other = (List<?>) actual;
			assertThat(other).as(path).hasSameSizeAs(list);
			for (int i = 0; i < list.size(); i++) {
				assertIdentical(path + "[" + i + "]", list.get(i), other.get(i));
			}
		}
		else if (expected instanceof Map<?, ?> map) {
			Iterator<? extends Map.Entry<?, ?>> others = ((Map<?, ?>) actual).entrySet().iterator();
			assertThat((Map<?, ?>) actual).as(path).hasSameSizeAs(map);
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				Map.Entry<?, ?> other = others.next();
				assertIdentical(path + " key", entry.getKey(), other.getKey());
				assertIdentical(path + "[" + entry.getKey() + "]", entry.getValue(), other.getValue());
			}
		}
		else {
			// Sets: their members are immutable values; their order is unspecified (marshal sorts them).
			assertThat(actual).as(path).isEqualTo(expected);
		}
	}

	/**
	 * A child JVM: a list holding an object whose Python {@code __buffer__} clears the list, converted on the bulk
	 * path. Marshal must not call it.
	 */
	static final class BufferExporterScenario {

		private BufferExporterScenario() {
		}

		public static void main(String[] args) {
			PythonRuntime runtime = TestRuntimes.start();
			try {
				PythonPool pool = runtime.newPool(PoolOptions.builder().name("child").size(1).build());
				try (PythonSession session = pool.acquire()) {
					session.exec("""
							called = []
							class B:
							    def __buffer__(self, flags):
							        called.append(1)
							        lst.clear()
							        return memoryview(b'x')
							lst = [1.5, B(), 'x' * 10, [1, 2], {'k': [3]}]
							""");
					ConversionPaths.use(Path.BULK);
					Supplier<String> state = () -> session.eval("'called' if called else 'not called'") + ", list "
							+ (session.eval("len(lst) == 5", Boolean.class) ? "intact" : "cleared");
					try {
						session.get("lst");
						System.out.println("converted without error: " + state.get());
					}
					catch (PythonConversionException ex) {
						System.out.println("buffer exporter " + state.get() + ", error: " + ex.getMessage());
					}
				}
				finally {
					pool.close();
				}
			}
			finally {
				runtime.close();
			}
		}

	}

}
