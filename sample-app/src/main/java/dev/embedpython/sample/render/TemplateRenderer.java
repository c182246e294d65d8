package dev.embedpython.sample.render;

import java.util.Map;

import dev.embedpython.PythonTemplate;

import org.springframework.stereotype.Service;

/**
 * Renders templates with {@code textanalytics/render.py} ({@code string.Template}: substitution only, the
 * template is never evaluated as code).
 * <p>
 * Thread contract: any thread, any number at once.
 */
@Service
public class TemplateRenderer {

	private static final String MODULE = "textanalytics.render";

	private final PythonTemplate python;

	public TemplateRenderer(PythonTemplate python) {
		this.python = python;
	}

	/**
	 * Render a template.
	 * @param template the template
	 * @param values the placeholder values
	 * @return the rendered text
	 * @throws dev.embedpython.PythonException {@code KeyError} if a placeholder has no value, {@code ValueError}
	 * if the template holds a malformed placeholder
	 */
	public RenderedText render(String template, Map<String, String> values) {
		Map<?, ?> result = this.python.call(Map.class, MODULE, "render", template, values);
		if (result == null) {
			throw new IllegalStateException(MODULE + ".render returned None");
		}
		return RenderedText.fromPython(result);
	}

}
