/**
 * The binding of the CPython C API, and nothing else: native functions, constants, C-string helpers, out-parameter
 * scratch memory, the one choke point that turns a failed call into a {@link dev.embedpython.capi.RaisedError}, and
 * the other direction: a {@link dev.embedpython.capi.MethodTable} of C functions that are Java methods.
 * It depends on no other package of embedpython; the public exception types are made above it, through the
 * {@link dev.embedpython.capi.ErrorTranslator} the interpreter layer installs. <strong>Not API</strong>.
 * <p>
 * {@link dev.embedpython.capi.CPython}'s static methods are what the engine calls; each delegates to one
 * {@code CApi} chosen once per JVM: {@code FfmCApi} ({@code java.lang.foreign} downcall handles, JDK 22+, in the
 * jar's {@code META-INF/versions/22}) or {@code JnaCApi} (JNA direct mapping, {@code Native.register}). Both take
 * and return {@code PyObject*}/{@code PyThreadState*} as {@code long}, so a call allocates nothing; strings are
 * passed as NUL-terminated UTF-8 {@code byte[]}. No variadic function is bound. Every function here follows the C
 * API's rules: most need an attached thread state of the right interpreter (the caller's responsibility).
 * <p>
 * The start-up functions ({@link dev.embedpython.capi.InitConfigApi} for 3.14, {@link dev.embedpython.capi.LegacyInitApi}
 * for 3.13, {@link dev.embedpython.capi.PyStatus}) stay on JNA with either binding: they run once, on
 * {@code python-main}, before any request. Loading libpython (RTLD_GLOBAL) is JNA's in both cases too, and so is
 * the way back: {@link dev.embedpython.capi.MethodTable}'s C functions are JNA callbacks and
 * {@link dev.embedpython.capi.ExtensionApi} (module creation, once per interpreter) is JNA direct mapping; a
 * callback's C pointer is an ordinary function pointer, so Python calls it whichever binding called Python.
 */
@NullMarked
package dev.embedpython.capi;

import org.jspecify.annotations.NullMarked;
