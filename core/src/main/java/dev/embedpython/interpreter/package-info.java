/**
 * One started CPython ({@link dev.embedpython.interpreter.Engine}) and its interpreters: creating, setting up and
 * ending them, the thread states Java threads attach with, and every operation on an interpreter in Java values
 * (conversion happens here, through {@code convert}). Uses {@code capi}, {@code convert}, {@code runtime} and
 * {@code support}; never {@code pool}. <strong>Not API</strong>.
 */
@NullMarked
package dev.embedpython.interpreter;

import org.jspecify.annotations.NullMarked;
