package dev.embedpython.sample.web;

import java.util.List;
import java.util.Map;

import dev.embedpython.PoolExhaustedException;
import dev.embedpython.PythonConversionException;
import dev.embedpython.PythonException;
import dev.embedpython.PythonTimeoutException;
import dev.embedpython.sample.render.InvalidTemplateException;
import dev.embedpython.sample.render.RenderedTextTooLargeException;
import dev.embedpython.sample.render.TemplateRenderer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns errors into RFC 9457 {@link ProblemDetail} responses. Spring MVC's own exceptions (unreadable JSON,
 * unsupported media type, ...) are handled by the base class; a failed validation adds the invalid fields.
 * <p>
 * Python errors carry the Python exception type in a {@code pythonType} property; the traceback goes to the log
 * only, since it shows source lines and values a client should not see.
 * <p>
 * Thread contract: stateless; request threads call it at once.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	/**
	 * Seconds a client should wait after the pool had no free interpreter: calls take milliseconds, so a second
	 * is usually enough for one to free up.
	 */
	static final String RETRY_AFTER_SECONDS = "1";

	private static final Logger logger = LoggerFactory.getLogger(ApiExceptionHandler.class);

	@Override
	protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, String>> errors = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.map((error) -> Map.of("field", error.getField(), "message",
					String.valueOf(error.getDefaultMessage())))
			.toList();
		ex.getBody().setProperty("errors", errors);
		return handleExceptionInternal(ex, ex.getBody(), headers, status, request);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> handlePythonTimeout(PythonTimeoutException ex) {
		logger.warn("Python call timed out: {}", ex.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"The Python call took longer than the configured call timeout.");
		problem.setTitle("Python call timed out");
		problem.setProperty("pythonType", ex.pythonType());
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> handlePoolExhausted(PoolExhaustedException ex) {
		logger.warn("No Python interpreter available: {}", ex.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"All Python interpreters are busy; retry later.");
		problem.setTitle("Python pool exhausted");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
			.body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> handleInvalidTemplate(InvalidTemplateException ex) {
		// The request's own template is wrong: the client can fix it, so it gets the reason.
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT,
				"The template cannot be rendered: " + ex.getMessage() + ".");
		problem.setTitle("Invalid template");
		return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> handleRenderedTextTooLarge(RenderedTextTooLargeException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
				"The rendered text would be too long: " + ex.getMessage() + ".");
		problem.setTitle("Rendered text too large");
		problem.setProperty("maxLength", TemplateRenderer.MAX_OUTPUT_LENGTH);
		return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> handlePythonException(PythonException ex) {
		logger.error("Python raised {}:\n{}", ex.pythonType(), ex.pythonTraceback().stripTrailing());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"The Python code raised " + ex.pythonType() + ".");
		problem.setTitle("Python error");
		problem.setProperty("pythonType", ex.pythonType());
		return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> handleConversion(PythonConversionException ex) {
		logger.error("Python value could not be converted", ex);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"A value could not cross between Java and Python.");
		problem.setTitle("Python conversion error");
		return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(problem);
	}

}
