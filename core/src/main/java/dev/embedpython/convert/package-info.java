/**
 * Conversion of values between Java and Python objects. Internal.
 */
@NullMarked
package dev.embedpython.convert;

import org.jspecify.annotations.NullMarked;
