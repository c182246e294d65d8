/**
 * Spring Boot auto-configuration for embedpython: {@code python.*} properties, the runtime, pool and template
 * beans, and their lifecycle.
 */
@NullMarked
package dev.embedpython.autoconfigure;

import org.jspecify.annotations.NullMarked;
