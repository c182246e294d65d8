/**
 * Small JDK-only helpers every layer of the engine shares: naming and starting daemon threads, and waiting for
 * work that must not be abandoned half-way. Depends on nothing else in {@code dev.embedpython}.
 */
@NullMarked
package dev.embedpython.support;

import org.jspecify.annotations.NullMarked;
