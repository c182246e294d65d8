package dev.embedpython;

import java.time.Duration;

/**
 * A snapshot of one interpreter of a {@link PythonPool}.
 *
 * @param id CPython's interpreter id ({@code 0} is the main interpreter)
 * @param state {@code idle}, {@code active}, {@code stuck}, {@code retiring} or {@code closed}
 * @param uses acquisitions served so far
 * @param age time since the interpreter was created
 */
public record InterpreterInfo(long id, String state, long uses, Duration age) {
}
