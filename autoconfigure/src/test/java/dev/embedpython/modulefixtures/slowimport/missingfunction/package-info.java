/**
 * An invalid {@code @PythonModule} interface whose module imports slowly, for the startup validation tests: a
 * function is missing.
 */
@NullMarked
package dev.embedpython.modulefixtures.slowimport.missingfunction;

import org.jspecify.annotations.NullMarked;
