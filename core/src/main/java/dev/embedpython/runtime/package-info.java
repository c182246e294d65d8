/**
 * Finding a CPython installation (bundled or external), extracting the bundled one into the private cache, loading
 * libpython and initializing it ({@code CPythonLoader}), and the {@code python-main} thread CPython is initialized
 * and finalized on ({@code OwnerThread}). Uses {@code capi} and {@code support}, nothing above them.
 * <strong>Not API</strong>.
 */
@NullMarked
package dev.embedpython.runtime;

import org.jspecify.annotations.NullMarked;
