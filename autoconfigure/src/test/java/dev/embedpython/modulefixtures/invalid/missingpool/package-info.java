/**
 * An invalid {@code @PythonModule} interface for the startup validation tests: its pool is not configured.
 */
@NullMarked
package dev.embedpython.modulefixtures.invalid.missingpool;

import org.jspecify.annotations.NullMarked;
