/**
 * The {@code python} actuator endpoint.
 */
@NullMarked
package dev.embedpython.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
