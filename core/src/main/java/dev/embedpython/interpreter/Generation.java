package dev.embedpython.interpreter;

import dev.embedpython.convert.PyTypes;
import dev.embedpython.convert.ValueConverter;

/**
 * One initialization of CPython in this JVM and what every interpreter of it shares: the static objects and
 * exception types, and the value converter. A thread that used an earlier generation never attaches to a later
 * one (see {@link CallerThread}).
 * @param number 1 for the first initialization, counting up
 * @param types the static objects and exception types
 * @param converter the value converter
 */
record Generation(int number, PyTypes types, ValueConverter converter) {
}
