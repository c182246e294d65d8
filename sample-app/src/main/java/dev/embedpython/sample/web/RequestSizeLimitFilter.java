package dev.embedpython.sample.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies larger than {@value #MAX_BODY_BYTES} bytes before they are read: the JSON of a body is
 * parsed whole before validation can count its fields, so a huge body (a million placeholder values) would cost
 * memory and time even though validation then refuses it. The largest valid body (a text of 1,000,000 characters,
 * each escaped as {@code \\uXXXX}) stays under the limit.
 * <p>
 * Thread contract: stateless; request threads call it at once.
 */
@Component
class RequestSizeLimitFilter extends OncePerRequestFilter {

	/** The largest request body accepted. */
	static final long MAX_BODY_BYTES = 8L * 1024 * 1024;

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > MAX_BODY_BYTES) {
			response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			String body = "{\"type\":\"about:blank\",\"title\":\"Content Too Large\",\"status\":413,\"detail\":\"The "
					+ "request body is larger than " + MAX_BODY_BYTES + " bytes.\",\"instance\":\""
					+ request.getRequestURI().replaceAll("[^A-Za-z0-9/_.-]", "") + "\"}";
			response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
			return;
		}
		chain.doFilter(request, response);
	}

}
