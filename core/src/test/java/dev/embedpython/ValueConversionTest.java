package dev.embedpython;

import java.math.BigInteger;
import java.util.ArrayList;
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
 * Every value type round-trips Java → Python → Java, checked on the Python side too, with containers on the
 * per-object path and on the bulk path. Runs on 3.14 and 3.13.
 */
@Tag("runtime-parity")
@ParameterizedClass
@EnumSource(value = Path.class, names = { "PER_OBJECT", "BULK" })
class ValueConversionTest {

	/** The path containers take: every test runs on both. */
	@Parameter
	Path path;

	private static PythonRuntime runtime;

	private static PythonPool pool;

	private PythonSession session;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
		pool = runtime.newPool(PoolOptions.builder().name("values").size(1).build());
	}

	@AfterAll
	static void stop() {
		pool.close();
		runtime.close();
	}

	@BeforeEach
	void acquire() {
		ConversionPaths.use(this.path);
		this.session = pool.acquire();
		this.session.exec("def ident(x):\n    return x\n\ndef kind(x):\n    return type(x).__name__\n");
	}

	@AfterEach
	void release() {
		ConversionPaths.use(Path.AUTO);
		this.session.close();
	}

	private Object roundTrip(Object value, String pythonType) {
		assertThat(this.session.call("__main__", "kind", value)).isEqualTo(pythonType);
		this.session.set("v", value);
		Object viaGlobal = this.session.get("v");
		Object viaCall = this.session.call("__main__", "ident", value);
		if (viaGlobal instanceof byte[] bytes) {
			assertThat(bytes).isEqualTo((byte[]) viaCall);
		}
		else {
			assertThat(viaGlobal).isEqualTo(viaCall);
		}
		return viaCall;
	}

	@Test
	void noneAndBooleans() {
		assertThat(this.session.call("__main__", "kind", (Object) null)).isEqualTo("NoneType");
		assertThat(this.session.call("__main__", "ident", (Object) null)).isNull();
		assertThat(roundTrip(true, "bool")).isEqualTo(Boolean.TRUE);
		assertThat(roundTrip(false, "bool")).isEqualTo(Boolean.FALSE);
		assertThat(this.session.eval("1 == 1")).isEqualTo(Boolean.TRUE);
	}

	@Test
	void integersIncludingBigOnes() {
		assertThat(roundTrip(42, "int")).isEqualTo(42L);
		assertThat(roundTrip(Long.MAX_VALUE, "int")).isEqualTo(Long.MAX_VALUE);
		assertThat(roundTrip(Long.MIN_VALUE, "int")).isEqualTo(Long.MIN_VALUE);
		assertThat(roundTrip((short) -7, "int")).isEqualTo(-7L);
		BigInteger huge = BigInteger.TWO.pow(200).add(BigInteger.valueOf(12345));
		assertThat(roundTrip(huge, "int")).isEqualTo(huge);
		assertThat(roundTrip(huge.negate(), "int")).isEqualTo(huge.negate());
		assertThat(roundTrip(BigInteger.valueOf(5), "int")).isEqualTo(5L);
		this.session.set("h", huge);
		assertThat(this.session.eval("h == 2**200 + 12345")).isEqualTo(true);
		assertThat(this.session.eval("2**64", BigInteger.class)).isEqualTo(BigInteger.TWO.pow(64));
		assertThat(this.session.eval("7", Integer.class)).isEqualTo(7);
		assertThat(this.session.eval("-(2**63)", Long.class)).isEqualTo(Long.MIN_VALUE);
	}

	@Test
	void floats() {
		assertThat(roundTrip(1.5d, "float")).isEqualTo(1.5d);
		assertThat(roundTrip(2.5f, "float")).isEqualTo(2.5d);
		assertThat(roundTrip(Double.NaN, "float")).isEqualTo(Double.NaN);
		assertThat(roundTrip(Double.NEGATIVE_INFINITY, "float")).isEqualTo(Double.NEGATIVE_INFINITY);
		assertThat(this.session.eval("0.1 + 0.2", Double.class)).isEqualTo(0.1 + 0.2);
		assertThat(this.session.eval("3", Double.class)).isEqualTo(3.0d);
	}

	@Test
	void stringsWithFullUnicode() {
		String text = "héllo ☃ 𝄞 😀 \u0000 end";
		assertThat(roundTrip(text, "str")).isEqualTo(text);
		assertThat(roundTrip("", "str")).isEqualTo("");
		this.session.set("s", "😀");
		assertThat(this.session.eval("len(s)", Long.class)).isEqualTo(1L);
		assertThat(this.session.eval("'\\U0001d11e'", String.class)).isEqualTo("𝄞");
		this.session.set("name", "héllo ☃");
		assertThat(this.session.get("name", String.class)).isEqualTo("héllo ☃");
		// Long texts of each width cross in chunks.
		for (String longText : List.of("a".repeat(200_001), "\u00e9" + "a".repeat(200_000) + "\u00ff",
				"\u2603".repeat(150_000) + "x", "\ud83d\ude00".repeat(70_000))) {
			assertThat(roundTrip(longText, "str")).isEqualTo(longText);
			this.session.set("t", longText);
			assertThat(this.session.eval("len(t)", Long.class)).isEqualTo(longText.codePointCount(0, longText.length()));
		}
	}

	@Test
	void bytesWithZeros() {
		byte[] bytes = { 0, 1, 0, (byte) 0xff, 0 };
		assertThat((byte[]) roundTrip(bytes, "bytes")).isEqualTo(bytes);
		assertThat((byte[]) roundTrip(new byte[0], "bytes")).isEmpty();
		this.session.set("b", bytes);
		assertThat(this.session.eval("len(b) == 5 and b[3] == 255", Boolean.class)).isTrue();
	}

	@Test
	void listsTuplesAndNesting() {
		List<Object> nested = Arrays.asList(1L, "two", Arrays.asList(3.0d, null, List.of()), Map.of("k", List.of(true)));
		assertThat(roundTrip(nested, "list")).isEqualTo(nested);
		assertThat(roundTrip(List.of(), "list")).isEqualTo(List.of());
		assertThat(this.session.eval("(1, 'a', (2,))")).isEqualTo(List.of(1L, "a", List.of(2L)));
		assertThat(this.session.eval("()")).isEqualTo(List.of());
	}

	@Test
	void dictsKeepInsertionOrder() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("zebra", 1L);
		map.put("apple", List.of(1L, 2L));
		map.put("mango", Map.of("inner", "x"));
		@SuppressWarnings("unchecked")
		Map<String, Object> back = (Map<String, Object>) roundTrip(map, "dict");
		assertThat(new ArrayList<>(back.keySet())).containsExactly("zebra", "apple", "mango");
		assertThat(back).isEqualTo(map);
		assertThat(roundTrip(Map.of(), "dict")).isEqualTo(Map.of());
		this.session.set("d", map);
		assertThat(this.session.eval("list(d)")).isEqualTo(List.of("zebra", "apple", "mango"));
		assertThat(this.session.eval("{1: 'a', None: 2}")).isEqualTo(mapOf(1L, "a", null, 2L));
	}

	private static Map<Object, Object> mapOf(Object k1, Object v1, Object k2, Object v2) {
		Map<Object, Object> map = new LinkedHashMap<>();
		map.put(k1, v1);
		map.put(k2, v2);
		return map;
	}

	@Test
	void deeplyNestedDictsConvert() {
		this.session.exec("deep = {}\ncur = deep\nfor i in range(100):\n    cur['k' + str(i)] = {'n': i}\n"
				+ "    cur = cur['k' + str(i)]\n");
		Object value = this.session.get("deep");
		for (int i = 0; i < 100; i++) {
			Map<?, ?> map = (Map<?, ?>) value;
			value = map.get("k" + i);
			assertThat(((Map<?, ?>) value).get("n")).isEqualTo((long) i);
		}
	}

	@Test
	void sets() {
		Set<Object> set = new LinkedHashSet<>(List.of(1L, "a", 2.5d));
		assertThat(roundTrip(set, "set")).isEqualTo(set);
		assertThat(roundTrip(Set.of(), "set")).isEqualTo(Set.of());
		assertThat(this.session.eval("frozenset({1, 2})")).isEqualTo(Set.of(1L, 2L));
	}

	@Test
	void callConvertsArgumentsAndResult() {
		Object json = this.session.call("json", "dumps", Map.of("a", List.of(1, 2)));
		assertThat(json).isEqualTo("{\"a\": [1, 2]}");
		assertThat(this.session.call(Long.class, "operator", "add", 40, 2)).isEqualTo(42L);
		assertThat(this.session.call("builtins", "max", 3, 9, 4)).isEqualTo(9L);
	}

	@Test
	void unsupportedJavaValueNamesTheClass() {
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> this.session.set("x", new StringBuilder("no")))
			.withMessageContaining("java.lang.StringBuilder");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> this.session.call("__main__", "ident", List.of(1, new Object())))
			.withMessageContaining("java.lang.Object");
		assertThat(this.session.eval("1 + 1", Long.class)).isEqualTo(2L);
	}

	@Test
	void unsupportedPythonValueNamesTheType() {
		assertThatExceptionOfType(PythonConversionException.class).isThrownBy(() -> this.session.eval("object()"))
			.withMessageContaining("'object'");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> this.session.eval("[1, complex(1, 2)]"))
			.withMessageContaining("'complex'");
	}

	@Test
	void evalWithTypeFailsClearly() {
		assertThatExceptionOfType(PythonConversionException.class).isThrownBy(() -> this.session.eval("'x'", Long.class))
			.withMessageContaining("str")
			.withMessageContaining("java.lang.Long");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> this.session.eval("2**40", Integer.class))
			.withMessageContaining("does not fit");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> this.session.eval("None", long.class))
			.withMessageContaining("None");
		assertThat(this.session.eval("None", Long.class)).isNull();
	}

	@Test
	void buffersToPrimitiveArraysInOneCopyWithClearErrors() {
		this.session.exec("import array");
		assertThat(this.session.eval("array.array('d', [1.5, -0.0, 2.5])", double[].class)).containsExactly(1.5, -0.0,
				2.5);
		assertThat(this.session.eval("memoryview(array.array('q', [2**40, -1]))", long[].class))
			.containsExactly(1L << 40, -1L);
		assertThat(this.session.eval("array.array('f', [0.5])", float[].class)).containsExactly(0.5f);
		assertThat(this.session.eval("bytearray(b'\\x01\\xff')", byte[].class)).containsExactly(1, -1);
		this.session.set("d", new double[] { 1.5, 2.5 });
		assertThat(this.session.eval("(type(d).__name__, d.format, d.tolist())"))
			.isEqualTo(List.of("memoryview", "d", List.of(1.5, 2.5)));
		this.session.set("i", new int[] { 7, -8 });
		assertThat(this.session.eval("i", int[].class)).containsExactly(7, -8);
		this.session.set("bb", java.nio.ByteBuffer.wrap(new byte[] { 1, 2, 3 }, 1, 2));
		assertThat(this.session.eval("(type(bb).__name__, bb.format)")).isEqualTo(List.of("memoryview", "B"));
		assertThat(this.session.eval("bytes(bb)", byte[].class)).containsExactly(2, 3);
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> this.session.eval("memoryview(array.array('d', range(6)))[::2]", double[].class))
			.withMessageContaining("non-contiguous");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> this.session.eval("array.array('i', [1, 2])", double[].class))
			.withMessageContaining("format 'i' with 4-byte items")
			.withMessageContaining("8-byte floats");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> this.session.eval("[1.0, 2.0]", double[].class))
			.withMessageContaining("exports no buffer");
	}

	@Test
	void selfReferencingContainerIsRefused() {
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> this.session.eval("(lambda l: (l.append(l), l)[1])([])"))
			.withMessageContaining("nested deeper");
	}

}
