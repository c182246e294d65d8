/**
 * Micrometer metrics of the Python runtime and its pools.
 */
@NullMarked
package dev.embedpython.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
