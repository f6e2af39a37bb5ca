"""Which articles of a story are translations or rewrites of others.

Cheap, text-only signals over a story's handful of articles (the pairwise scorer would cost a
full comparison per pair): shared word 4-grams for same-language copies, and for articles in
different languages a translation verdict from :mod:`storylens.compare.provenance` plus shared
names and numbers. The earlier article is taken as the original.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from storylens.cluster.embedding import names_vector
from storylens.model import Article

_WORD = re.compile(r"\w+")
MAX_ARTICLES = 60  # pairs grow quadratically; larger stories show the first ones only


def shingles(text: str, n: int = 4) -> set[int]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {hash(tuple(words[i : i + n])) for i in range(max(len(words) - n + 1, 0))}


def relations(
    articles: list[Article], provenance: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """``[{original, copy, relation, evidence}]`` for articles given in time order."""
    articles = articles[:MAX_ARTICLES]
    grams = [shingles(a.text) for a in articles]
    names = [names_vector(f"{a.title or ''} {a.text}", 512) for a in articles]
    found: list[dict[str, Any]] = []
    for j, copy in enumerate(articles):
        for i in range(j):
            original = articles[i]
            relation = _relation(original, copy, grams[i], grams[j], float(names[i] @ names[j]),
                                 (provenance or {}).get(original.id, {}),
                                 (provenance or {}).get(copy.id, {}))
            if relation is not None:
                kind, evidence = relation
                found.append({"original": original.id, "copy": copy.id, "relation": kind,
                              "evidence": evidence})
        origin = (provenance or {}).get(copy.id, {}).get("likely_translation_from")
        if origin and not any(r["copy"] == copy.id and r["relation"] == "translation"
                              for r in found):
            found.append({"original": None, "copy": copy.id, "relation": "translation",
                          "evidence": f"reads like a translation from {origin}; the original"
                                      " is not in this story"})
    return found


def _relation(
    a: Article, b: Article, ga: set[int], gb: set[int], names: float, prov_a: dict[str, Any],
    prov_b: dict[str, Any],
) -> tuple[str, str] | None:
    same_language = not a.language or not b.language or a.language == b.language
    if same_language and ga and gb:
        shared = len(ga & gb) / min(len(ga), len(gb))
        if shared >= 0.8:
            return "near-duplicate", f"{shared:.0%} of word 4-grams shared"
        if shared >= 0.25:
            return "rewrite", f"{shared:.0%} of word 4-grams shared"
        wire = prov_a.get("wire_agency")
        if wire and wire == prov_b.get("wire_agency") and names >= 0.45:
            return "same wire agency", f"both from {wire}; names and numbers overlap {names:.2f}"
        return None
    source_language = prov_b.get("likely_translation_from")
    if not same_language and names >= 0.45 and source_language in (None, a.language):
        why = f"names and numbers overlap {names:.2f}"
        if source_language == a.language:
            signals = prov_b.get("translation_signals") or []
            why += "; reads like a translation from " + str(source_language)
            if signals:
                why += f" ({'; '.join(str(s) for s in signals[:2])})"
            return "translation", why
        return "same content in another language", why
    return None


def provenance_of(
    articles: list[Article], provenance: Callable[[Article], dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    return {a.id: provenance(a) for a in articles}
