package dev.embedpython.modulefixtures.valid;

/**
 * One item of {@code mt_streams.rows}.
 *
 * @param name its name
 * @param value its value
 */
public record Row(String name, long value) {
}
