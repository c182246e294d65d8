package dev.embedpython.sample.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Service;

/**
 * The algorithm of {@code textanalytics/analyze.py} in plain Java, step for step, as a baseline for the Python
 * endpoint's throughput. It reads the same {@code stopwords.json} and returns identical results for the same text
 * ({@code AnalyzerAgreementTests} checks); change both together.
 * <p>
 * Python's {@code [^\W\d_]} (word characters except digits and underscore) is
 * {@code [\p{L}\p{Nl}\p{No}]} here; Python compares strings by code point, so ties between top terms are broken
 * by {@link #compareCodePoints(String, String)} rather than {@link String#compareTo(String)}.
 * <p>
 * Thread contract: immutable after construction; any thread, any number at once.
 */
@Service
public class JavaTextAnalyzer {

	private static final String LETTER = "[\\p{L}\\p{Nl}\\p{No}]";

	private static final Pattern WORD = Pattern.compile(LETTER + "+(?:'" + LETTER + "+)*");

	private static final Pattern SENTENCE_END = Pattern.compile("[.!?]+");

	private static final String VOWELS = "aeiouyàáâãäåæèéêëìíîïòóôõöøœùúûüý";

	private static final int TOP_TERMS = 5;

	private static final int MIN_TERM_LENGTH = 3;

	private static final String STOP_WORDS_RESOURCE = "python/textanalytics/stopwords.json";

	private static final Comparator<Map.Entry<String, Integer>> BY_COUNT_THEN_TERM = Comparator
		.comparing(Map.Entry<String, Integer>::getValue, Comparator.reverseOrder())
		.thenComparing(Map.Entry::getKey, JavaTextAnalyzer::compareCodePoints);

	private final Map<String, Set<String>> stopWords;

	private final Set<String> allStopWords;

	public JavaTextAnalyzer() {
		this.stopWords = loadStopWords();
		Set<String> all = new HashSet<>();
		this.stopWords.values().forEach(all::addAll);
		this.allStopWords = Set.copyOf(all);
	}

	private static Map<String, Set<String>> loadStopWords() {
		try (InputStream in = new ClassPathResource(STOP_WORDS_RESOURCE).getInputStream()) {
			Map<String, List<String>> lists = JsonMapper.builder()
				.build()
				.readValue(in, new TypeReference<LinkedHashMap<String, List<String>>>() {
				});
			// Insertion order matters: the first language listed wins a tie, as in Python's dict.
			Map<String, Set<String>> sets = new LinkedHashMap<>();
			lists.forEach((language, words) -> sets.put(language, Set.copyOf(words)));
			return sets;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + STOP_WORDS_RESOURCE + " from the classpath", ex);
		}
	}

	/**
	 * Analyze a text.
	 * @param text the text
	 * @return the analysis, equal to the Python implementation's
	 */
	public TextAnalysis analyze(String text) {
		String lower = text.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
		Map<String, Integer> counts = new LinkedHashMap<>();
		int wordCount = 0;
		Matcher words = WORD.matcher(lower);
		while (words.find()) {
			counts.merge(words.group(), 1, Integer::sum);
			wordCount++;
		}
		int syllables = 0;
		for (Map.Entry<String, Integer> entry : counts.entrySet()) {
			syllables += syllableCount(entry.getKey()) * entry.getValue();
		}
		int sentences = (wordCount > 0) ? countSentences(lower) : 0;
		double score = readability(wordCount, sentences, syllables);
		return new TextAnalysis(wordCount, counts.size(), sentences, syllables, score,
				(wordCount > 0) ? level(score) : "none", guessLanguage(counts, wordCount), topTerms(counts));
	}

	private static int countSentences(String text) {
		int sentences = 0;
		for (String part : SENTENCE_END.split(text, -1)) {
			if (WORD.matcher(part).find()) {
				sentences++;
			}
		}
		return sentences;
	}

	static int syllableCount(String word) {
		int count = 0;
		boolean previousVowel = false;
		for (int i = 0; i < word.length();) {
			int codePoint = word.codePointAt(i);
			boolean vowel = VOWELS.indexOf(codePoint) >= 0;
			if (vowel && !previousVowel) {
				count++;
			}
			previousVowel = vowel;
			i += Character.charCount(codePoint);
		}
		if (count > 1 && word.endsWith("e") && !word.endsWith("le")) {
			count--;
		}
		return Math.max(count, 1);
	}

	static double readability(int words, int sentences, int syllables) {
		if (words == 0) {
			return 0.0;
		}
		double score = 206.835 - 1.015 * ((double) words / sentences) - 84.6 * ((double) syllables / words);
		return round(score, 10);
	}

	static String level(double score) {
		if (score >= 80.0) {
			return "easy";
		}
		if (score >= 60.0) {
			return "standard";
		}
		if (score >= 30.0) {
			return "difficult";
		}
		return "very difficult";
	}

	private TextAnalysis.Language guessLanguage(Map<String, Integer> counts, int wordCount) {
		String best = "und";
		int bestHits = 0;
		for (Map.Entry<String, Set<String>> language : this.stopWords.entrySet()) {
			int hits = 0;
			for (Map.Entry<String, Integer> entry : counts.entrySet()) {
				if (language.getValue().contains(entry.getKey())) {
					hits += entry.getValue();
				}
			}
			if (hits > bestHits) {
				best = language.getKey();
				bestHits = hits;
			}
		}
		double confidence = (wordCount > 0) ? round((double) bestHits / wordCount, 100) : 0.0;
		return new TextAnalysis.Language(best, confidence);
	}

	private List<TextAnalysis.Term> topTerms(Map<String, Integer> counts) {
		List<Map.Entry<String, Integer>> candidates = new ArrayList<>();
		for (Map.Entry<String, Integer> entry : counts.entrySet()) {
			String word = entry.getKey();
			if (word.codePointCount(0, word.length()) >= MIN_TERM_LENGTH && !this.allStopWords.contains(word)) {
				candidates.add(entry);
			}
		}
		candidates.sort(BY_COUNT_THEN_TERM);
		return candidates.stream()
			.limit(TOP_TERMS)
			.map((entry) -> new TextAnalysis.Term(entry.getKey(), entry.getValue()))
			.toList();
	}

	/**
	 * {@code floor(value * scale + 0.5) / scale}: the same IEEE operations as the Python module, so both round
	 * alike (Python's {@code round} and {@link Math#round(double)} differ on ties).
	 */
	private static double round(double value, int scale) {
		return Math.floor(value * scale + 0.5) / scale;
	}

	/**
	 * Compare strings by Unicode code point, as Python does; {@link String#compareTo(String)} compares UTF-16
	 * units, which orders supplementary characters before {@code U+E000}–{@code U+FFFF}.
	 */
	static int compareCodePoints(String a, String b) {
		int i = 0;
		int j = 0;
		while (i < a.length() && j < b.length()) {
			int x = a.codePointAt(i);
			int y = b.codePointAt(j);
			if (x != y) {
				return Integer.compare(x, y);
			}
			i += Character.charCount(x);
			j += Character.charCount(y);
		}
		return Boolean.compare(i < a.length(), j < b.length());
	}

}
