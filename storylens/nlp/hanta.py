"""HanTa's German and English taggers (POS tags and lemmas), each loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def hanta_german() -> Any:
    """HanTa's German tagger (proper-noun tags, lemmas)."""
    from HanTa import HanoverTagger

    return HanoverTagger.HanoverTagger("morphmodel_ger.pgz")


@lru_cache(maxsize=1)
def hanta_english() -> Any:
    """HanTa's English tagger (which words are ordinary English words)."""
    from HanTa import HanoverTagger

    return HanoverTagger.HanoverTagger("morphmodel_en.pgz")
