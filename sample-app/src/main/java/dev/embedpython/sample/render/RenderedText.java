package dev.embedpython.sample.render;

import java.util.List;
import java.util.Map;

/**
 * A rendered template: the record the controller gets from the dict that {@code textanalytics.render.render}
 * returns.
 *
 * @param text the rendered text
 * @param placeholders the placeholders the template names, in order of first appearance
 * @param length the rendered text's length in Unicode code points
 */
public record RenderedText(String text, List<String> placeholders, int length) {

	static RenderedText fromPython(Map<?, ?> result) {
		if (result.get("text") instanceof String text && result.get("placeholders") instanceof List<?> placeholders
				&& result.get("length") instanceof Long length) {
			return new RenderedText(text, placeholders.stream().map(String.class::cast).toList(),
					Math.toIntExact(length));
		}
		throw new IllegalStateException("Unexpected result from textanalytics.render.render: " + result);
	}

}
