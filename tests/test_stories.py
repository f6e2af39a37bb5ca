"""The incremental clusterer and the ingest pipeline, with a deterministic bag-of-words embedder
so that which articles belong together is decided by the test, not by a model."""

from __future__ import annotations

import hashlib
import json
import os
import re
from contextlib import closing

import numpy as np
import pytest

from storylens.cluster.embedding import Recipe, names_vector
from storylens.cluster.pipeline import Ingestor, list_stories, story_view
from storylens.cluster.stream import StreamClusterer, story_id_for
from storylens.errors import Code
from storylens.ingest.folder import Failure
from storylens.model import Article, Mention, Sentence, fingerprint
from storylens.nlp.pipeline import ANALYSIS_VERSION
from storylens.store import SQLStore, open_store
from storylens.store.base import StoreError

DIM = 256


class BagEmbedder:
    """Hashed word counts, unit length: texts sharing words get a high cosine."""

    name = "bag"
    dim = DIM

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
            out[i] /= max(float(np.linalg.norm(out[i])), 1e-9)
        return out


def words(prefix: str, n: int = 10) -> str:
    return " ".join(f"{prefix}{i}" for i in range(n))


def article(text: str, date: str | None = None, title: str | None = None) -> Article:
    return Article(id=fingerprint(text), text=text, title=title, published=date)


def vec(text: str) -> np.ndarray:
    return BagEmbedder().encode([text])[0]


def clusterer(**kw: object) -> StreamClusterer:
    params: dict[str, object] = {"threshold": 0.45, "merge_threshold": 0.45, "index": "exact",
                                 "dim": DIM, "window_days": 14}
    params.update(kw)
    return StreamClusterer(**params)  # type: ignore[arg-type]


def test_init_only_stores_parameters() -> None:
    c = clusterer()
    assert not [k for k in vars(c) if k.endswith("_")]
    assert c.threshold == 0.45


def test_join_new_and_merge_bridge() -> None:
    c = clusterer()
    texts = [words("a"), words("b"), words("a", 5) + " " + words("b", 5)]
    ids = [fingerprint(t) for t in texts]
    d = c.partial_fit([1, 2, 3], ids, np.stack([vec(t) for t in texts]), [None] * 3)
    assert d[0].created and d[1].created
    assert d[0].story_id == story_id_for(ids[0])
    bridge = d[2]
    assert not bridge.created
    # The older story survives; the other keeps resolving to it.
    assert bridge.story_id == d[0].story_id
    assert bridge.merged == (d[1].story_id,)
    assert c.resolve(d[1].story_id) == d[0].story_id
    assert c.assign(np.stack([vec(words("b"))]), [None]) == [d[0].story_id]
    assert c.assign(np.stack([vec(words("z"))]), [None]) == [None]


def test_average_linkage_stops_chaining() -> None:
    texts = [words("a"), words("a", 5) + " " + words("x", 5), words("x")]
    vectors = np.stack([vec(t) for t in texts])
    keys, ids, days = [1, 2, 3], ["a", "c", "x"], [None] * 3
    single = clusterer(merge_threshold=0.9).partial_fit(keys, ids, vectors, days)
    assert not single[2].created, "single link chains x onto a through the middle article"
    d = clusterer(merge_threshold=0.9, linkage="average").partial_fit(keys, ids, vectors, days)
    assert not d[1].created and d[2].created


def test_story_link_mixes_centroid_and_mean_cosine() -> None:
    """Eight reports of a topic (pairwise cosine 0.64, each with an angle of its own) form one
    story either way.  An article on the topic that is close to one member (0.58) fits the
    centroid (0.51) but not the members on average (0.42): the centroid alone lets the story
    grow into a topic, the mixed link (share 0.25: 0.44) keeps the article out."""
    basis = np.eye(DIM, dtype=np.float32)
    members = [0.8 * basis[0] + 0.6 * basis[i] for i in range(1, 9)]
    article_x = 0.5 * basis[0] + 0.3 * basis[1] + float(np.sqrt(1 - 0.25 - 0.09)) * basis[20]
    vectors = np.stack([*members, article_x])
    keys, ids = list(range(1, 10)), [f"m{i}" for i in range(1, 9)] + ["x"]
    for share, joins in ((1.0, True), (0.25, False), (0.0, False)):
        c = clusterer(linkage="average", merge_threshold=0.9, centroid_share=share)
        d = c.partial_fit(keys, ids, vectors, [None] * 9)
        assert len({c.resolve(x.story_id) for x in d[:8]}) == 1, share
        assert (not d[8].created) == joins, share
        if share == 1.0:
            assert d[8].score == pytest.approx(float(sum(members) @ article_x)
                                               / float(np.linalg.norm(sum(members))), abs=1e-5)
    # A tight story still takes a close report under the mixed link.
    tight = [0.95 * basis[0] + float(np.sqrt(1 - 0.95**2)) * basis[i] for i in range(1, 9)]
    close = 0.9 * basis[0] + float(np.sqrt(1 - 0.81)) * basis[30]
    c = clusterer(linkage="average", merge_threshold=0.9, centroid_share=0.25)
    d = c.partial_fit(keys, ids, np.stack([*tight, close]), [None] * 9)
    assert not d[8].created and d[8].story_id == d[0].story_id


def test_story_sizes_follow_merges_and_restarts() -> None:
    """The member counts behind the mean cosine survive a merge and a warm start."""
    c = clusterer(linkage="average", centroid_share=0.25, merge_threshold=0.5)
    texts = [words("a"), words("b"), words("a", 6) + " " + words("b", 6)]
    d = c.partial_fit([1, 2, 3], [fingerprint(t) for t in texts], np.stack([vec(t) for t in texts]),
                      [None] * 3)
    assert d[2].merged, "the bridge merges the two stories"
    assert c.sizes_ == {d[2].story_id: 3}
    rows = [(k, x.story_id, None, vec(t))
            for k, x, t in zip([1, 2, 3], d, texts, strict=True)]
    warm = clusterer(linkage="average", centroid_share=0.25).warm_start(
        rows, {m: d[2].story_id for m in d[2].merged})
    assert warm.sizes_ == c.sizes_


def test_time_window_keeps_old_stories_out() -> None:
    c = clusterer(window_days=7)
    text = words("w")
    d = c.partial_fit([1, 2], ["x1", "x2"], np.stack([vec(text), vec(text + " extra")]), [0, 30])
    assert d[1].created, "an article 30 days later must not join a 7-day window"
    d3 = c.partial_fit([3], ["x3"], np.stack([vec(text)]), [31])
    assert d3[0].story_id == d[1].story_id


def test_late_article_finds_its_story_below_capacity() -> None:
    """An archive arrives out of date order: a January article after June ones still meets its
    January partner, because the index keeps articles up to ``capacity``."""
    c = clusterer(window_days=7, capacity=100)
    text = words("w")
    first = c.partial_fit([1], ["jan1"], np.stack([vec(text)]), [0])
    c.partial_fit([2, 3], ["jun1", "jun2"], np.stack([vec(words("j")), vec(words("k"))]), [150, 151])
    late = c.partial_fit([4], ["jan2"], np.stack([vec(text + " extra")]), [2])
    assert late[0].story_id == first[0].story_id
    # The window still holds per pair: the same text dated in June starts its own story.
    assert c.partial_fit([5], ["jun3"], np.stack([vec(text)]), [152])[0].created


def test_index_drops_old_articles_only_above_capacity() -> None:
    c = clusterer(window_days=7, capacity=2)
    texts = [words(p) for p in "abcd"]
    c.partial_fit([1, 2, 3, 4], list("abcd"), np.stack([vec(t) for t in texts]), [0, 1, 50, 51])
    # Two articles outside the window of day 51 went; the capacity kept the index at two.
    assert len(c.index_) == 2
    assert c.partial_fit([5], ["a2"], np.stack([vec(texts[0])]), [1])[0].created


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    """A fresh SQLite file, or a fresh schema on the server named by STORYLENS_TEST_PG."""
    if request.param == "sqlite":
        yield str(tmp_path / "s.db")
        return
    if not os.environ.get("STORYLENS_TEST_PG"):
        pytest.skip("STORYLENS_TEST_PG is not set (.ci/run starts a server and sets it)")
    from storylens.store.postgres import scratch_schema

    with scratch_schema(os.environ["STORYLENS_TEST_PG"], "test") as scratch:
        yield scratch


@pytest.fixture()
def store(url):
    with open_store(url) as s:
        yield s


def stream() -> list[Article]:
    return [
        # No titles: the title is embedded too and would blur the designed overlaps.
        article(words("a"), "2024-03-01"),
        article(words("b"), "2024-03-01"),
        article(words("a", 9) + " more", "2024-03-02"),
        article(words("c"), "2024-03-03"),
        article(words("a", 5) + " " + words("b", 5), "2024-03-03"),
    ]


def ingestor(store: SQLStore) -> Ingestor:
    # Lead embedding only: the designed word overlaps decide, not names and numbers.
    return Ingestor(store, clusterer=clusterer(), embedder=BagEmbedder(), batch=2,
                    recipe=Recipe(names_weight=0.0))


def test_ingest_idempotent_summary_and_failures(store) -> None:
    items: list[Article | Failure] = [*stream(), Failure("bad.json line 3", "malformed")]
    summary = ingestor(store).run(items)
    assert (summary.new, summary.duplicates, len(summary.failed)) == (5, 0, 1)
    assert (summary.created, summary.merged) == (3, 1)
    again = ingestor(store).run(stream() + stream()[:1])
    assert (again.new, again.duplicates) == (0, 6)
    assert store.count() == 5
    found = list_stories(store)
    assert [s["size"] for s in found] == [4, 1]
    big = found[0]
    assert big["first_seen"] == "2024-03-01" and big["last_seen"] == "2024-03-03"
    articles = stream()
    assert {a["id"] for a in big["articles"]} == {articles[i].id for i in (0, 1, 2, 4)}
    assert big["id"] == story_id_for(articles[0].id)
    assert big["label"] == words("a")
    # The merged story id still resolves.
    merged = story_id_for(stream()[1].id)
    assert store.resolve(merged) == big["id"]


def test_a_story_named_by_an_untitled_opening_takes_the_first_title(store) -> None:
    """An untitled first article names its story by its opening; the first titled article that
    joins, or a titled story merged into it, gives it its title; later titles change nothing."""
    items = [
        article(words("a"), "2024-03-01"),
        article(words("b"), "2024-03-01", title="b0 b1 b2"),
        article(words("a", 9) + " more", "2024-03-02", title="a0 a1 a2"),
        article(words("a", 8) + " again", "2024-03-02", title="a3 a4 a5"),
    ]
    ingestor(store).run(items)
    (first, second) = list_stories(store)
    assert (first["label"], second["label"]) == ("a0 a1 a2", "b0 b1 b2")
    assert first["id"] == story_id_for(items[0].id)
    # The a/b bridge merges the b story into the a story, whose label is a title already.
    ingestor(store).run([article(words("a", 5) + " " + words("b", 5), "2024-03-03")])
    (merged,) = list_stories(store)
    assert merged["label"] == "a0 a1 a2" and merged["size"] == 5


def test_a_merged_titled_story_names_an_untitled_survivor(store) -> None:
    items = [article(words("a"), "2024-03-01"), article(words("b"), "2024-03-01", title="b0 b1 b2"),
             article(words("a", 5) + " " + words("b", 5), "2024-03-03")]
    ingestor(store).run(items)
    (merged,) = list_stories(store)
    assert merged["id"] == story_id_for(items[0].id) and merged["label"] == "b0 b1 b2"


def test_a_story_labelled_before_titles_were_kept_keeps_its_label(url) -> None:
    """A store made before ``label_titled`` gains the column, empty, and its stories keep the
    labels they have (whether those came from a title is not known)."""
    with open_store(url) as store:
        ingestor(store).run([article(words("a"), "2024-03-01")])
    _drop_column(url, "stories", "label_titled")
    with open_store(url, create=False) as store:
        ingestor(store).run([article(words("a", 9) + " more", "2024-03-02", title="a0 a1 a2")])
        (story,) = list_stories(store)
        assert story["label"] == words("a") and story["size"] == 2
        assert store.integrity() == "ok"


def test_restart_gives_the_same_stories(tmp_path, url) -> None:
    with open_store(tmp_path / "one.db") as one:
        ingestor(one).run(stream())
        expected = {a["id"]: s["id"] for s in list_stories(one) for a in s["articles"]}
    with open_store(url) as two:
        ingestor(two).run(stream()[:3])
    with open_store(url) as two:  # a new process: state rebuilt from the store
        ingestor(two).run(stream())
        got = {a["id"]: s["id"] for s in list_stories(two) for a in s["articles"]}
    assert got == expected


def test_changed_vector_settings_are_refused_and_nothing_is_lost(store) -> None:
    ingestor(store).run(stream()[:3])
    before = {a["id"]: s["id"] for s in list_stories(store) for a in s["articles"]}
    with pytest.raises(StoreError) as err:
        Ingestor(store, clusterer=clusterer(), embedder=BagEmbedder(), batch=2,
                 recipe=Recipe(names_weight=0.0, sentences=3))
    assert err.value.code is Code.E018
    assert "sentences=3" in str(err.value) and "sentences=10" in str(err.value)
    # The store is untouched, and the original settings still ingest into it.
    assert {a["id"]: s["id"] for s in list_stories(store) for a in s["articles"]} == before
    assert ingestor(store).run(stream()).new == 2


def test_analyses_of_an_older_analysis_version_are_redone_on_view(store) -> None:
    ingestor(store).run(stream()[:2])
    seq = next(r["seq"] for s in list_stories(store) for r in store.story_articles(s["id"]))
    # A store whose article was analysed by an earlier version of the analysis.
    store.pin_analysis_version(ANALYSIS_VERSION - 1)
    old = store.article_at(seq)
    stale = old.replace(sentences=(Sentence(0, 5, 0),),
                        mentions=(Mention(0, 5, old.text[:5], "PER", "stale", 0),))
    store.save_analysis(stale)
    assert store.article_at(seq).mentions == stale.mentions
    # The current version marks it stale: it reads back without the old analysis ...
    store.pin_analysis_version(ANALYSIS_VERSION)
    assert not store.article_at(seq).analysed
    # ... and the story view analyses it afresh and keeps the new analysis.
    story = next(s["id"] for s in list_stories(store) if seq in {r["seq"] for r in store.story_articles(s["id"])})
    story_view(store, story)
    fresh = store.article_at(seq)
    assert fresh.analysed and all(m.entity_id != "stale" for m in fresh.mentions)
    store.pin_analysis_version(ANALYSIS_VERSION)  # same version: nothing is reset
    assert store.article_at(seq).analysed


def test_warm_start_loads_the_window_and_the_newest_up_to_capacity(store) -> None:
    dated = [article(words(p), f"2024-0{m}-01") for p, m in zip("abcd", (1, 2, 5, 6), strict=True)]
    ingestor(store).run([*dated, article(words("u"))])  # plus one undated
    latest = store.latest_day()
    rows = list(store.vectors(latest - 14, newest=2))
    # June 1 is in the window; with it, May 1 is among the newest two; the undated one always loads.
    assert sorted(d for _, _, d, _ in rows if d is not None) == [latest - 31, latest]
    assert len(rows) == 3
    assert len(list(store.vectors(latest - 14, newest=0))) == 2


def test_failed_chunk_rolls_back_and_memory_follows_the_store(store, monkeypatch) -> None:
    ing = ingestor(store)
    ing.run(stream()[:2])
    calls = {"n": 0}
    place = store.place

    def flaky(*args: object, **kw: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # second article of the next chunk: the chunk is rolled back
            raise RuntimeError("disk full")
        place(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "place", flaky)
    reported: list[str] = []
    with pytest.raises(RuntimeError):
        ing.run(stream()[2:], done=lambda a, d: reported.append(a.id))
    assert store.count() == 2 and not reported and store.integrity() == "ok"
    monkeypatch.setattr(store, "place", place)
    again = ing.run(stream())
    assert (again.new, again.duplicates) == (3, 2)
    assert [s["size"] for s in list_stories(store)] == [4, 1]


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Beispiel-Zeitung</title><language>de</language>
<item><title>Unruhen in Kasachstan</title><link>https://example.org/a</link>
<pubDate>Mon, 10 Jan 2022 08:00:00 GMT</pubDate>
<description>&lt;p&gt;In Almaty kehrte am Montag nach fast einer Woche der Unruhen der Alltag
zurück, berichteten Augenzeugen.&lt;/p&gt;</description></item>
<item><title>kurz</title><link>https://example.org/b</link><description>zu kurz</description></item>
</channel></rss>"""


def test_feed_file_entries_and_failures(tmp_path) -> None:
    from storylens.ingest.folder import iter_articles

    (tmp_path / "feed.xml").write_text(RSS, encoding="utf-8")
    items = list(iter_articles([tmp_path]))
    arts = [i for i in items if isinstance(i, Article)]
    fails = [i for i in items if isinstance(i, Failure)]
    assert len(arts) == 1 and len(fails) == 1
    a = arts[0]
    assert (a.title, a.url, a.published, a.source) == (
        "Unruhen in Kasachstan", "https://example.org/a", "2022-01-10", "Beispiel-Zeitung"
    )
    assert "Almaty" in a.text and "<p>" not in a.text
    assert "entry 2" in fails[0].source


def test_fetch_refuses_loopback_and_serves_when_allowed(tmp_path) -> None:
    import http.server
    import threading
    from functools import partial

    from storylens.errors import InputError
    from storylens.ingest.fetch import fetch
    from storylens.ingest.folder import iter_articles

    (tmp_path / "feed.rss").write_text(RSS, encoding="utf-8")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.rss"
    try:
        with pytest.raises(InputError) as refused:
            fetch(url, 10_000)
        assert refused.value.code.name == "E015"
        with pytest.raises(InputError) as big:
            fetch(url, 100, allow_private=True)
        assert big.value.code.name == "E005"
        (failure,) = list(iter_articles([url]))
        assert isinstance(failure, Failure) and "E015" in failure.reason
        items = list(iter_articles([url], allow_private=True))
        assert [i.title for i in items if isinstance(i, Article)] == ["Unruhen in Kasachstan"]
    finally:
        server.shutdown()


FLOOD_DE = (
    "Nach tagelangem Regen ist die Donau in Passau über die Ufer getreten. Die Stadt ließ am "
    "Montag die Altstadt räumen, 1200 Anwohner mussten ihre Wohnungen verlassen. Der Pegel "
    "erreichte 9,80 Meter. Die Bundeswehr schickte 150 Soldaten zur Unterstützung."
)
FLOOD_EN = (
    "After days of rain the Danube burst its banks in Passau. On Monday the city had the old "
    "town evacuated, 1,200 residents had to leave their homes. The river reached 9.80 metres. "
    "The German army sent 150 soldiers to help."
)
MATCH_DE = (
    "Der FC Bayern München hat das Pokalspiel gegen den VfL Bochum mit 4:0 gewonnen. Harry Kane "
    "erzielte zwei Tore. Trainer Thomas Tuchel lobte die Defensive. Im Viertelfinale wartet nun "
    "ein Zweitligist."
)


def test_similarity_verifier_decides_uncertain_links_with_the_precise_scorer() -> None:
    from storylens.cluster.score import SimilarityVerifier

    by_key = {1: Article(id="1", text=FLOOD_DE, language="de"),
              2: Article(id="2", text=FLOOD_EN, language="en"),
              3: Article(id="3", text=MATCH_DE, language="de")}
    verifier = SimilarityVerifier(by_key.__getitem__, confirm_above=0.7)
    assert verifier(1, 3, 0.9, False)  # a confident link is taken as it is: nothing embedded
    assert verifier.calls == 0 and verifier.embedded == 0
    assert verifier(1, 2, 0.4, True)  # a translation the embedding underrates is one story
    assert not verifier(1, 3, 0.4, True)  # ... another story below the threshold stays apart
    assert not verifier(1, 3, 0.6, False)  # another story the embedding overrates is vetoed
    assert verifier(1, 2, 0.6, False)  # ... the same story above the threshold is kept
    assert verifier.calls == 4 and verifier.embedded == 3
    # A link above the threshold is kept when the scorer calls it the same story or nearly
    # (Overall below threshold + veto_margin); an addition needs the same story outright.
    near = SimilarityVerifier(by_key.__getitem__, confirm_above=0.7,
                              overall=lambda cosine, same: 2.3, threshold=2.25, veto_margin=0.1)
    assert near(1, 3, 0.6, False) and not near(1, 3, 0.4, True)
    beyond = SimilarityVerifier(by_key.__getitem__, confirm_above=0.7,
                                overall=lambda cosine, same: 2.3, threshold=2.15, veto_margin=0.1)
    assert not beyond(1, 3, 0.6, False)


def _pair_at(cosine: float) -> np.ndarray:
    a = np.zeros(DIM, np.float32)
    b = np.zeros(DIM, np.float32)
    a[0] = b[0] = 1.0
    b[0], b[1] = cosine, np.sqrt(1 - cosine**2)
    return np.stack([a, b])


@pytest.mark.parametrize(
    ("cosine", "answer", "verify_from", "joins", "asked"),
    [
        (0.40, None, None, False, 0),  # below the threshold, no verifier: a story of its own
        (0.40, True, 0.35, True, 1),  # ... the verifier may add the link from verify_from up
        (0.40, True, 0.42, False, 0),  # ... but not below verify_from
        (0.40, True, None, False, 0),  # ... nor without a verify_from
        (0.50, False, 0.35, False, 1),  # above the threshold, the verifier may veto
        (0.80, False, 0.35, True, 0),  # above confirm_above it is not asked
    ],
)
def test_verifier_adds_and_vetoes_links_in_the_uncertain_band(cosine, answer, verify_from, joins, asked) -> None:
    asked_pairs: list[tuple[int, int]] = []

    def verifier(key: int, other: int, score: float, adding: bool) -> bool:
        assert adding == (score < 0.45)  # the clusterer says which kind of decision it asks for
        if score >= 0.7:
            return True
        asked_pairs.append((key, other))
        return bool(answer)

    c = clusterer(verifier=verifier if answer is not None else None, verify_from=verify_from,
                  merge_threshold=0.59, linkage="average")
    first, second = c.partial_fit([1, 2], ["a", "b"], _pair_at(cosine), [None, None])
    assert first.created and second.created is not joins
    assert len(asked_pairs) == asked


def test_names_vector_unifies_inflections_and_skips_years() -> None:
    a = names_vector("Tokajew sprach in Kasachstan über 164 Tote im Jahr 2022.", 512)
    b = names_vector("Tokajews Rede: Kasachstans Regierung nennt 164 Tote, 2021.", 512)
    c = names_vector("Bayern München gewann gegen Dortmund.", 512)
    assert float(a @ b) > 0.6 > 0.1 > float(a @ c)
    assert float(names_vector("2021 2022", 512) @ names_vector("2021 2022", 512)) == 0.0


def test_recipe_weights_lead_and_names() -> None:
    from storylens.cluster.embedding import article_vectors

    texts = [("Titel", words("a") + ". Tokajew in Almaty."), ("Titel", words("a") + ". Biden.")]
    plain = article_vectors(BagEmbedder(), texts, Recipe(names_weight=0.0))
    mixed = article_vectors(BagEmbedder(), texts, Recipe(names_weight=0.5, names_dim=64))
    assert plain.shape == (2, DIM) and mixed.shape == (2, DIM + 64)
    assert np.allclose(np.linalg.norm(mixed, axis=1), 1.0, atol=1e-5)
    # cos = (1 - w) cos(lead) + w cos(names): the names disagree, so the mix is lower.
    assert float(mixed[0] @ mixed[1]) < float(plain[0] @ plain[1])


def test_out_of_window_neighbours_do_not_crowd_out_the_story() -> None:
    """Many near-identical articles from another month sit nearer than the real partner."""
    c = clusterer(window_days=7, k=3, capacity=100)
    base = words("w")
    old = [f"{base} {words('n', 3)} alt{i}" for i in range(6)]
    c.partial_fit(list(range(1, 7)), [f"old{i}" for i in range(6)], np.stack([vec(t) for t in old]), [0] * 6)
    partner = c.partial_fit([7], ["new1"], np.stack([vec(base + " " + words("n", 6))]), [100])
    # Nearest to this are the six old ones (out of the window); the partner is seventh.
    late = c.partial_fit([8], ["new2"], np.stack([vec(base + " " + words("n", 3))]), [101])
    assert late[0].story_id == partner[0].story_id


@pytest.mark.parametrize(
    ("languages", "cosine", "joins"),
    [
        (("de", "en"), 0.40, True),  # across languages, from threshold - margin up: one story
        (("de", "de"), 0.40, False),  # ... within a language the threshold holds
        (("de", "en"), 0.30, False),  # ... and below the margin nothing is asked
        (("de", None), 0.40, False),  # ... nor where a language is unknown
    ],
)
def test_language_verifier_lowers_the_bar_across_languages(languages, cosine, joins) -> None:
    from storylens.cluster.score import TraitVerifier

    by_key = {1: Article(id="1", text="x", language=languages[0]),
              2: Article(id="2", text="", language=languages[1])}
    verifier = TraitVerifier(by_key.__getitem__)
    c = clusterer(verifier=verifier, verify_from=0.37, merge_threshold=0.59, linkage="average")
    first, second = c.partial_fit([1, 2], ["a", "b"], _pair_at(cosine), [None, None])
    assert first.created and second.created is not joins
    assert verifier(1, 2, 0.9, False)  # it never vetoes a link the embedding made


@pytest.mark.parametrize(
    ("titles", "cosine", "joins"),
    [
        (("POL-HAM: Brand einer Garage", "POL-HAM: Büro-Dieb erwischt"), 0.6, False),
        (("POL-HAM: Brand einer Garage", "POL-HAM (ots): Nachtrag zum Garagenbrand"), 0.8, True),
        (("POL-HAM: Brand einer Garage", "POL-S: Brand einer Garage"), 0.6, True),  # two offices
        (("Aktien New York: Tiefer zu Beginn", "Aktien New York Schluss: Dow schwach"), 0.6, False),
        (("Coronavirus: Schulen schließen", "Coronavirus: Schulen bleiben zu"), 0.6, True),  # topic
    ],
)
def test_series_rule_asks_two_articles_of_one_series_for_a_close_match(titles, cosine, joins) -> None:
    from storylens.cluster.score import TraitVerifier

    by_key = {k: Article(id=str(k), text="Text.", title=t, language="de")
              for k, t in enumerate(titles, 1)}
    verifier = TraitVerifier(by_key.__getitem__, series_min_cosine=0.7)
    c = clusterer(verifier=verifier, merge_threshold=0.59, linkage="average")
    first, second = c.partial_fit([1, 2], ["a", "b"], _pair_at(cosine), [None, None])
    assert first.created and second.created is not joins


def test_series_keys() -> None:
    from storylens.cluster.series import series_key

    assert series_key("POL-Bremerhaven: Ins Hafenbecken gefallen") == "pol-bremerhaven"
    assert series_key("BPOLD-FL (ots): Mann ohne Fahrschein") == "bpold-fl"
    assert series_key("Devisen - Euro etwas fester") == "devisen"
    assert series_key("US-Anleihen: Kursverluste") == "us-anleihen"
    # headlines that merely start alike are no series
    assert series_key("Ölpreise sinken weiter deutlich") is None
    assert series_key("US-Wahl: Biden gewinnt") is None
    assert series_key("Aktien fallen in New York") is None


class FixedEmbedder:
    """Given vectors for given texts (each test article is one lead piece, no title)."""

    name = "fixed"
    dim = DIM

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vectors[t] for t in texts])


def test_ingest_joins_a_translation_across_a_restart(store) -> None:
    """Default settings: cross_language_margin lets a report and its English version (cosine 0.40,
    below the join threshold 0.45) form one story, also when the German one was stored by an
    earlier run (its language is then read from the store); two German reports at 0.40 do not."""
    de, en = _pair_at(0.40)
    other = np.zeros(DIM, np.float32)
    other[0], other[2] = 0.40, np.sqrt(1 - 0.40**2)  # 0.40 to the German report, 0.16 to the English
    texts = {"Hochwasser in Passau: die Altstadt wurde geräumt.": de,
             "Flooding in Passau: the old town was evacuated.": en,
             "Hochwasser in Passau: Anwohner verlassen die Häuser.": other}
    embedder = FixedEmbedder(texts)
    recipe = Recipe(names_weight=0.0)
    german, english, german_too = (
        Article(id=fingerprint(t), text=t, language=lang) for t, lang in zip(texts, ("de", "en", "de"), strict=True))
    Ingestor(store, clusterer=clusterer(linkage="average", merge_threshold=0.59), embedder=embedder,
             recipe=recipe).run([german])
    summary = Ingestor(store, clusterer=clusterer(linkage="average", merge_threshold=0.59),
                       embedder=embedder, recipe=recipe).run([english, german_too])
    story_of = store.assignments()
    assert story_of[english.id] == story_of[german.id]
    assert story_of[german_too.id] != story_of[german.id]
    assert summary.as_dict()["verified_links"] >= 1


def test_series_rule_keeps_an_article_out_of_a_story_that_holds_its_series_partner() -> None:
    """The second police report may not join through a third article that resembles both."""
    from storylens.cluster.score import TraitVerifier

    titles = {1: "POL-HAM: Brand einer Garage", 2: "Feuerwehr im Einsatz", 3: "POL-HAM: Dieb erwischt"}
    by_key = {k: Article(id=str(k), text="Text.", title=t, language="de") for k, t in titles.items()}
    unit = np.zeros((3, DIM), np.float32)
    unit[0, 0] = 1.0
    unit[1, :2] = (0.8, 0.6)  # 0.8 to the first report
    unit[2, :3] = (0.6, 0.8, 0.0)  # 0.6 to the first report, 0.96 to the middle article
    for with_rule, joins in ((0.0, True), (0.7, False)):
        c = clusterer(verifier=TraitVerifier(by_key.__getitem__, series_min_cosine=with_rule),
                      merge_threshold=0.59, linkage="average")
        first, middle, last = c.partial_fit([1, 2, 3], ["a", "b", "c"], unit, [None] * 3)
        assert not middle.created
        assert (last.story_id == first.story_id) is joins


def _drop_column(url: str, table: str = "articles", column: str = "title_names") -> None:
    """Make the store at ``url`` look like one made before ``column`` was added (by default:
    before ingest kept the names in titles)."""
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as db:
            db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        return
    import sqlite3

    with closing(sqlite3.connect(url)) as db:
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        db.commit()


def test_ingest_keeps_title_names_and_an_older_store_gains_the_column(url) -> None:
    text = "Der CDU-Politiker sprach in Erfurt über die Lage der Partei in Thüringen. " * 3
    first = Article(id=fingerprint(text), text=text, language="de",
                    title="Thüringen: Carsten Linnemann (CDU) gegen jede Zusammenarbeit")
    with open_store(url) as store:
        ingestor(store).run([first])
        (row,) = store.story_articles(list_stories(store)[0]["id"])
        stored = json.loads(row["title_names"])
        assert {"Thüringen", "Linnemann", "CDU"} <= set(stored) and "Carsten" not in stored
        (listed,) = list_stories(store)
        assert "Carsten" not in listed["top_entities"] and "Linnemann" in listed["top_entities"]
    _drop_column(url)
    with open_store(url, create=False) as store:  # a reader with write access adds it, empty
        (row,) = store.story_articles(list_stories(store)[0]["id"])
        assert row["title_names"] is None
        (listed,) = list_stories(store)  # the rules read the title instead
        assert "Carsten" in listed["top_entities"], "the rules' reading, as before the column"
        second = article(words("z"), "2024-03-01", title="Böller: Zwei Verletzte in Erfurt")
        assert ingestor(store).run([second]).new == 1
        assert store.integrity() == "ok" and store.count() == 2
        kept = {r["title"]: r["title_names"] for s in list_stories(store)
                for r in store.story_articles(s["id"])}
        assert kept[second.title] is not None and "Böller" not in json.loads(kept[second.title])


def test_an_article_without_a_title_is_listed_with_the_names_of_its_opening(store) -> None:
    """A dump without titles (10kGNAD) is listed under the opening of each text: the names are
    read there, so the listing is not left without names."""
    text = ("Wien – Bundeskanzler Werner Faymann hat am Montag in Brüssel mit der EU-Kommission "
            "über die Lage an der Grenze gesprochen. Die Gespräche sollen fortgesetzt werden.")
    ingestor(store).run([Article(id=fingerprint(text), text=text, language="de")])
    (row,) = store.story_articles(list_stories(store)[0]["id"])
    assert row["title"] is None
    stored = json.loads(row["title_names"])
    assert {"Wien", "Faymann", "Brüssel"} <= set(stored) and "Bundeskanzler" not in stored
    (listed,) = list_stories(store)
    assert "Faymann" in listed["top_entities"] and listed["label"].startswith("Wien")


def test_an_older_store_opened_read_only_is_refused_and_left_as_it_was(tmp_path) -> None:
    from storylens.store.sqlite import SQLiteStore

    path = tmp_path / "old.db"
    with open_store(path) as store:
        ingestor(store).run(stream()[:1])
    _drop_column(str(path))
    before = path.read_bytes()
    with pytest.raises(StoreError) as err:
        SQLiteStore(path, create=False, read_only=True)
    assert err.value.code is Code.E019 and "older storylens" in str(err.value)
    assert path.read_bytes() == before
    with open_store(path, create=False) as store:  # with write access it is brought up to date
        assert store.count() == 1 and store.integrity() == "ok"


def test_boilerplate_is_left_out_of_the_vectors_across_restarts(url) -> None:
    """Teaser stubs that end in one disclaimer: from the third unrelated one on (in a later
    run too) the disclaimer is not embedded, so the stubs no longer make one story of it."""
    disclaimer = " ".join(["Disclaimer"] + [f"legal{i}" for i in range(12)]) + "."
    stubs = [article(f"{words(p)} teaser. {disclaimer}", "2024-03-01") for p in "pqrstu"]
    with open_store(url) as store:
        ingestor(store).run(stubs[:2])
    with open_store(url) as store:  # a new process: the contexts come from the store
        ingestor(store).run(stubs[2:])
        story_of = {a["id"]: s["id"] for s in list_stories(store) for a in s["articles"]}
        # The first two were embedded with the disclaimer (half their words) and joined.
        assert story_of[stubs[0].id] == story_of[stubs[1].id]
        assert len({story_of[a.id] for a in stubs[2:]} | {story_of[stubs[0].id]}) == 5
        assert store.article(stubs[4].id).text == stubs[4].text  # stored as it came


def test_an_older_store_without_the_boilerplate_table_is_read_and_gains_it(tmp_path) -> None:
    import sqlite3

    from storylens.store.sqlite import SQLiteStore

    path = tmp_path / "old.db"
    with open_store(path) as store:
        ingestor(store).run(stream()[:1])
    with closing(sqlite3.connect(path)) as db:
        db.execute("DROP TABLE lead_sentences")
        db.commit()
    with closing(SQLiteStore(path, create=False, read_only=True)) as reader:
        assert reader.count() == 1  # a reader needs no boilerplate table
    with open_store(path, create=False) as store:
        assert ingestor(store).run(stream()).new == 4 and store.integrity() == "ok"
