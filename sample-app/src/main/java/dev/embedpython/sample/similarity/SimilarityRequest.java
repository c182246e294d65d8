package dev.embedpython.sample.similarity;

import java.util.List;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/similarity}.
 *
 * @param texts the texts to compare, 1 to {@value #MAX_TEXTS}, each at most {@value #MAX_TEXT_LENGTH} characters
 */
public record SimilarityRequest(
		@NotEmpty @Size(max = MAX_TEXTS) @Nullable List<@NotNull @Size(max = MAX_TEXT_LENGTH) String> texts) {

	/** The most texts per request: the matrix grows with the square. */
	public static final int MAX_TEXTS = 100;

	/** The longest text accepted, in UTF-16 characters. */
	public static final int MAX_TEXT_LENGTH = 10_000;

}
