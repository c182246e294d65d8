/**
 * Text similarity with numpy on the {@code numeric} pool (the main interpreter), and the plain-Java baseline.
 */
@NullMarked
package dev.embedpython.sample.similarity;

import org.jspecify.annotations.NullMarked;
