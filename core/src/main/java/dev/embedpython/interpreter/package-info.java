/**
 * The loaded CPython runtime ({@link dev.embedpython.interpreter.Engine}), its interpreters and the thread states
 * that Java threads attach with. Internal.
 */
@NullMarked
package dev.embedpython.interpreter;

import org.jspecify.annotations.NullMarked;
