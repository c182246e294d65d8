package dev.embedpython.sample.render;

/**
 * The template cannot be rendered with the values given (a placeholder without a value, a malformed placeholder):
 * the client's mistake, answered with 422.
 */
public class InvalidTemplateException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	InvalidTemplateException(String message, Throwable cause) {
		super(message, cause);
	}

}
