package dev.embedpython.sample.similarity;

/**
 * The cosine similarity of each pair of texts.
 *
 * @param texts how many texts were compared
 * @param matrix {@code matrix[i][j]}: the similarity of text i and text j, 0 to 1
 */
public record Similarity(int texts, double[][] matrix) {
}
