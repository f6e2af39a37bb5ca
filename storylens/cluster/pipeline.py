"""Ingest: articles -> (deduplicate, embed title + lead, cluster) -> store, one commit a chunk.

Where the time goes (measured, see benchmarks/scale_RESULTS.md): embedding dominates, so
chunks of articles are embedded by worker processes while earlier chunks are clustered and
written, and only as much text as the clustering needs (title + lead) is embedded
(:mod:`storylens.cluster.embedding`), less the boilerplate sentences of the lead
(:mod:`storylens.cluster.boilerplate`). Full analysis is not run at ingest; ``story``
analyses a story's articles on first read and stores the result, so nothing is computed twice.
Ingest does read the names in each title (:mod:`storylens.nlp.headlines`, German through the
NER model) for the story listings.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from storylens.cluster.boilerplate import BoilerplateFilter, LeadRows
from storylens.cluster.embedding import EmbedQueue, Recipe, article_vectors
from storylens.cluster.score import article_language
from storylens.cluster.stream import Decision, StreamClusterer, Verifier
from storylens.config import settings
from storylens.embed import Embedder
from storylens.ingest.folder import Failure, Item
from storylens.model import Article
from storylens.nlp import names
from storylens.nlp.dateline import find_dateline
from storylens.nlp.dates import parse_published
from storylens.nlp.headlines import headline_names
from storylens.store.base import SQLStore


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
    verified: int | None = None  # uncertain links the verifier decided; None without one

    def as_dict(self) -> dict[str, Any]:
        out = {
            "new": self.new,
            "duplicates": self.duplicates,
            "failed": [{"source": f.source, "reason": f.reason} for f in self.failed],
            "stories": {"created": self.created, "grown": self.grown, "merged": self.merged},
            "seconds": round(self.seconds, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }
        if self.verified is not None:
            out["verified_links"] = self.verified
        return out


def recipe_from_settings(**overrides: Any) -> Recipe:
    cfg = settings().stories
    params: dict[str, Any] = {
        "sentences": cfg.lead_sentences, "chars": cfg.lead_chars,
        "names_weight": cfg.names_weight, "names_dim": cfg.names_dim,
    }
    params.update(overrides)
    return Recipe(**params)


def describe(backend: str, recipe: Recipe) -> str:
    """The vector recipe as stored with a store: backend and lead settings, compact."""
    fields = ", ".join(f"{k}={v}" for k, v in sorted(asdict(recipe).items()))
    return f"{backend} ({fields})"


def embed_articles(embedder: Embedder, articles: list[Article], recipe: Recipe) -> np.ndarray:
    """The clustering vectors of ``articles``, in this process."""
    return article_vectors(embedder, [(a.title, a.text) for a in articles], recipe)


def article_day(article: Article) -> int | None:
    date, precision = parse_published(article.published)
    # Month- or year-only dates are too coarse for the time window: treat them as unknown.
    return date.toordinal() if date is not None and precision == "day" else None


def story_label(article: Article, limit: int = 100) -> str:
    """What a new story is called: its first article's title, else the start of its text after
    the dateline ("Nur-Sultan (Reuters) -"), cut at a word boundary."""
    dateline = None if article.title else find_dateline(article.text)
    return article.headline(limit, dateline.end if dateline else 0)


def _listed_opening(article: Article) -> str:
    """Where an untitled article's listing names are read: the opening its label shows, without
    a first name the label's cut has parted from its surname ("Nischnij Tagil – Daniela …")."""
    label = story_label(article)
    words = label.split()
    if len(words) > 2 and words[-1] == "…" and names.is_first_name(words[-2]) and not names.is_first_name(words[-3]):
        return " ".join(words[:-2])  # not "Hillary Clinton …", whose Clinton is a first name too
    return label


def clusterer_from_settings(**overrides: Any) -> StreamClusterer:
    cfg = settings().stories
    params: dict[str, Any] = {
        "threshold": cfg.threshold,
        "merge_threshold": cfg.merge_threshold,
        "window_days": cfg.window_days,
        "k": cfg.neighbours,
        "index": cfg.ann,
        "linkage": cfg.linkage,
        "centroid_share": cfg.centroid_share,
        "capacity": cfg.index_capacity,
        "verify_from": cfg.verify_from,
    }
    params.update(overrides)
    return StreamClusterer(**params)


def verifier_from_settings(
    store: SQLStore, clusterer: StreamClusterer, verify: bool | None = None
) -> Verifier | None:
    """The second opinion on uncertain links: the precise scorer with ``verify`` (default
    ``stories.verify``), else the trait verifier (languages, series) where
    ``stories.cross_language_margin`` or ``stories.series_min_cosine`` is set; either reads
    stored articles by key. Sets the clusterer's ``verify_from`` to match."""
    from storylens.cluster.score import SimilarityVerifier, TraitVerifier

    cfg = settings().stories
    if cfg.verify if verify is None else verify:
        return SimilarityVerifier(store.article_at, cfg.confirm_above, veto_margin=cfg.veto_margin,
                                  series_min_cosine=cfg.series_min_cosine)
    margin = cfg.cross_language_margin
    clusterer.verify_from = round(clusterer.threshold - margin, 6) if margin > 0 else None
    if margin > 0 or cfg.series_min_cosine > 0:
        return TraitVerifier(store.article_at, cfg.series_min_cosine)
    return None


def load_clusterer(store: SQLStore, clusterer: StreamClusterer) -> StreamClusterer:
    """Warm-start from the store: the store is the truth, memory is rebuilt from it."""
    # The same articles a continuous run holds in its index: the time window, undated ones, and
    # the newest up to the index capacity. Older ones stay on disk, which keeps a restart's
    # cost bounded by window and capacity rather than by the whole history.
    latest = store.latest_day()
    horizon = None if latest is None else latest - clusterer.window_days
    rows = store.vectors(horizon, newest=clusterer.capacity)
    decoded = ((k, s, d, np.frombuffer(v, dtype=np.float32)) for k, s, d, v in rows)
    return clusterer.warm_start(decoded, store.merged_map())


class Ingestor:
    """Articles in, stories out: the ``storylens ingest`` pipeline.

    ``embedder`` replaces the configured backend (and its worker processes) by an object in
    this process; tests and benchmarks use it for deterministic or cheap vectors.
    """

    def __init__(
        self, store: SQLStore, clusterer: StreamClusterer | None = None,
        embedder: Embedder | None = None, lead_chars: int | None = None, batch: int | None = None,
        verify: bool | None = None, recipe: Recipe | None = None, workers: int | None = None,
    ) -> None:
        cfg = settings().stories
        store.claim_writer()  # before loading state: nobody may write behind our back
        self.store = store
        clusterer = clusterer or clusterer_from_settings()
        if clusterer.verifier is None:
            clusterer.verifier = verifier_from_settings(store, clusterer, verify)
        self.clusterer = load_clusterer(store, clusterer)
        self.embedder = embedder
        self.recipe = recipe or recipe_from_settings(**({"chars": lead_chars} if lead_chars else {}))
        backend = embedder.name if embedder is not None else settings().embedding.backend
        store.pin_vector_recipe(describe(backend, self.recipe))
        from storylens.nlp.pipeline import ANALYSIS_VERSION

        store.pin_analysis_version(ANALYSIS_VERSION)  # older analyses marked stale at once
        self.boilerplate = BoilerplateFilter(
            store.lead_contexts, after=cfg.boilerplate_after,
            sentences=self.recipe.sentences, chars=self.recipe.chars)
        self.workers = cfg.embed_workers if workers is None else workers
        self.batch = batch or cfg.batch
        self._seen: set[str] = set()  # ids read but not yet committed
        # The language verifier learns each new article's language as it is placed.
        self._remember: Callable[[int, Article], None] | None = getattr(
            self.clusterer.verifier, "remember", None)

    def run(
        self, items: Iterable[Item], progress: Callable[[Summary], None] | None = None,
        done: Callable[[Article, Decision], None] | None = None,
    ) -> Summary:
        """Ingest ``items``; ``done`` is called for each article once it is committed."""
        summary = Summary()
        verifier = self.clusterer.verifier
        calls_before = getattr(verifier, "calls", None)
        start = time.perf_counter()
        stream: Iterator[Item] = iter(items)
        queue = EmbedQueue(self.recipe, embedder=self.embedder,
                           backend=settings().embedding.backend, workers=self.workers)
        # Embedding (>90 % of the time) of the next chunks runs beside reading, clustering and
        # writing the current one.
        inflight: deque[tuple[list[Article], list[list[str]], LeadRows, Future[np.ndarray]]] = deque()
        more = True
        try:
            # One BLAS thread here while embedding workers run: they have the cores, and the
            # tagger's small matrices in this process only spin threads against them (10k
            # articles: 148 -> 206 articles/s; benchmarks/scale_RESULTS.md, session 15).
            with queue, threadpool_limits(limits=1) if self.workers else nullcontext():
                while True:
                    while more and len(inflight) < queue.depth:
                        prepared = self._prepare(stream, summary, queue)
                        if prepared is None:
                            more = False
                        else:
                            inflight.append(prepared)
                    if not inflight:
                        break
                    fresh, title_names, lead_rows, future = inflight.popleft()
                    t0 = time.perf_counter()
                    vectors = future.result()
                    summary.timings["embed"] += time.perf_counter() - t0
                    self._place(fresh, title_names, lead_rows, vectors, summary, done)
                    summary.seconds = time.perf_counter() - start
                    if progress:
                        progress(summary)
        finally:
            self._seen.clear()  # chunks read ahead but never placed may come again
            self.boilerplate.forget_pending()
        if calls_before is not None:
            summary.verified = getattr(verifier, "calls", 0) - calls_before
        return summary

    def _prepare(
        self, stream: Iterator[Item], summary: Summary, queue: EmbedQueue
    ) -> tuple[list[Article], list[list[str]], LeadRows, Future[np.ndarray]] | None:
        """Read the next chunk, drop failures and duplicates, start embedding the rest (without
        their boilerplate sentences) and read the names in their titles meanwhile."""
        t0 = time.perf_counter()
        chunk = list(islice(stream, self.batch))  # reading and parsing happen here
        t1 = time.perf_counter()
        summary.timings["read"] += t1 - t0
        if not chunk:
            return None
        articles = [item for item in chunk if not isinstance(item, Failure)]
        summary.failed.extend(item for item in chunk if isinstance(item, Failure))
        stored = self.store.known([a.id for a in articles])
        fresh: list[Article] = []
        for article in articles:
            if article.id in stored or article.id in self._seen:
                summary.duplicates += 1
            else:
                self._seen.add(article.id)
                fresh.append(article)
        t2 = time.perf_counter()
        summary.timings["dedupe"] += t2 - t1
        leads, lead_rows = self.boilerplate.strip([(a.title, a.text) for a in fresh])
        t3 = time.perf_counter()
        summary.timings["boilerplate"] += t3 - t2
        future = queue.submit(leads, large=len(chunk) == self.batch)
        t4 = time.perf_counter()
        title_names = headline_names([a.title or _listed_opening(a) for a in fresh],
                                     [article_language(a) for a in fresh], [a.text for a in fresh])
        summary.timings["names"] += time.perf_counter() - t4
        return fresh, title_names, lead_rows, future

    def _place(
        self, fresh: list[Article], title_names: list[list[str]], lead_rows: LeadRows,
        vectors: np.ndarray, summary: Summary, done: Callable[[Article, Decision], None] | None,
    ) -> None:
        """Cluster and write one chunk in one transaction (group commit), then report it.

        Nothing is reported done before its commit, so a kill -9 loses at most the chunk in
        flight, which was never reported. Memory runs ahead of the disk inside the chunk (the
        next article may join a story the previous one started); if the transaction fails,
        memory is rebuilt from the store, which stays the truth.
        """
        decisions: list[Decision] = []
        cluster = store = 0.0
        try:
            with self.store.transaction():
                for article, found, vector in zip(fresh, title_names, vectors, strict=True):
                    day = article_day(article)
                    t0 = time.perf_counter()
                    key = self.store.insert_article(article, vector, day, found)
                    if self._remember is not None:
                        self._remember(key, article)
                    t1 = time.perf_counter()
                    decision = self.clusterer.propose(key, article.id, vector, day)
                    t2 = time.perf_counter()
                    self.store.place(key, decision.story_id, list(decision.merged), decision.created,
                                     story_label(article), titled=bool(article.title))
                    t3 = time.perf_counter()
                    self.clusterer.commit(decision, vector, day)
                    cluster += (t2 - t1) + (time.perf_counter() - t3)
                    store += (t1 - t0) + (t3 - t2)
                    decisions.append(decision)
                t4 = time.perf_counter()
                self.store.add_lead_contexts(lead_rows)
            store += time.perf_counter() - t4
        except BaseException:
            self.clusterer = load_clusterer(self.store, self.clusterer.clone())
            raise
        finally:
            # Committed (the store knows them now) or rolled back (they may come again).
            self._seen.difference_update(a.id for a in fresh)
            self.boilerplate.settle(lead_rows)
        summary.timings["cluster"] += cluster
        summary.timings["store"] += store
        for article, decision in zip(fresh, decisions, strict=True):
            summary.new += 1
            summary.created += decision.created
            summary.grown += not decision.created
            summary.merged += len(decision.merged)
            if done:
                done(article, decision)


def list_stories(
    store: SQLStore, since: str | None = None, min_size: int = 1
) -> list[dict[str, Any]]:
    from storylens.report.story import summary_entry

    with store.snapshot():  # the listing and each story's articles from one committed state
        return [
            summary_entry(s, store.story_articles(s["id"])) for s in store.stories(since, min_size)
        ]


# The fewest characters of a story id that name it (as "se41843628" names se41843628ab0c6f2).
MIN_ID_PREFIX = 4


def story_view(store: SQLStore, story_id: str) -> dict[str, Any]:
    """One story with analysed articles; analyses are computed once and kept in the store."""

    from storylens.cluster.relations import provenance_of, relations
    from storylens.compare.figures import figure_table
    from storylens.compare.provenance import provenance
    from storylens.errors import Code, ConfigError, NotFoundError
    from storylens.nlp.pipeline import ANALYSIS_VERSION, analyze
    from storylens.report.story import story_report
    from storylens.store.base import stored_article

    store.pin_analysis_version(ANALYSIS_VERSION)
    with store.snapshot():
        live = store.resolve(story_id)
        if live is None and len(story_id) >= MIN_ID_PREFIX:
            starting = store.story_ids_starting(story_id)
            if len(starting) > 1:
                more = " ..." if len(starting) > 2 else ""
                raise ConfigError(Code.E023, name=story_id, ids=", ".join(starting[:2]) + more)
            live = starting[0] if starting else None
        story = store.story_row(live) if live else None
        rows = store.story_articles(story["id"], full=True) if story else []
    if story is None:
        raise NotFoundError(Code.E014, what="Story", name=story_id)
    articles, vectors = [], []
    for row in rows:
        vectors.append(np.frombuffer(row.pop("vector"), np.float32))
        article = stored_article(row.pop("data"), row["analysed"])
        if not row["analysed"]:
            article = analyze(article)
            store.save_analysis(article)
        articles.append(article)
    origins = provenance_of(articles, provenance)
    return story_report(story, rows, articles, provenance=origins, asked=story_id,
                        relations=relations(articles, origins), vectors=vectors,
                        figures=figure_table(articles))
