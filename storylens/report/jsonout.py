"""The JSON contract of DESIGN.md for analyses and comparisons."""

from __future__ import annotations

from typing import Any

from storylens.model import Article, Comparison


def article_header(article: Article) -> dict[str, Any]:
    dateline = article.dateline
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "source": article.source,
        "language": article.language,
        "published": article.published,
        "dateline": {"place": dateline.place if dateline else None, "agency": dateline.agency if dateline else None},
    }


def analysis(article: Article) -> dict[str, Any]:
    return {
        **article_header(article),
        "sentences": [
            {"index": s.index, "start": s.start, "end": s.end, "text": article.text[s.start : s.end]}
            for s in article.sentences
        ],
        "lemmas": [[t.text, t.lemma] for t in article.tokens],
        "entities": [
            {**e.as_dict(), "mentions": [m.as_dict() for m in article.mentions if m.entity_id == e.id]}
            for e in article.entities
        ],
        "figures": [f.as_dict() for f in article.figures],
        "dates": [d.as_dict() for d in article.dates],
        "quotes": [q.as_dict() for q in article.quotes],
        "analysed_chars": article.analysed_chars,  # null: the whole text was analysed
    }


def comparison(c: Comparison) -> dict[str, Any]:
    sim = c.similarity
    return {
        "articles": [article_header(c.a), article_header(c.b)],
        "similarity": {
            **sim.dimensions,
            "same_story": sim.same_story,
            "confidence": sim.confidence,
            "evidence": sim.evidence,
        },
        "entities": c.entities,
        "figures": c.figures,
        "quotes": c.quotes,
        "alignment": list(c.alignment),
        "provenance": c.provenance,
    }
