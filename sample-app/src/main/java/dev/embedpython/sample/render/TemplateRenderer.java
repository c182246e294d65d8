package dev.embedpython.sample.render;

import java.util.Map;

import dev.embedpython.PythonException;

import org.springframework.stereotype.Service;

/**
 * Renders templates with {@code textanalytics/render.py} ({@code string.Template}: substitution only, the
 * template is never evaluated as code), called through the {@code @PythonModule} interface {@link TextRendering}.
 * The rendered text is bounded: a short template of many placeholders must not multiply a long value into hundreds
 * of megabytes.
 * <p>
 * Thread contract: any thread, any number at once.
 */
@Service
public class TemplateRenderer {

	/**
	 * The longest rendered text, in code points.
	 */
	public static final int MAX_OUTPUT_LENGTH = 1_000_000;

	private static final String MODULE = "textanalytics.render";

	private final TextRendering python;

	TemplateRenderer(TextRendering python) {
		this.python = python;
	}

	/**
	 * Render a template.
	 * @param template the template
	 * @param values the placeholder values
	 * @return the rendered text
	 * @throws InvalidTemplateException if a placeholder has no value or is malformed
	 * @throws RenderedTextTooLargeException if the text would be longer than {@value #MAX_OUTPUT_LENGTH}
	 */
	public RenderedText render(String template, Map<String, String> values) {
		RenderedText result;
		try {
			result = this.python.render(template, values, MAX_OUTPUT_LENGTH);
		}
		catch (PythonException ex) {
			switch (ex.pythonType()) {
				case MODULE + ".TemplateError" -> throw new InvalidTemplateException(ex.pythonMessage(), ex);
				case MODULE + ".OutputTooLarge" -> throw new RenderedTextTooLargeException(ex.pythonMessage(), ex);
				default -> throw ex;
			}
		}
		if (result == null) {
			throw new IllegalStateException(MODULE + ".render returned None");
		}
		return result;
	}

}
