/**
 * The {@link dev.embedpython.autoconfigure.test.PythonTest @PythonTest} test slice: the Python auto-configuration
 * and the application's Python-backed components only.
 */
@NullMarked
package dev.embedpython.autoconfigure.test;

import org.jspecify.annotations.NullMarked;
