package dev.embedpython.sample;

import java.util.List;
import java.util.Random;

/**
 * Sample inputs shared by the tests: several languages, Unicode corner cases, and generated text.
 */
final class Texts {

	static final String ENGLISH = """
			The quick brown fox jumps over the lazy dog. It was not amused! Was it? The dog, \
			however, slept through the whole affair and dreamed of rabbits, bones and long walks.""";

	static final String FRENCH = "Le chat est sur la table et il ne veut pas descendre. C’est la vie. "
			+ "L'homme qui plantait des arbres n'est pas pressé; elle aussi attend très longtemps.";

	static final String GERMAN = "Der Hund schläft unter dem Tisch, und die Katze sitzt auf dem Fensterbrett. "
			+ "Es ist nicht schön, dass wir über die Straße gehen müssen. Grüße aus Köln!";

	static final String SPANISH = "¿Dónde está la biblioteca? El niño come una manzana en el jardín con su "
			+ "abuela. También hay muchos pájaros que cantan por la mañana.";

	static final String ITALIAN = "Il gatto è sul tavolo e non vuole scendere. Perché la vita è bella, "
			+ "anche quando piove e tutti sono stanchi della città.";

	static final String UNICODE_CORNERS = "ΟΔΟΣ ΟΔΟΣ and İstanbul; snake_case v2 x² ½ 𝒜𝒷𝒸 ＡＢＣ 😀 "
			+ "straße STRASSE ǅemal don't don’t rock'n'roll 'quoted' ... !!! ??";

	static final String NO_WORDS = "12345 67.89 !!! ??? ___ 2024-01-01";

	static final String TIES = "zeta alpha beta zeta alpha beta gamma delta epsilon gamma";

	static List<String> all() {
		return List.of(ENGLISH, FRENCH, GERMAN, SPANISH, ITALIAN, UNICODE_CORNERS, NO_WORDS, TIES, "Word",
				"Hello.", generated(42, 5_000), generated(7, 20_000));
	}

	/**
	 * Pseudo-random text of lower-case words and sentence ends, reproducible from the seed.
	 * @param seed the seed
	 * @param length the approximate length in characters
	 * @return the text
	 */
	static String generated(long seed, int length) {
		Random random = new Random(seed);
		StringBuilder text = new StringBuilder(length + 16);
		while (text.length() < length) {
			int letters = 3 + random.nextInt(8);
			for (int i = 0; i < letters; i++) {
				text.append((char) ('a' + random.nextInt(26)));
			}
			text.append((random.nextInt(12) == 0) ? ". " : " ");
		}
		return text.toString();
	}

	private Texts() {
	}

}
