/**
 * An invalid {@code @PythonModule} interface for the startup validation tests: its module raises when imported.
 */
@NullMarked
package dev.embedpython.modulefixtures.invalid.brokenmodule;

import org.jspecify.annotations.NullMarked;
