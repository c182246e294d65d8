/**
 * Lending interpreters behind {@link dev.embedpython.PythonPool}: entries whose states move only by compare-and-set
 * methods of {@code PoolEntry}, sessions, timeouts and their watchdogs, leak detection, recycling and replacement
 * (what differs per isolation is in {@code IsolationPolicy}). Uses the {@code interpreter} layer for everything
 * that touches CPython, never {@code capi} or {@code convert}. <strong>Not API</strong>.
 */
@NullMarked
package dev.embedpython.pool;

import org.jspecify.annotations.NullMarked;
