package dev.embedpython.sample.similarity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;

/**
 * The same TF-IDF cosine similarity as {@code textanalytics/similarity.py}, in plain Java: the baseline the tests
 * check the numpy result against.
 * <p>
 * Thread contract: stateless; any thread.
 */
@Service
public class JavaSimilarity {

	private static final Pattern WORD = Pattern.compile("[a-z]+");

	/**
	 * Compare texts.
	 * @param texts the texts
	 * @return the similarity matrix
	 */
	public Similarity compare(List<String> texts) {
		int n = texts.size();
		List<Map<String, Integer>> counts = new ArrayList<>();
		Map<String, Integer> documentFrequency = new TreeMap<>();
		int[] lengths = new int[n];
		for (int i = 0; i < n; i++) {
			Map<String, Integer> count = new TreeMap<>();
			Matcher m = WORD.matcher(texts.get(i).toLowerCase(Locale.ROOT));
			while (m.find()) {
				count.merge(m.group(), 1, Integer::sum);
				lengths[i]++;
			}
			count.keySet().forEach((term) -> documentFrequency.merge(term, 1, Integer::sum));
			counts.add(count);
		}
		List<Map<String, Double>> vectors = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			Map<String, Double> vector = new TreeMap<>();
			double norm = 0;
			for (Map.Entry<String, Integer> entry : counts.get(i).entrySet()) {
				double tf = entry.getValue() / (double) lengths[i];
				double idf = Math.log((1.0 + n) / (1.0 + documentFrequency.get(entry.getKey()))) + 1.0;
				double weight = tf * idf;
				vector.put(entry.getKey(), weight);
				norm += weight * weight;
			}
			double length = Math.sqrt(norm);
			vector.replaceAll((term, weight) -> weight / length);
			vectors.add(vector);
		}
		double[][] matrix = new double[n][n];
		for (int i = 0; i < n; i++) {
			for (int j = 0; j < n; j++) {
				double dot = 0;
				for (Map.Entry<String, Double> entry : vectors.get(i).entrySet()) {
					dot += entry.getValue() * vectors.get(j).getOrDefault(entry.getKey(), 0.0);
				}
				matrix[i][j] = dot;
			}
		}
		return new Similarity(n, matrix);
	}

}
