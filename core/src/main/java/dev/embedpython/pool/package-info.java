/**
 * The pool of interpreters behind {@link dev.embedpython.PythonPool}: entries moved by compare-and-set, sessions,
 * per-interpreter watchdogs and workers for virtual threads. Internal.
 */
@NullMarked
package dev.embedpython.pool;

import org.jspecify.annotations.NullMarked;
