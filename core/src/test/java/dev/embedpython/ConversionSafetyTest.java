package dev.embedpython;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.embedpython.convert.ConversionPaths;
import dev.embedpython.convert.ConversionPaths.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Converting a Python value to Java may run Python code (a {@code set} subclass's {@code __iter__}, a destructor),
 * and that code may change the containers being converted. The result is the value as it was when the conversion
 * of each container began (a snapshot), never a crash. Scenarios that crashed the JVM run in a child JVM. Every
 * scenario runs with containers on the per-object path and with the bulk path allowed. Runs on 3.14 and 3.13.
 */
@Tag("runtime-parity")
@ParameterizedClass
@EnumSource(value = Path.class, names = { "PER_OBJECT", "BULK" })
class ConversionSafetyTest {

	/** The path containers take: every test runs on both. */
	@Parameter
	Path path;

	private static final Duration CHILD_DEADLINE = Duration.ofSeconds(60);

	private static PythonRuntime runtime;

	private static PythonPool pool;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
		pool = runtime.newPool(PoolOptions.builder().name("safety").size(1).build());
	}

	@AfterAll
	static void stop() {
		pool.close();
		runtime.close();
	}

	@BeforeEach
	void usePath() {
		ConversionPaths.use(this.path);
	}

	@AfterEach
	void useDefaultPath() {
		ConversionPaths.use(Path.AUTO);
	}

	@Test
	void listClearedBySetSubclassIterGivesSnapshot() {
		runScenario("list-cleared-by-set-iter");
	}

	@Test
	void listItemReplacedBySetSubclassIterGivesSnapshot() {
		runScenario("list-item-replaced-by-set-iter");
	}

	@Test
	void dictGrownWhileConvertedGivesSnapshot() {
		runScenario("dict-grown-by-set-iter");
	}

	@Test
	void dictClearedAfterItsScalarEntriesGivesSnapshot() {
		runScenario("dict-cleared-after-scalars");
	}

	@Test
	void dictClearedByKeyConversionGivesSnapshot() {
		runScenario("dict-cleared-by-frozenset-key-iter");
	}

	@Test
	void intSubclassStrThatClearsTheListIsNotCalled() {
		runScenario("int-subclass-str-clears-list");
	}

	@Test
	void javaListWhoseSizeOverstatesItsItemsConvertsItsItems() {
		runScenario("java-list-size-overstated");
	}

	private void runScenario(String name) {
		ChildJvm.Result result = ChildJvm.run(Scenario.class, CHILD_DEADLINE, name, this.path.name()).assertClean();
		assertThat(result.output()).contains("scenario " + name + " converted as expected");
	}

	@Test
	void bigIntSubclassConvertsExactlyWithoutItsStr() {
		try (PythonSession session = pool.acquire()) {
			session.exec("class Weird(int):\n    def __str__(self):\n        return 'not a number'\n"
					+ "    def __repr__(self):\n        raise RuntimeError('repr')\n"
					+ "    def __index__(self):\n        raise RuntimeError('index')\n"
					+ "    def __int__(self):\n        raise RuntimeError('int')\n");
			BigInteger big = BigInteger.TWO.pow(70).add(BigInteger.valueOf(12345));
			assertThat(session.eval("Weird(2**70 + 12345)")).isEqualTo(big);
			assertThat(session.eval("Weird(-(2**70 + 12345))")).isEqualTo(big.negate());
			assertThat(session.eval("Weird(2**63)")).isEqualTo(BigInteger.TWO.pow(63));
			assertThat(session.eval("Weird(-(2**63) - 1)")).isEqualTo(BigInteger.TWO.pow(63).negate().subtract(BigInteger.ONE));
			assertThat(session.eval("Weird(-(2**63))")).isEqualTo(Long.MIN_VALUE);
			assertThat(session.eval("Weird(7)")).isEqualTo(7L);
			assertThat(session.eval("[Weird(2**64), Weird(-1)]")).isEqualTo(List.of(BigInteger.TWO.pow(64), -1L));
		}
	}

	@Test
	void bigIntsConvertExactlyAtEveryByteBoundary() {
		try (PythonSession session = pool.acquire()) {
			@SuppressWarnings("unchecked")
			List<Object> values = (List<Object>) session
				.eval("[s * (2**b + d) for b in range(60, 300) for d in (-1, 0, 1) for s in (1, -1)]");
			int index = 0;
			for (int bits = 60; bits < 300; bits++) {
				for (int delta = -1; delta <= 1; delta++) {
					for (int sign = 1; sign >= -1; sign -= 2) {
						BigInteger expected = BigInteger.TWO.pow(bits).add(BigInteger.valueOf(delta))
							.multiply(BigInteger.valueOf(sign));
						Object expectedJava = (expected.bitLength() < 64) ? (Object) expected.longValue() : expected;
						assertThat(values.get(index++)).as("%s", expected).isEqualTo(expectedJava);
					}
				}
			}
			BigInteger huge = BigInteger.TEN.pow(5000).add(BigInteger.ONE);
			assertThat(session.eval("10**5000 + 1")).isEqualTo(huge);
			assertThat(session.eval("-(10**5000 + 1)")).isEqualTo(huge.negate());
		}
	}

	@Test
	void setSubclassWithItsOwnIterIsConvertedThroughIt() {
		try (PythonSession session = pool.acquire()) {
			session.exec("class Evens(set):\n    def __iter__(self):\n"
					+ "        return iter(sorted(x for x in set.__iter__(self) if x % 2 == 0))\n");
			assertThat(session.eval("[Evens({1, 2, 3, 4}), 5]")).isEqualTo(List.of(Set.of(2L, 4L), 5L));
		}
	}

	@Test
	void failingSetSubclassIterRaisesAndLeavesTheSessionUsable() {
		try (PythonSession session = pool.acquire()) {
			session.exec("class Broken(set):\n    def __iter__(self):\n        raise ValueError('no iteration')\n");
			assertThatExceptionOfType(PythonException.class)
				.isThrownBy(() -> session.eval("{'a': [1, Broken({1})], 'b': 2}"))
				.satisfies((ex) -> assertThat(ex.pythonType()).isEqualTo("ValueError"));
			assertThat(session.eval("{'a': [1, (2, 3)]}")).isEqualTo(Map.of("a", List.of(1L, List.of(2L, 3L))));
		}
	}

	@Test
	void dictEntriesAfterKeysThatAreEqualInJavaAreAllConverted() {
		try (PythonSession session = pool.acquire()) {
			// Two Python keys (a surrogate pair as two code points, and the one code point) are one Java string.
			Map<Object, Object> expected = new LinkedHashMap<>();
			expected.put("\ud83d\ude00", 2L);
			expected.put("x", List.of(1L));
			expected.put("y", 3L);
			assertThat(session.eval("{'\\ud83d\\ude00': 1, '\\U0001f600': 2, 'x': [1], 'y': 3}")).isEqualTo(expected);
		}
	}

	@Test
	void orderedDictConvertsInItsOwnOrder() {
		try (PythonSession session = pool.acquire()) {
			session.exec("import collections\nod = collections.OrderedDict(a=1, b=2, c=3)\nod.move_to_end('a')\n");
			@SuppressWarnings("unchecked")
			Map<Object, Object> map = (Map<Object, Object>) session.get("od");
			assertThat(map.keySet()).containsExactly("b", "c", "a");
			assertThat(session.eval("list(dict(od))")).isEqualTo(List.of("b", "c", "a"));
		}
	}

	@Test
	void listAndDictSubclassesConvertByTheirContents() {
		try (PythonSession session = pool.acquire()) {
			session.exec("class L(list):\n    def __iter__(self):\n        raise AssertionError('not used')\n"
					+ "class D(dict):\n    pass\n");
			assertThat(session.eval("L([1, (2, D(x=L([3])))])"))
				.isEqualTo(List.of(1L, List.of(2L, Map.of("x", List.of(3L)))));
		}
	}

	/**
	 * Runs one scenario in a child JVM and prints whether the converted value is the expected snapshot.
	 */
	static final class Scenario {

		private Scenario() {
		}

		public static void main(String[] args) {
			String name = args[0];
			ConversionPaths.use(Path.valueOf(args[1]));
			String code;
			String variable; // null: call described(a List whose size() says 5 but that has 2 items)
			Object expected;
			switch (name) {
				case "list-cleared-by-set-iter" -> {
					code = "class S(set):\n    def __iter__(self):\n        lst.clear()\n        return super().__iter__()\n"
							+ "lst = [1, 2, S([3]), 4, 5]\n";
					variable = "lst";
					expected = Arrays.asList(1L, 2L, Set.of(3L), 4L, 5L);
				}
				case "list-item-replaced-by-set-iter" -> {
					code = "class S(set):\n    def __iter__(self):\n        lst[3] = 'replaced'\n        del lst[4]\n"
							+ "        return super().__iter__()\n"
							+ "lst = [1, 2, S([3]), 4, [5, 6]]\n";
					variable = "lst";
					expected = Arrays.asList(1L, 2L, Set.of(3L), 4L, List.of(5L, 6L));
				}
				case "dict-grown-by-set-iter" -> {
					code = "class S(set):\n    def __iter__(self):\n        for i in range(100):\n"
							+ "            d['k%d' % i] = i\n        del d['a']\n        return super().__iter__()\n"
							+ "d = {'a': 1, 'b': S([2]), 'c': 3}\n";
					variable = "d";
					Map<Object, Object> map = new LinkedHashMap<>();
					map.put("a", 1L);
					map.put("b", Set.of(2L));
					map.put("c", 3L);
					expected = map;
				}
				case "dict-cleared-after-scalars" -> {
					code = "class S(set):\n    def __iter__(self):\n        d.clear()\n        d['new'] = 0\n"
							+ "        lst.clear()\n        return super().__iter__()\n"
							+ "lst = [1.5, 'two', None, True, 2**80, [S([4])], 'after']\n"
							+ "d = {'a': 1, 'b': 'x' * 100, 2.5: None, 'l': lst, 'z': 'end'}\n";
					variable = "d";
					Map<Object, Object> map = new LinkedHashMap<>();
					map.put("a", 1L);
					map.put("b", "x".repeat(100));
					map.put(2.5d, null);
					map.put("l", Arrays.asList(1.5d, "two", null, true, BigInteger.TWO.pow(80),
							List.of(Set.of(4L)), "after"));
					map.put("z", "end");
					expected = map;
				}
				case "dict-cleared-by-frozenset-key-iter" -> {
					code = "class F(frozenset):\n    def __iter__(self):\n        d.clear()\n"
							+ "        return super().__iter__()\n"
							+ "d = {F([1]): ['x' * 10000, list(range(100))], 'after': 'y' * 1000}\n";
					variable = "d";
					Map<Object, Object> map = new LinkedHashMap<>();
					map.put(new LinkedHashSet<>(List.of(1L)), List.of("x".repeat(10000), range(100)));
					map.put("after", "y".repeat(1000));
					expected = map;
				}
				case "int-subclass-str-clears-list" -> {
					code = "class I(int):\n    def __str__(self):\n        lst.clear()\n        return int.__str__(self)\n"
							+ "lst = [I(2**70), 1, [2]]\n";
					variable = "lst";
					expected = Arrays.asList(BigInteger.TWO.pow(70), 1L, List.of(2L));
				}
				case "java-list-size-overstated" -> {
					code = "def described(x):\n    return [len(x), [repr(v) for v in x]]\n";
					variable = null;
					expected = List.of(2L, List.of("'a'", "'b'"));
				}
				default -> throw new IllegalArgumentException("unknown scenario " + name);
			}
			PythonRuntime runtime = TestRuntimes.start();
			try {
				PythonPool pool = runtime.newPool(PoolOptions.builder().name("child").size(1).build());
				try (PythonSession session = pool.acquire()) {
					session.exec(code);
					Object actual = (variable != null) ? session.get(variable)
							: session.call("__main__", "described", new OverstatedList(List.of("a", "b"), 5));
					if (!expected.equals(actual)) {
						System.out.println("scenario " + name + " converted to " + abbreviate(actual) + ", expected "
								+ abbreviate(expected));
						System.exit(2);
					}
					System.out.println("scenario " + name + " converted as expected");
				}
				finally {
					pool.close();
				}
			}
			finally {
				runtime.close();
			}
		}

		/** A list (like a concurrently shrunk one) whose size() is larger than what its iterator yields. */
		private static final class OverstatedList extends java.util.AbstractList<Object> {

			private final List<Object> items;

			private final int claimedSize;

			OverstatedList(List<Object> items, int claimedSize) {
				this.items = items;
				this.claimedSize = claimedSize;
			}

			@Override
			public Object get(int index) {
				return this.items.get(index);
			}

			@Override
			public int size() {
				return this.claimedSize;
			}

			@Override
			public java.util.Iterator<Object> iterator() {
				return this.items.iterator();
			}

		}

		private static List<Long> range(int n) {
			Long[] values = new Long[n];
			for (int i = 0; i < n; i++) {
				values[i] = (long) i;
			}
			return List.of(values);
		}

		private static String abbreviate(Object value) {
			String text = String.valueOf(value);
			return (text.length() > 300) ? text.substring(0, 300) + "..." : text;
		}

	}

}
