/**
 * embedpython's public API: start a {@link dev.embedpython.PythonRuntime}, borrow a
 * {@link dev.embedpython.PythonSession} from a {@link dev.embedpython.PythonPool} of sub-interpreters, or use the
 * thread-safe {@link dev.embedpython.PythonTemplate}; let Python code log to a {@link dev.embedpython.PythonLogSink}
 * and call {@link dev.embedpython.PythonCallable}s. The only package applications (and the Spring Boot module)
 * use; the engine beneath it reads top to bottom: {@code pool} lends interpreters, {@code interpreter} runs code
 * and converts values, {@code convert} and {@code capi} talk to CPython, {@code runtime} finds and starts it.
 */
@NullMarked
package dev.embedpython;

import org.jspecify.annotations.NullMarked;
