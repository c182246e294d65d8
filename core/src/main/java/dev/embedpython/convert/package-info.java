/**
 * Java ⇄ Python values: scalars, strings, bytes, containers, and primitive arrays through the buffer protocol. Uses
 * only {@code capi} (and throws {@link dev.embedpython.PythonConversionException}); only the {@code interpreter}
 * layer calls it, with the interpreter's thread state attached. <strong>Not API</strong>.
 */
@NullMarked
package dev.embedpython.convert;

import org.jspecify.annotations.NullMarked;
