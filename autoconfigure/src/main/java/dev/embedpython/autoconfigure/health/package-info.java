/**
 * Health indicator of the Python runtime and its pools.
 */
@NullMarked
package dev.embedpython.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
