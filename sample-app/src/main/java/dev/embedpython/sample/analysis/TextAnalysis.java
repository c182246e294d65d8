package dev.embedpython.sample.analysis;

import java.util.List;
import java.util.Map;

/**
 * The result of analyzing a text, from either implementation.
 *
 * @param words the number of words
 * @param uniqueWords the number of distinct words (case-insensitive)
 * @param sentences the number of sentences (text between {@code .}, {@code !} and {@code ?} holding a word)
 * @param syllables the estimated number of syllables
 * @param readability Flesch reading ease, one decimal: higher is easier, 60 to 70 is plain English
 * @param level {@code easy}, {@code standard}, {@code difficult}, {@code very difficult}, or {@code none} for a
 * text without words
 * @param language the language guess
 * @param topTerms up to five most frequent words that are not stop words
 */
public record TextAnalysis(int words, int uniqueWords, int sentences, int syllables, double readability,
		String level, Language language, List<Term> topTerms) {

	/**
	 * A language guess by stop-word overlap.
	 *
	 * @param code an ISO 639-1 code ({@code en}, {@code fr}, {@code de}, {@code es}, {@code it}), or {@code und}
	 * when no stop word of any language occurs
	 * @param confidence the share of the words that are stop words of that language, two decimals
	 */
	public record Language(String code, double confidence) {
	}

	/**
	 * A frequent term.
	 *
	 * @param term the word, lower case
	 * @param count its occurrences
	 */
	public record Term(String term, int count) {
	}

	/**
	 * Convert the dict returned by {@code textanalytics.analyze.analyze}. Python ints arrive as {@code Long},
	 * floats as {@code Double}, lists as {@code List} and dicts as {@code Map}.
	 * @param result the converted dict
	 * @return the analysis
	 */
	static TextAnalysis fromPython(Map<?, ?> result) {
		Map<?, ?> language = value(result, "language", Map.class);
		List<?> terms = value(result, "top_terms", List.class);
		return new TextAnalysis(number(result, "words"), number(result, "unique_words"),
				number(result, "sentences"), number(result, "syllables"),
				value(result, "readability", Double.class), value(result, "level", String.class),
				new Language(value(language, "code", String.class), value(language, "confidence", Double.class)),
				terms.stream()
					.map((term) -> (Map<?, ?>) term)
					.map((term) -> new Term(value(term, "term", String.class), number(term, "count")))
					.toList());
	}

	private static int number(Map<?, ?> dict, String key) {
		return Math.toIntExact(value(dict, key, Long.class));
	}

	private static <T> T value(Map<?, ?> dict, String key, Class<T> type) {
		Object value = dict.get(key);
		if (!type.isInstance(value)) {
			throw new IllegalStateException("Python result key '" + key + "' should be a " + type.getSimpleName()
					+ " but is " + ((value != null) ? value.getClass().getName() : "missing") + " in " + dict);
		}
		return type.cast(value);
	}

}
