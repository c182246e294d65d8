package dev.embedpython.modulefixtures.slowimport.missingfunction;

import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * Invalid: its module takes half a second to import and has no function {@code warm}.
 */
@PythonModule("mt_slow_import")
public interface SlowWarmup {

	boolean ready();

	boolean warm();

}
