/**
 * HTTP endpoints and the mapping of Python and pool errors to {@code ProblemDetail} responses.
 */
@NullMarked
package dev.embedpython.sample.web;

import org.jspecify.annotations.NullMarked;
