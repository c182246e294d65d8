/**
 * An invalid {@code @PythonModule} interface for the startup validation tests: its module does not exist.
 */
@NullMarked
package dev.embedpython.modulefixtures.invalid.missingmodule;

import org.jspecify.annotations.NullMarked;
