package dev.embedpython;

/**
 * How the interpreters of a {@link PythonPool} are isolated from each other.
 */
public enum Isolation {

	/**
	 * Sub-interpreters with their own GIL (PEP 684): Python code runs in parallel across cores. Single-phase-init
	 * extension modules (numpy and many older C extensions) refuse to load in them.
	 */
	OWN_GIL,

	/**
	 * Legacy-style sub-interpreters that share the main GIL and allocator: isolated globals and modules, no
	 * parallelism, single-phase-init extension modules allowed.
	 */
	SHARED_GIL,

	/**
	 * The main interpreter itself: for extension modules that refuse sub-interpreters. Calls are serialized by the
	 * main GIL and share one set of globals and modules.
	 */
	MAIN

}
