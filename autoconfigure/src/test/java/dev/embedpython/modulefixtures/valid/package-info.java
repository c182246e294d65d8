/**
 * Valid {@code @PythonModule} interfaces over {@code src/test/resources/module-tests}.
 */
@NullMarked
package dev.embedpython.modulefixtures.valid;

import org.jspecify.annotations.NullMarked;
