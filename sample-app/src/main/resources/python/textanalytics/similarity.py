"""TF-IDF vectors and their cosine similarity matrix, with numpy.

numpy loads in one interpreter per process: this module runs on the 'numeric' pool, whose isolation is 'main'.
"""

import re

import numpy as np

_WORD = re.compile(r"[a-z]+")


def tokens(text):
    return _WORD.findall(text.lower())


def cosine_matrix(texts):
    """The cosine similarity of the TF-IDF vectors of each pair of texts: an n x n float64 array.

    tf = term count / token count; idf = ln((1 + n) / (1 + document frequency)) + 1; rows are L2-normalized
    (a text without words is a zero row).
    """
    docs = [tokens(t) for t in texts]
    vocabulary = {term: i for i, term in enumerate(sorted({term for doc in docs for term in doc}))}
    counts = np.zeros((len(docs), len(vocabulary)))
    for row, doc in enumerate(docs):
        for term in doc:
            counts[row, vocabulary[term]] += 1.0
    lengths = counts.sum(axis=1, keepdims=True)
    tf = np.divide(counts, lengths, out=np.zeros_like(counts), where=lengths > 0)
    df = (counts > 0).sum(axis=0)
    idf = np.log((1.0 + len(docs)) / (1.0 + df)) + 1.0
    vectors = tf * idf
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return np.ascontiguousarray(vectors @ vectors.T)
