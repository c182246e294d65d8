/**
 * Micrometer Observation of Python calls: one {@code python.calls} observation per call.
 */
@NullMarked
package dev.embedpython.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
