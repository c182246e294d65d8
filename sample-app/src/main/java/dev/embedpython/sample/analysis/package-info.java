/**
 * Text analysis: the Python implementation called through the pool and the plain-Java baseline of the same
 * algorithm.
 */
@NullMarked
package dev.embedpython.sample.analysis;

import org.jspecify.annotations.NullMarked;
