/**
 * Template rendering with Python's {@code string.Template}.
 */
@NullMarked
package dev.embedpython.sample.render;

import org.jspecify.annotations.NullMarked;
