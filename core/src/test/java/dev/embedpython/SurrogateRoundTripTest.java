package dev.embedpython;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Strings cross exactly in both directions with CPython's {@code surrogatepass} semantics: a lone surrogate
 * {@code char} in Java is the lone surrogate code point in Python and back; a valid pair is one supplementary code
 * point; containers on the per-object path and on the bulk path. Runs on 3.14 and 3.13.
 */
@Tag("runtime-parity")
@ParameterizedClass
@EnumSource(value = Path.class, names = { "PER_OBJECT", "BULK" })
class SurrogateRoundTripTest {

	/** The path containers take: every test runs on both. */
	@Parameter
	Path path;

	/** Lone surrogates in every position, high and low, next to ASCII, non-ASCII, NUL and valid pairs. */
	private static final List<String> CASES = List.of("\ud800", "\udc00", "\udbff", "\udfff", "\ud800abc",
			"\udc00abc", "abc\ud800", "abc\udfff", "ab\ud800cd", "ab\udc00cd", "\udc00\ud800", "\ud800\ud800",
			"\udfff\udfff", "x\ud83dy", "\ud83d\u00e9", "\ud83de", "\u00e9\ud800\u2603", "\ud800\u0000\udc00",
			"\ud83d\ude00\ud800\ud83d\ude00", "\udc00\ud83d\ude00", "\ud83d\ude00\udc00", "\ud800\ud83d\ude00",
			"\udbff\udfff", "\ud800\udc00", "a".repeat(100_000) + "\ud800", "\udfff" + "\u2603".repeat(100_000));

	/** Strings without lone surrogates (the fast path), for contrast. */
	private static final List<String> PLAIN = List.of("", "plain",
			"h\u00e9llo \u2603 \ud834\udd1e \ud83d\ude00 \u0000 end", "\ud83d\ude00", "\udbff\udfff");

	private static PythonRuntime runtime;

	private static PythonPool pool;

	private PythonSession session;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
		pool = runtime.newPool(PoolOptions.builder().name("surrogates").size(1).build());
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
		this.session.exec("""
				def ident(x):
				    return x

				def codepoints(s):
				    return [ord(c) for c in s]

				def from_codepoints(cps):
				    return ''.join(map(chr, cps))

				class MyStr(str):
				    pass

				def subclass(cps):
				    return MyStr(from_codepoints(cps))

				def fail(s):
				    raise ValueError(s)
				""");
	}

	@AfterEach
	void release() {
		ConversionPaths.use(Path.AUTO);
		this.session.close();
	}

	private static List<Long> codePoints(String text) {
		return text.codePoints().mapToObj((cp) -> (long) cp).collect(Collectors.toList());
	}

	private static String escaped(String text) {
		StringBuilder builder = new StringBuilder();
		text.chars().limit(40).forEach((c) -> builder.append((c < 0x80 && c >= 0x20) ? String.valueOf((char) c)
				: String.format("\\u%04x", c)));
		return builder.toString();
	}

	@Test
	void javaToPythonKeepsEveryCodePoint() {
		for (String text : concat(CASES, PLAIN)) {
			assertThat(this.session.call("__main__", "codepoints", text)).as(escaped(text))
				.isEqualTo(codePoints(text));
		}
	}

	@Test
	void pythonToJavaKeepsEveryCodePoint() {
		for (String text : concat(CASES, PLAIN)) {
			assertThat(this.session.call("__main__", "from_codepoints", codePoints(text))).as(escaped(text))
				.isEqualTo(text);
			assertThat(this.session.call("__main__", "subclass", codePoints(text))).as(escaped(text)).isEqualTo(text);
		}
	}

	@Test
	void roundTripThroughIdentIsExact() {
		for (String text : concat(CASES, PLAIN)) {
			assertThat(this.session.call("__main__", "ident", text)).as(escaped(text)).isEqualTo(text);
			this.session.set("v", text);
			assertThat(this.session.get("v")).as(escaped(text)).isEqualTo(text);
		}
	}

	@Test
	void literalsWithLoneSurrogates() {
		assertThat(this.session.eval("'\\ud800'")).isEqualTo("\ud800");
		assertThat(this.session.eval("'a\\udc00b'")).isEqualTo("a\udc00b");
		assertThat(this.session.eval("len('\\ud800')")).isEqualTo(1L);
	}

	@Test
	void surrogateCodePointsThatFormAPairInJavaBecomeOneCodePoint() {
		// Java strings are UTF-16: two Python code points U+D83D U+DE00 are the Java pair for U+1F600, which goes
		// back as one code point, exactly like Python's own utf-16 'surrogatepass' round trip.
		assertThat(this.session.eval("'\\ud83d\\ude00'")).isEqualTo("\ud83d\ude00");
		assertThat(this.session.eval("'\\ud83d\\ude00'.encode('utf-16-le', 'surrogatepass')"
				+ ".decode('utf-16-le', 'surrogatepass') == '\\U0001f600'")).isEqualTo(true);
		assertThat(this.session.call("__main__", "codepoints", this.session.eval("'\\ud83d\\ude00'")))
			.isEqualTo(List.of(0x1f600L));
	}

	@Test
	void containersDictKeysAndSetsKeepLoneSurrogates() {
		Map<Object, Object> map = new LinkedHashMap<>();
		for (String text : CASES) {
			map.put(text, List.of(text, Set.of(text)));
		}
		assertThat(this.session.call("__main__", "ident", map)).isEqualTo(map);
		assertThat(this.session.eval("{'\\ud800': '\\udc00'}")).isEqualTo(Map.of("\ud800", "\udc00"));
	}

	@Test
	void exceptionMessagesAndTracebacksKeepLoneSurrogates() {
		for (String text : List.of("\ud800", "bad \udc00 value", "\ud83d\ude00 and \ud83d")) {
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> this.session.call("__main__", "fail", text));
			assertThat(ex.pythonType()).isEqualTo("ValueError");
			assertThat(ex.pythonMessage()).as(escaped(text)).isEqualTo(text);
			assertThat(ex.pythonTraceback()).as(escaped(text)).contains("in fail").endsWith("ValueError: " + text + "\n");
		}
		this.session.exec("class BadName(Exception):\n    pass\n");
		PythonException custom = catchThrowableOfType(PythonException.class,
				() -> this.session.exec("raise BadName('\\udfff')"));
		assertThat(custom.pythonType()).isEqualTo("__main__.BadName");
		assertThat(custom.pythonMessage()).isEqualTo("\udfff");
	}

	private static List<String> concat(List<String> first, List<String> second) {
		List<String> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

}
