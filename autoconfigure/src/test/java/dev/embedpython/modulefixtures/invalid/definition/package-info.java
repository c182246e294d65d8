/**
 * An invalid {@code @PythonModule} interface for the startup validation tests: methods that cannot be called.
 */
@NullMarked
package dev.embedpython.modulefixtures.invalid.definition;

import org.jspecify.annotations.NullMarked;
