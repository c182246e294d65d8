package dev.embedpython.sample.analysis;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/analyze} and {@code POST /api/analyze-java}.
 *
 * @param text the text to analyze, not blank, at most {@value #MAX_TEXT_LENGTH} characters
 */
public record AnalyzeRequest(@NotBlank @Size(max = MAX_TEXT_LENGTH) @Nullable String text) {

	/**
	 * The longest text accepted, in UTF-16 characters: about 1 MB of prose, half a second of Python.
	 */
	public static final int MAX_TEXT_LENGTH = 1_000_000;

}
