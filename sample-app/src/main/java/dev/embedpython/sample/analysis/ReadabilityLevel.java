package dev.embedpython.sample.analysis;

import dev.embedpython.PythonCallable;

import org.springframework.stereotype.Component;

/**
 * The level of a Flesch reading-ease score ({@code easy}, {@code standard}, {@code difficult},
 * {@code very difficult}): one definition for both analyzers. The Java baseline calls
 * {@link JavaTextAnalyzer#level(double)}; {@code textanalytics/analyze.py} calls this bean through embedpython's
 * bridge, as {@code java.readability_level(score)} (a {@link PythonCallable} bean is registered under its name).
 * <p>
 * Thread contract: stateless; called by any number of Python threads at once.
 */
@Component(ReadabilityLevel.NAME)
public class ReadabilityLevel implements PythonCallable {

	/**
	 * The name Python calls it by.
	 */
	public static final String NAME = "readability_level";

	@Override
	public Object call(Invocation invocation) {
		Double score = invocation.argument(0, Double.class);
		if (score == null) {
			throw new IllegalArgumentException("readability_level(score) needs a score, not None");
		}
		return JavaTextAnalyzer.level(score);
	}

}
