package dev.embedpython.sample.similarity;

import java.util.List;

import dev.embedpython.PythonTemplate;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Computes TF-IDF cosine similarities with numpy ({@code textanalytics/similarity.py}) on the {@code numeric}
 * pool: {@code isolation: main}, since numpy loads in one interpreter per process. The numpy result arrives as a
 * {@code double[][]} in one copy.
 * <p>
 * Thread contract: any thread, any number at once (up to the pool's size hold the main interpreter in turn; numpy
 * releases the GIL in its C loops).
 */
@Service
public class PythonSimilarity {

	private static final String MODULE = "textanalytics.similarity";

	private final PythonTemplate numeric;

	public PythonSimilarity(@Qualifier("numeric") PythonTemplate numeric) {
		this.numeric = numeric;
	}

	/**
	 * Compare texts.
	 * @param texts the texts
	 * @return the similarity matrix
	 */
	public Similarity compare(List<String> texts) {
		double[][] matrix = this.numeric.call(double[][].class, MODULE, "cosine_matrix", texts);
		if (matrix == null) {
			throw new IllegalStateException(MODULE + ".cosine_matrix returned None");
		}
		return new Similarity(texts.size(), matrix);
	}

}
