"""Approximate nearest-neighbour candidate search over recent article vectors.

hnswlib was chosen by measurement (benchmarks/stories_RESULTS.md): for one-at-a-time inserts and
queries, which is what a stream does, it was ~2x faster to insert and ~12x faster to query than
usearch here, and it can mark entries deleted, which the time window needs. ``exact`` is a
NumPy scan kept for tests and tiny stores.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from storylens.errors import Code, ConfigError


class CandidateIndex(Protocol):
    def add(self, key: int, vector: np.ndarray) -> None: ...

    def remove(self, key: int) -> None: ...

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]: ...

    def __len__(self) -> int: ...


class HnswIndex:
    """HNSW (hnswlib) over cosine; returns (key, cosine similarity) best first.

    M=12, ef_construction=48, ef=32: measured on 10,000 synthesised articles (1,024-d vectors,
    a 2,500-article window) against an exact scan, these find 99.7 % of the neighbours above
    the join threshold at a third of the cost of M=16/100/64 (add 1.2 vs 4.0 ms, query 0.9 vs
    2.9 ms before rebuilds); M=8/32/24 lost 3.4 %. See benchmarks/scale_RESULTS.md.
    """

    M = 12
    EF_CONSTRUCTION = 48
    EF = 32

    def __init__(self, dim: int | None = None, capacity: int = 4096) -> None:
        self._dim = dim  # None: taken from the first vector added
        self._vectors: dict[int, np.ndarray] = {}  # live entries, for rebuilding
        self._deleted = 0
        self._capacity = capacity
        self._index: Any = None

    def _build(self, capacity: int) -> None:
        import hnswlib

        self._index = hnswlib.Index(space="cosine", dim=self._dim)
        self._index.init_index(max_elements=capacity, ef_construction=self.EF_CONSTRUCTION,
                               M=self.M)
        self._index.set_ef(self.EF)
        if self._vectors:
            keys = list(self._vectors)
            self._index.add_items(np.stack([self._vectors[k] for k in keys]), keys)
        self._index.set_num_threads(1)  # one vector at a time from here: threads only cost
        self._deleted = 0

    def add(self, key: int, vector: np.ndarray) -> None:
        vector = np.asarray(vector, np.float32)
        if self._index is None:
            self._dim = self._dim or len(vector)
            self._build(self._capacity)
        if self._index.get_current_count() + 1 > self._index.get_max_elements():
            self._index.resize_index(2 * self._index.get_max_elements())
        self._index.add_items(vector[None, :], [key])
        self._vectors[key] = vector

    def remove(self, key: int) -> None:
        if self._vectors.pop(key, None) is None:
            return
        self._index.mark_deleted(key)
        self._deleted += 1
        # Searches slow down sharply once deleted nodes pile up (measured: 4 -> 40 ms per
        # article when the window had turned the index over twice), so rebuild from the live
        # entries when they are outnumbered: amortised O(1) per article.
        if self._deleted > max(1024, len(self._vectors)):
            self._build(max(4096, 2 * len(self._vectors)))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if not self._vectors:
            return []
        keys, dists = self._index.knn_query(
            np.asarray(vector, np.float32)[None, :], k=min(k, len(self._vectors))
        )
        return [(int(x), 1.0 - float(d)) for x, d in zip(keys[0], dists[0], strict=True)]

    def __len__(self) -> int:
        return len(self._vectors)


class ExactIndex:
    """Brute-force cosine search (vectors are unit length)."""

    def __init__(self, dim: int | None = None) -> None:
        self._dim = dim
        self._vectors: dict[int, np.ndarray] = {}

    def add(self, key: int, vector: np.ndarray) -> None:
        self._vectors[key] = np.asarray(vector, np.float32)

    def remove(self, key: int) -> None:
        self._vectors.pop(key, None)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if not self._vectors:
            return []
        keys = list(self._vectors)
        scores = np.stack([self._vectors[x] for x in keys]) @ np.asarray(vector, np.float32)
        top = np.argsort(-scores)[:k]
        return [(keys[i], float(scores[i])) for i in top]

    def __len__(self) -> int:
        return len(self._vectors)


def make_index(kind: str, dim: int | None = None) -> CandidateIndex:
    if kind == "hnsw":
        return HnswIndex(dim)
    if kind == "exact":
        return ExactIndex(dim)
    raise ConfigError(Code.E011, kind="ANN index", name=kind, choices="hnsw, exact")
