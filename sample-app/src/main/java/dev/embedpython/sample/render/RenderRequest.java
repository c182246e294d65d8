package dev.embedpython.sample.render;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/render}.
 *
 * @param template a {@code string.Template} with {@code $name} or {@code ${name}} placeholders ({@code $$} for a
 * dollar sign), not blank, at most {@value #MAX_TEMPLATE_LENGTH} characters
 * @param values the value of each placeholder; none if absent
 */
public record RenderRequest(@NotBlank @Size(max = MAX_TEMPLATE_LENGTH) @Nullable String template,
		@Nullable Map<String, String> values) {

	/**
	 * The longest template accepted, in UTF-16 characters.
	 */
	public static final int MAX_TEMPLATE_LENGTH = 100_000;

}
