/**
 * embedpython's public API: start a {@link dev.embedpython.PythonRuntime}, borrow a
 * {@link dev.embedpython.PythonSession} from a {@link dev.embedpython.PythonPool} of sub-interpreters, or use the
 * thread-safe {@link dev.embedpython.PythonTemplate}.
 */
@NullMarked
package dev.embedpython;

import org.jspecify.annotations.NullMarked;
