"""storylens: find, group and compare news coverage of the same story."""

from __future__ import annotations

from storylens.compare import compare
from storylens.errors import InputError, StorylensError
from storylens.ingest import read, read_text
from storylens.model import Article, Comparison, Similarity
from storylens.nlp.pipeline import analyze

__all__ = [
    "Article",
    "Comparison",
    "InputError",
    "Similarity",
    "StorylensError",
    "analyze",
    "compare",
    "read",
    "read_text",
]
__version__ = "0.1.0"
