/**
 * JNA bindings of the CPython C API. <strong>Not API</strong>: internal to embedpython and changed without notice.
 * <p>
 * Hot-path functions are direct-mapped ({@code Native.register}) static methods taking and returning
 * {@code PyObject*}/{@code PyThreadState*} as {@code long}, so a call allocates nothing; strings are passed as
 * NUL-terminated UTF-8 {@code byte[]}. No variadic function is bound. Every function here follows the C API's
 * rules: most need an attached thread state of the right interpreter (the caller's responsibility).
 */
@NullMarked
package dev.embedpython.capi;

import org.jspecify.annotations.NullMarked;
