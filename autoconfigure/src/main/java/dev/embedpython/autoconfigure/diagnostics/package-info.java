/**
 * Failure analyzers that explain why the Python runtime could not start and what to do about it.
 */
@NullMarked
package dev.embedpython.autoconfigure.diagnostics;

import org.jspecify.annotations.NullMarked;
