"""Sentence alignment across two articles with multilingual embeddings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from storylens.embed import Embedder
from storylens.model import Article


@dataclass(frozen=True, slots=True)
class Alignment:
    pairs: tuple[tuple[int, int, float], ...]  # (sentence in a, sentence in b, cosine)
    matrix: np.ndarray  # full cosine matrix, rows = a, columns = b
    coverage_a: float  # share of a's sentences with a counterpart in b
    coverage_b: float

    def as_list(self) -> list[dict[str, float | int]]:
        return [{"a": i, "b": j, "score": round(s, 3)} for i, j, s in self.pairs]


def sentence_texts(article: Article) -> list[str]:
    return [article.text[s.start : s.end] for s in article.sentences] or [article.text]


def sentence_vectors(article: Article, embedder: Embedder) -> np.ndarray:
    return embedder.encode(sentence_texts(article))


def align(
    a: Article,
    b: Article,
    embedder: Embedder,
    threshold: float,
    va: np.ndarray | None = None,
    vb: np.ndarray | None = None,
) -> Alignment:
    """Greedy one-to-one alignment by descending cosine; pairs below threshold are dropped.

    One-to-one keeps a repeated sentence in one article from claiming several in the other.
    """
    va = sentence_vectors(a, embedder) if va is None else va
    vb = sentence_vectors(b, embedder) if vb is None else vb
    sim = va @ vb.T
    order = np.argsort(sim, axis=None)[::-1]
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for flat in order:
        i, j = divmod(int(flat), sim.shape[1])
        score = float(sim[i, j])
        if score < threshold:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j, score))
    pairs.sort()
    # Coverage counts a sentence as covered when anything in the other text is close,
    # not only its one-to-one partner (a long sentence can be split in two in the other).
    cov_a = float((sim.max(axis=1) >= threshold).mean()) if sim.size else 0.0
    cov_b = float((sim.max(axis=0) >= threshold).mean()) if sim.size else 0.0
    return Alignment(tuple(pairs), sim, cov_a, cov_b)
