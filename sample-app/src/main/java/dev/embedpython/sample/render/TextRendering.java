package dev.embedpython.sample.render;

import java.util.Map;

import dev.embedpython.autoconfigure.module.Kw;
import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * {@code textanalytics/render.py} as a Java interface: the starter registers a bean for it and checks at startup
 * that the module imports and that {@code render} takes these arguments.
 * <p>
 * Thread contract: any thread, any number at once; each call borrows an interpreter of the default pool.
 */
@PythonModule("textanalytics.render")
interface TextRendering {

	/**
	 * {@code render(template, values, max_length=maxLength)}; the dict it returns becomes the record.
	 * @param template the template
	 * @param values the placeholder values
	 * @param maxLength the longest rendered text, in code points
	 * @return the rendered text, its placeholders and its length
	 */
	RenderedText render(String template, Map<String, String> values, @Kw("max_length") int maxLength);

}
