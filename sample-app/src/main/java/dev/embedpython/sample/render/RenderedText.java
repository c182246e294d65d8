package dev.embedpython.sample.render;

import java.util.List;

/**
 * A rendered template: the dict that {@code textanalytics.render.render} returns, mapped onto this record by the
 * application's {@code JsonMapper}.
 *
 * @param text the rendered text
 * @param placeholders the placeholders the template names, in order of first appearance
 * @param length the rendered text's length in Unicode code points
 */
public record RenderedText(String text, List<String> placeholders, int length) {
}
