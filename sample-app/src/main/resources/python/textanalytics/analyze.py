"""Word count, top terms, Flesch reading ease and a stop-word language guess for a text.

The Java baseline (``dev.embedpython.sample.analysis.JavaTextAnalyzer``) implements the same algorithm step for
step and must return identical results; change both together. Floating-point results are rounded with
``floor(x * 10**n + 0.5) / 10**n`` because it is one IEEE operation per step in both languages, whereas
Python's ``round`` and Java's ``Math.round`` differ on ties. The level of a score is defined once, on the Java side
(the ``ReadabilityLevel`` bean), and called through embedpython's bridge.
"""

import json
import logging
import math
import re
from collections import Counter
from importlib import resources

# embedpython's bridge to the JVM: java.<name>(...) calls a PythonCallable bean of the application.
from _embedpython import java

# python.textanalytics.analyze in the application's log, with the request's trace id.
log = logging.getLogger(__name__)

# A word: word characters other than digits and underscore, optionally joined by apostrophes ("don't").
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?]+")
VOWELS = frozenset("aeiouyàáâãäåæèéêëìíîïòóôõöøœùúûüý")
TOP_TERMS = 5
MIN_TERM_LENGTH = 3


def _load_stop_words():
    text = resources.files(__package__).joinpath("stopwords.json").read_text(encoding="utf-8")
    return {language: frozenset(words) for language, words in json.loads(text).items()}


# Loaded once per interpreter, at import (the pool's preload imports this module before the first request).
STOP_WORDS = _load_stop_words()
ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())


def analyze(text):
    """Analyze ``text`` and return a dict of plain values (see the module docstring)."""
    text = text.lower().replace("\u2019", "'")
    words = WORD.findall(text)
    counts = Counter(words)
    word_count = len(words)
    syllables = sum(syllable_count(word) * n for word, n in counts.items())
    sentences = sum(1 for part in SENTENCE_END.split(text) if WORD.search(part)) if word_count else 0
    score = readability(word_count, sentences, syllables)
    language = guess_language(counts, word_count)
    log.info("analyzed %d words in %d sentences: reading ease %.1f, language %s", word_count, sentences, score,
             language["code"])
    return {
        "words": word_count,
        "unique_words": len(counts),
        "sentences": sentences,
        "syllables": syllables,
        "readability": score,
        "level": level(score) if word_count else "none",
        "language": language,
        "top_terms": top_terms(counts),
    }


def syllable_count(word):
    """Vowel groups, less a silent final "e" (not "-le"); at least one."""
    count = 0
    previous_vowel = False
    for ch in word:
        vowel = ch in VOWELS
        if vowel and not previous_vowel:
            count += 1
        previous_vowel = vowel
    if count > 1 and word.endswith("e") and not word.endswith("le"):
        count -= 1
    return max(count, 1)


def readability(words, sentences, syllables):
    """Flesch reading ease, one decimal; 0.0 for a text without words."""
    if words == 0:
        return 0.0
    score = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)
    return _round(score, 10)


def level(score):
    """The level of a score, as the Java side defines it (the ReadabilityLevel bean)."""
    return java.readability_level(score)


def guess_language(counts, word_count):
    """The language whose stop words cover most of the text; the first listed wins a tie; "und" for none."""
    best, best_hits = "und", 0
    for language, stop_words in STOP_WORDS.items():
        hits = sum(n for word, n in counts.items() if word in stop_words)
        if hits > best_hits:
            best, best_hits = language, hits
    confidence = _round(best_hits / word_count, 100) if word_count else 0.0
    return {"code": best, "confidence": confidence}


def top_terms(counts):
    """The most frequent words that are not stop words and have at least three characters; ties by word."""
    candidates = [(word, n) for word, n in counts.items()
                  if len(word) >= MIN_TERM_LENGTH and word not in ALL_STOP_WORDS]
    candidates.sort(key=lambda item: (-item[1], item[0]))
    return [{"term": word, "count": n} for word, n in candidates[:TOP_TERMS]]


def _round(value, scale):
    return math.floor(value * scale + 0.5) / scale
