/**
 * Finding a CPython home (bundled or external), extracting the bundled runtime, and the owner thread that
 * initializes and finalizes CPython. Internal.
 */
@NullMarked
package dev.embedpython.runtime;

import org.jspecify.annotations.NullMarked;
