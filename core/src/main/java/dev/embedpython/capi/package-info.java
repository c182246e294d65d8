/**
 * Bindings of the CPython C API. <strong>Not API</strong>: internal to embedpython and changed without notice.
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
 * {@code python-main}, before any request. Loading libpython (RTLD_GLOBAL) is JNA's in both cases too.
 */
@NullMarked
package dev.embedpython.capi;

import org.jspecify.annotations.NullMarked;
