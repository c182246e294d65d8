package dev.embedpython.sample.web;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read-only view of the runtime and the pools. Nothing here runs Python: it reads counters the pools keep.
 * <p>
 * Thread contract: stateless; request threads call it at once.
 */
@RestController
class PythonInfoController {

	private final PythonRuntime runtime;

	private final ObjectProvider<PythonPool> pools;

	PythonInfoController(PythonRuntime runtime, ObjectProvider<PythonPool> pools) {
		this.runtime = runtime;
		this.pools = pools;
	}

	@GetMapping(path = "/api/python", produces = MediaType.APPLICATION_JSON_VALUE)
	PythonInfo python() {
		// UNFILTERED: named pools (python.pools.*) are not default candidates, yet belong in the list.
		return PythonInfo.of(this.runtime, this.pools.orderedStream(ObjectProvider.UNFILTERED).toList());
	}

}
