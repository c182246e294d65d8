/**
 * Declarative Python interfaces: an interface annotated {@link dev.embedpython.autoconfigure.module.PythonModule}
 * becomes a bean whose methods call the functions of a Python module, each call on one interpreter borrowed from a
 * pool, with records, POJOs, {@code BigDecimal}, dates and enums crossing through the application's Jackson
 * {@code JsonMapper}. Interfaces are found by {@link dev.embedpython.autoconfigure.module.EnablePythonModules} or, by
 * default, in the application's auto-configuration packages; {@link PythonModuleProxyFactory} creates them without
 * Spring.
 */
@NullMarked
package dev.embedpython.autoconfigure.module;

import org.jspecify.annotations.NullMarked;
