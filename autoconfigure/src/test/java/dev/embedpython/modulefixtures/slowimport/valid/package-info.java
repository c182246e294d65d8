/**
 * A valid {@code @PythonModule} interface whose module imports slowly, for the startup validation tests.
 */
@NullMarked
package dev.embedpython.modulefixtures.slowimport.valid;

import org.jspecify.annotations.NullMarked;
