package dev.embedpython.modulefixtures.invalid.missingmodule;

import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * Invalid: its module does not exist.
 */
@PythonModule("mt_no_such_pricing")
public interface Pricing {

	int count();

}
