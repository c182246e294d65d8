package dev.embedpython.sample.render;

import java.util.List;
import java.util.Map;

import dev.embedpython.autoconfigure.test.PythonTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The renderer in a {@link PythonTest @PythonTest} slice: {@code textanalytics.render} through the
 * {@code @PythonModule} interface {@link TextRendering}, its dict mapped onto {@link RenderedText} and its exceptions
 * onto the renderer's.
 */
@PythonTest
class TemplateRendererTests {

	@Autowired
	private TemplateRenderer renderer;

	@Autowired
	private TextRendering rendering;

	@Test
	void renderShouldMapTheDictOntoTheRecord() {
		assertThat(this.renderer.render("Dear $name, order ${order} ships today.",
				Map.of("name", "Ada", "order", "A-17")))
			.isEqualTo(new RenderedText("Dear Ada, order A-17 ships today.", List.of("name", "order"), 33));
	}

	@Test
	void maxLengthShouldBePassedByKeyword() {
		assertThat(this.rendering.render("$a$a", Map.of("a", "xyz"), 6).length()).isEqualTo(6);
		assertThatExceptionOfType(RenderedTextTooLargeException.class)
			.isThrownBy(() -> this.renderer.render("$a".repeat(2), Map.of("a", "x".repeat(600_000))))
			.withMessageContaining("more than " + TemplateRenderer.MAX_OUTPUT_LENGTH);
	}

	@Test
	void templateErrorsShouldBecomeInvalidTemplateExceptions() {
		assertThatExceptionOfType(InvalidTemplateException.class)
			.isThrownBy(() -> this.renderer.render("Hello $missing", Map.of()))
			.withMessage("placeholder $missing has no value");
	}

}
