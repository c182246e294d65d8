package dev.embedpython.sample.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies larger than {@value #MAX_BODY_BYTES} bytes: by their {@code Content-Length} before they
 * are read (413), and a body without one (chunked) once that much has been read (400). The JSON of a body is
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
		// A body without a length (chunked) is counted as it is read: past the limit, reading fails (400).
		chain.doFilter((request.getContentLengthLong() < 0) ? new Limited(request) : request, response);
	}

	/**
	 * A request whose body stops at {@value #MAX_BODY_BYTES} bytes with an {@link IOException}.
	 */
	private static final class Limited extends HttpServletRequestWrapper {

		private @Nullable ServletInputStream in;

		Limited(HttpServletRequest request) {
			super(request);
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (this.in == null) {
				ServletInputStream body = super.getInputStream();
				this.in = new ServletInputStream() {

					private long read;

					@Override
					public int read() throws IOException {
						int b = body.read();
						count((b < 0) ? 0 : 1);
						return b;
					}

					@Override
					public int read(byte[] buffer, int offset, int length) throws IOException {
						int n = body.read(buffer, offset, length);
						count(Math.max(n, 0));
						return n;
					}

					private void count(int n) throws IOException {
						this.read += n;
						if (this.read > MAX_BODY_BYTES) {
							throw new IOException("The request body is larger than " + MAX_BODY_BYTES + " bytes");
						}
					}

					@Override
					public boolean isFinished() {
						return body.isFinished();
					}

					@Override
					public boolean isReady() {
						return body.isReady();
					}

					@Override
					public void setReadListener(ReadListener listener) {
						body.setReadListener(listener);
					}

				};
			}
			return this.in;
		}

	}

}
