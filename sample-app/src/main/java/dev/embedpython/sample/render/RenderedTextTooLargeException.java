package dev.embedpython.sample.render;

/**
 * The rendered text would be longer than {@link TemplateRenderer#MAX_OUTPUT_LENGTH}: answered with 413 before the
 * text is built.
 */
public class RenderedTextTooLargeException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	RenderedTextTooLargeException(String message, Throwable cause) {
		super(message, cause);
	}

}
