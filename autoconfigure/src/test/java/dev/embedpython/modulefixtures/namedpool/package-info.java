/**
 * A {@code @PythonModule} interface on the named pool {@code batch}, scanned only by the tests that configure it.
 */
@NullMarked
package dev.embedpython.modulefixtures.namedpool;

import org.jspecify.annotations.NullMarked;
