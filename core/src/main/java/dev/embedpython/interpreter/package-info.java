/**
 * One started CPython ({@link dev.embedpython.interpreter.Engine}) and its interpreters: creating, setting up and
 * ending them, the thread states Java threads attach with, every operation on an interpreter in Java values
 * (conversion happens here, through {@code convert}), and the way back: the built-in module {@code _embedpython}
 * through which Python code logs, prints and calls Java ({@link dev.embedpython.interpreter.Bridge}). Uses
 * {@code capi}, {@code convert}, {@code runtime} and {@code support}; never {@code pool}. <strong>Not API</strong>.
 */
@NullMarked
package dev.embedpython.interpreter;

import org.jspecify.annotations.NullMarked;
