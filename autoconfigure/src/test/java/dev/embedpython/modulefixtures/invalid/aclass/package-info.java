/**
 * An invalid {@code @PythonModule} interface for the startup validation tests: a class instead of an interface.
 */
@NullMarked
package dev.embedpython.modulefixtures.invalid.aclass;

import org.jspecify.annotations.NullMarked;
