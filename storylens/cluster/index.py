"""Approximate nearest-neighbour candidate search over recent article vectors.

hnswlib was chosen by measurement (benchmarks/stories_RESULTS.md): for one-at-a-time inserts and
queries, which is what a stream does, it was ~2x faster to insert and ~12x faster to query than
usearch here, and it can delete and reuse slots, which the time window needs. ``exact`` is a
NumPy scan kept for tests and tiny stores.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from storylens.errors import Code, ConfigError


class CandidateIndex(Protocol):
    def add(self, key: int, vector: np.ndarray) -> None: ...

    def remove(self, key: int) -> None: ...

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]: ...

    def __len__(self) -> int: ...


class HnswIndex:
    """HNSW (hnswlib) over cosine; returns (key, cosine similarity) best first."""

    def __init__(self, dim: int, capacity: int = 4096) -> None:
        import hnswlib

        self._index = hnswlib.Index(space="cosine", dim=dim)
        # allow_replace_deleted: slots freed by the time window are reused, so memory stays
        # bounded by the window, not by the stream.
        self._index.init_index(
            max_elements=capacity, ef_construction=100, M=16, allow_replace_deleted=True
        )
        self._index.set_ef(64)
        self._index.set_num_threads(1)  # one vector at a time: threads only add overhead
        self._size = 0

    def add(self, key: int, vector: np.ndarray) -> None:
        if self._size + 1 > self._index.get_max_elements():
            self._index.resize_index(2 * self._index.get_max_elements())
        self._index.add_items(
            np.asarray(vector, np.float32)[None, :], [key], replace_deleted=True
        )
        self._size += 1

    def remove(self, key: int) -> None:
        try:
            self._index.mark_deleted(key)
        except RuntimeError:  # already gone
            return
        self._size -= 1

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if self._size == 0:
            return []
        keys, dists = self._index.knn_query(
            np.asarray(vector, np.float32)[None, :], k=min(k, self._size)
        )
        return [(int(x), 1.0 - float(d)) for x, d in zip(keys[0], dists[0], strict=True)]

    def __len__(self) -> int:
        return self._size


class ExactIndex:
    """Brute-force cosine search (vectors are unit length)."""

    def __init__(self, dim: int) -> None:
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


def make_index(kind: str, dim: int) -> CandidateIndex:
    if kind == "hnsw":
        return HnswIndex(dim)
    if kind == "exact":
        return ExactIndex(dim)
    raise ConfigError(Code.E011, kind="ANN index", name=kind, choices="hnsw, exact")
