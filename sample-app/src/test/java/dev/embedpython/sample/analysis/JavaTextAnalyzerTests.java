package dev.embedpython.sample.analysis;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java baseline on its own, without Python: worked examples of each rule.
 */
class JavaTextAnalyzerTests {

	private final JavaTextAnalyzer analyzer = new JavaTextAnalyzer();

	@Test
	void analyzeShortSentence() {
		// 6 words, 1 sentence, 6 syllables: 206.835 - 1.015 * 6 - 84.6 * 1 = 116.145, one decimal 116.1.
		assertThat(this.analyzer.analyze("The cat sat on the mat.")).isEqualTo(new TextAnalysis(6, 5, 1, 6, 116.1,
				"easy", new TextAnalysis.Language("en", 0.5), List.of(new TextAnalysis.Term("cat", 1),
						new TextAnalysis.Term("mat", 1), new TextAnalysis.Term("sat", 1))));
	}

	@Test
	void analyzeTextWithoutWords() {
		assertThat(this.analyzer.analyze("42 ... 2024 _")).isEqualTo(
				new TextAnalysis(0, 0, 0, 0, 0.0, "none", new TextAnalysis.Language("und", 0.0), List.of()));
	}

	@Test
	void apostrophesJoinWordsAndTypographicOnesAreNormalized() {
		TextAnalysis analysis = this.analyzer.analyze("Don’t stop, don't STOP 'now'");
		assertThat(analysis.words()).isEqualTo(5);
		assertThat(analysis.uniqueWords()).isEqualTo(3);
		assertThat(analysis.topTerms()).containsExactly(new TextAnalysis.Term("don't", 2),
				new TextAnalysis.Term("stop", 2), new TextAnalysis.Term("now", 1));
	}

	@Test
	void syllablesCountVowelGroupsLessSilentE() {
		assertThat(JavaTextAnalyzer.syllableCount("cake")).isEqualTo(1);
		assertThat(JavaTextAnalyzer.syllableCount("table")).isEqualTo(2);
		assertThat(JavaTextAnalyzer.syllableCount("readability")).isEqualTo(5);
		assertThat(JavaTextAnalyzer.syllableCount("rhythm")).isEqualTo(1);
		assertThat(JavaTextAnalyzer.syllableCount("the")).isEqualTo(1);
		assertThat(JavaTextAnalyzer.syllableCount("café")).isEqualTo(2);
	}

	@Test
	void levelsFollowTheFleschBands() {
		assertThat(JavaTextAnalyzer.level(80.0)).isEqualTo("easy");
		assertThat(JavaTextAnalyzer.level(79.9)).isEqualTo("standard");
		assertThat(JavaTextAnalyzer.level(30.0)).isEqualTo("difficult");
		assertThat(JavaTextAnalyzer.level(-12.5)).isEqualTo("very difficult");
	}

	@Test
	void termsCompareByCodePointLikePython() {
		String fullwidthA = "\uFF21";
		String mathScriptA = "\uD835\uDC9C";
		assertThat(fullwidthA.compareTo(mathScriptA)).isPositive();
		assertThat(JavaTextAnalyzer.compareCodePoints(fullwidthA, mathScriptA)).isNegative();
		assertThat(JavaTextAnalyzer.compareCodePoints("abc", "abd")).isNegative();
		assertThat(JavaTextAnalyzer.compareCodePoints("ab", "abc")).isNegative();
		assertThat(JavaTextAnalyzer.compareCodePoints("abc", "abc")).isZero();
	}

}
