package dev.embedpython.modulefixtures.slowimport.valid;

import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * Valid: its module takes half a second to import.
 */
@PythonModule("mt_slow_import")
public interface Warmup {

	boolean ready();

}
