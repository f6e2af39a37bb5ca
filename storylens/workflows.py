"""File-level workflows shared by the CLI and the HTTP API."""

from __future__ import annotations

from storylens.compare import compare
from storylens.ingest import read
from storylens.model import Article, Comparison
from storylens.nlp.pipeline import analyze


def analyze_file(source: str, *, allow_private: bool = False) -> Article:
    return analyze(read(source, allow_private=allow_private))


def compare_files(
    a: str, b: str, *, backend: str | None = None, precise: bool = False, allow_private: bool = False
) -> Comparison:
    return compare(
        read(a, allow_private=allow_private),
        read(b, allow_private=allow_private),
        backend=backend,
        precise=precise,
    )
