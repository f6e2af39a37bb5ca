"""Compare two analysed articles: similarity, alignment, facts, provenance."""

from __future__ import annotations

from storylens.compare.compare import compare

__all__ = ["compare"]
