package dev.embedpython.sample.render;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/render}. Every part is bounded, so that no request can make the service spend
 * unbounded time or memory.
 *
 * @param template a {@code string.Template} with {@code $name} or {@code ${name}} placeholders ({@code $$} for a
 * dollar sign), not blank, at most {@value #MAX_TEMPLATE_LENGTH} characters
 * @param values the value of each placeholder, at most {@value #MAX_VALUES}, names of at most
 * {@value #MAX_NAME_LENGTH} and values of at most {@value #MAX_VALUE_LENGTH} characters; none if absent
 */
public record RenderRequest(@NotBlank @Size(max = MAX_TEMPLATE_LENGTH) @Nullable String template,
		@Size(max = MAX_VALUES) @Nullable Map<@NotNull @Size(max = MAX_NAME_LENGTH) String, @NotNull @Size(
				max = MAX_VALUE_LENGTH) String> values) {

	/**
	 * The longest template accepted, in UTF-16 characters.
	 */
	public static final int MAX_TEMPLATE_LENGTH = 100_000;

	/**
	 * The most placeholder values accepted.
	 */
	public static final int MAX_VALUES = 100;

	/**
	 * The longest placeholder name accepted, in UTF-16 characters.
	 */
	public static final int MAX_NAME_LENGTH = 100;

	/**
	 * The longest placeholder value accepted, in UTF-16 characters.
	 */
	public static final int MAX_VALUE_LENGTH = 10_000;

}
