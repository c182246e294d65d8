/**
 * An invalid {@code @PythonModule} interface for the startup validation tests: functions missing, not callable, or not taking the arguments.
 */
@NullMarked
package dev.embedpython.modulefixtures.invalid.functions;

import org.jspecify.annotations.NullMarked;
