package dev.embedpython.modulefixtures.invalid.brokenmodule;

import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * Invalid: its module raises when imported.
 */
@PythonModule("mt_broken")
public interface Broken {

	int count();

}
