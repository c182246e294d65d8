package dev.embedpython.sample.analysis;

import java.util.Map;

import dev.embedpython.PythonTemplate;

import org.springframework.stereotype.Service;

/**
 * Analyzes texts with {@code textanalytics/analyze.py} on the default interpreter pool. CPU-bound Python: with
 * own-GIL sub-interpreters, concurrent requests run in parallel on as many cores as the pool has interpreters.
 * <p>
 * Thread contract: any thread, any number at once ({@link PythonTemplate} borrows an interpreter per call).
 */
@Service
public class PythonTextAnalyzer {

	private static final String MODULE = "textanalytics.analyze";

	private final PythonTemplate python;

	public PythonTextAnalyzer(PythonTemplate python) {
		this.python = python;
	}

	/**
	 * Analyze a text.
	 * @param text the text
	 * @return the analysis
	 * @throws dev.embedpython.PythonException if the Python code raises
	 * @throws dev.embedpython.PythonTimeoutException if the call exceeds {@code python.pool.call-timeout}
	 * @throws dev.embedpython.PoolExhaustedException if no interpreter is free within
	 * {@code python.pool.acquire-timeout}
	 */
	public TextAnalysis analyze(String text) {
		Map<?, ?> result = this.python.call(Map.class, MODULE, "analyze", text);
		if (result == null) {
			throw new IllegalStateException(MODULE + ".analyze returned None");
		}
		return TextAnalysis.fromPython(result);
	}

}
