"""File-level workflows shared by the CLI and the HTTP API."""

from __future__ import annotations

from storylens.compare import compare
from storylens.ingest import read
from storylens.model import Article, Comparison
from storylens.nlp.pipeline import analyze


def analyze_file(source: str) -> Article:
    return analyze(read(source))


def compare_files(a: str, b: str, *, backend: str | None = None) -> Comparison:
    return compare(read(a), read(b), backend=backend)
