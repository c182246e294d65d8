/**
 * The binding of the CPython C API, and nothing else: native functions, constants, C-string helpers, out-parameter
 * scratch memory, the one choke point that turns a failed call into a {@link dev.embedpython.capi.RaisedError}, and
 * the other direction: a {@link dev.embedpython.capi.MethodTable} of C functions that are Java methods.
 * It depends on no other package of embedpython; the public exception types are made above it, through the
 * {@link dev.embedpython.capi.ErrorTranslator} the interpreter layer installs. <strong>Not API</strong>.
 * <p>
 * Hot-path functions are direct-mapped ({@code Native.register}) static methods taking and returning
 * {@code PyObject*}/{@code PyThreadState*} as {@code long}, so a call allocates nothing; strings are passed as
 * NUL-terminated UTF-8 {@code byte[]}. No variadic function is bound. Every function here follows the C API's
 * rules: most need an attached thread state of the right interpreter (the caller's responsibility).
 */
@NullMarked
package dev.embedpython.capi;

import org.jspecify.annotations.NullMarked;
