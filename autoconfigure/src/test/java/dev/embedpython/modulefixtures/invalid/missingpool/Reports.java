package dev.embedpython.modulefixtures.invalid.missingpool;

import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * Invalid: its pool is not configured.
 */
@PythonModule(value = "mt_prices", pool = "reporting")
public interface Reports {

	int count();

}
