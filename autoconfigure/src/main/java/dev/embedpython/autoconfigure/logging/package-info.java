/**
 * Python's log records and printed lines in SLF4J: the log sink, the MDC propagation and the Logback level listener
 * of the auto-configuration.
 */
@NullMarked
package dev.embedpython.autoconfigure.logging;

import org.jspecify.annotations.NullMarked;
