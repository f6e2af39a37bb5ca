"""The stores (SQLite, and PostgreSQL where STORYLENS_TEST_PG names a server): integrity,
resolution of merged ids, group commit, readers during an ingest, and kill -9 at random moments."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from storylens.model import Article, fingerprint
from storylens.store import SQLStore, StoreError, open_store

REPO = Path(__file__).resolve().parents[1]
PG = os.environ.get("STORYLENS_TEST_PG")


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    """Where a test's store lives: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "s.db")
        return
    if not PG:
        pytest.skip("STORYLENS_TEST_PG is not set (.ci/run starts a server and sets it)")
    from storylens.store.postgres import scratch_schema

    with scratch_schema(PG, "test") as scratch:
        yield scratch


def test_store_round_trip_and_merge_resolution(url) -> None:
    with open_store(url) as store:
        arts = [Article(id=fingerprint(t), text=t, published=d, title=t[:6])
                for t, d in (("first text here", "2024-01-02"), ("second text", "2024-01-05"))]
        for i, a in enumerate(arts):
            with store.transaction():
                seq = store.insert_article(a, np.ones(4, np.float32), None)
                store.place(seq, f"s{i}", [], created=True)
        with store.transaction():
            seq = store.insert_article(
                Article(id="c", text="bridge", published="2024-01-09"), np.ones(4), None
            )
            store.place(seq, "s0", ["s1"], created=False)
        assert store.resolve("s1") == "s0" and store.resolve("nope") is None
        (story,) = store.stories()
        span = (story["size"], story["first_seen"], story["last_seen"])
        assert span == (3, "2024-01-02", "2024-01-09")
        assert store.article(arts[1].id) == arts[1]
        assert store.integrity() == "ok"
        assert store.known([arts[0].id, "c", "nope"]) == {arts[0].id, "c"}


def test_stories_are_found_by_the_start_of_their_id(url) -> None:
    from storylens.cluster.pipeline import story_view
    from storylens.errors import ConfigError, NotFoundError

    with open_store(url) as store:
        for i, story_id in enumerate(("sab12cd", "sab12ce", "sab12ef", "sab9_x%", "sff00")):
            text = f"Artikel Nummer {i} über den Hafen."
            with store.transaction():
                seq = store.insert_article(Article(id=fingerprint(text), text=text, title=text),
                                           np.ones(4, np.float32), None)
                store.place(seq, story_id, [], created=True)
        with store.transaction():  # a merged story's id names the story it went into
            text = "Ein Brückenartikel."
            seq = store.insert_article(Article(id=fingerprint(text), text=text), np.ones(4), None)
            store.place(seq, "sff00", ["sab12ef"], created=False)
        assert store.story_ids_starting("sab1") == ["sab12cd", "sab12ce"]
        assert store.story_ids_starting("sab9_") == ["sab9_x%"]
        assert store.story_ids_starting("sab_") == [] and store.story_ids_starting("s%") == []
        assert story_view(store, "sab9")["id"] == "sab9_x%"
        assert story_view(store, "sab12cd")["id"] == "sab12cd"
        assert story_view(store, "sab12ef")["id"] == "sff00"
        with pytest.raises(ConfigError, match=r"\[E023\].*'sab12c'.*sab12cd, sab12ce"):
            story_view(store, "sab12c")
        for unknown in ("sab12e", "sxyz", "sab"):  # merged only; no such story; too short
            with pytest.raises(NotFoundError):
                story_view(store, unknown)


def test_failed_transaction_leaves_nothing(url) -> None:
    with open_store(url) as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.insert_article(Article(id="x", text="some text"), np.ones(4), None)
            raise RuntimeError("crash between the article and its story")
        assert store.count() == 0 and not store.has("x")


def test_open_store_urls_and_missing_stores(tmp_path) -> None:
    from storylens.errors import InputError, NotFoundError

    open_store(f"sqlite:///{tmp_path / 'u.db'}").close()
    assert (tmp_path / "u.db").exists()
    with pytest.raises(NotFoundError):
        open_store(tmp_path / "missing.db", create=False)
    # Nothing listens there: a one-line input error naming the URL, password redacted.
    with pytest.raises(InputError, match=r"E001.*postgresql://u:\*\*\*@127\.0\.0\.1:9/x"):
        open_store("postgresql://u:secret@127.0.0.1:9/x?connect_timeout=2")


# The child ingests with a hashed bag-of-words embedder (fast, no model load) and prints each
# article id once its transaction has committed: "reported done".
DRIVER = r"""
import hashlib, re, sys
import numpy as np
from storylens.cluster.embedding import Recipe
from storylens.cluster.pipeline import Ingestor
from storylens.cluster.stream import StreamClusterer
from storylens.ingest.folder import iter_articles
from storylens.store import open_store

class Bag:
    name, dim = "bag", 128
    def encode(self, texts):
        out = np.zeros((len(texts), 128), np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.lower()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 128] += 1
            out[i] /= max(np.linalg.norm(out[i]), 1e-9)
        return out

store = open_store(sys.argv[1])
c = StreamClusterer(threshold=0.5, merge_threshold=0.6, index="hnsw", dim=128)
ing = Ingestor(store, clusterer=c, embedder=Bag(), batch=8, recipe=Recipe(names_weight=0.0))
def done(article, decision):
    print(article.id, flush=True)
ing.run(iter_articles([sys.argv[2]]), done=done)
print("FINISHED", flush=True)
"""


def _corpus(path: Path, n: int) -> list[str]:
    rng = random.Random(5)
    ids = []
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            topic = rng.randrange(40)
            text = " ".join(f"t{topic}w{rng.randrange(12)}" for _ in range(30)) + f" n{i}."
            f.write(json.dumps({"text": text, "date": f"2024-02-{1 + i % 20:02d}"}) + "\n")
            ids.append(fingerprint(text))
    return ids


def _run(db: str, data: Path, kill_after: float | None) -> tuple[list[str], bool]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, db, str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    started = threading.Event()

    def reader() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line.strip())
            started.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    if kill_after is not None:
        while not started.wait(0.1):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else "driver died"
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    proc.wait(120)
    thread.join(10)
    finished = "FINISHED" in lines
    if kill_after is None:
        assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return [x for x in lines if x and x != "FINISHED"], finished


def _check(url: str) -> tuple[int, set[str]]:
    """The store opens, passes its integrity checks (SQLite's own and the story invariants:
    no duplicates, every article in a live story, sizes adding up) and lists its articles."""
    with open_store(url, create=False) as store:
        assert store.integrity() == "ok"
        ids = set(store.assignments())
        return store.count(), ids


def test_kill_9_at_random_moments_then_complete(url, tmp_path) -> None:
    data = tmp_path / "stream.jsonl"
    expected = set(_corpus(data, 800))
    db = url
    rng = random.Random(11)
    killed = 0
    for _ in range(4):
        reported, finished = _run(db, data, kill_after=rng.uniform(0.0, 0.4))
        killed += not finished
        _, stored = _check(db)
        assert set(reported) <= stored, "an article reported done was lost"
    reported, finished = _run(db, data, kill_after=None)
    assert finished
    count, stored = _check(db)
    assert stored == expected and count == len(expected)
    assert killed >= 1, "no run was actually interrupted; the test proved nothing"


def test_readers_see_consistent_snapshots_during_ingest(url, tmp_path) -> None:
    data = tmp_path / "stream.jsonl"
    _corpus(data, 1500)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, url, str(data)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seen = []
    reader: SQLStore | None = None
    try:
        # Read until the writer is done (a fixed number of reads could all fall into one pause
        # of a writer slowed by a loaded machine), within a time bound.
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if reader is None:
                try:
                    reader = open_store(url, create=False)
                except Exception:  # not created yet
                    time.sleep(0.01)
                    continue
            with reader.snapshot():  # one read snapshot for both queries
                count = reader.count()
                sizes = sum(s["size"] for s in reader.stories())
            assert count == sizes
            seen.append(count)
            time.sleep(0.005)
    finally:
        proc.wait(120)
        if reader is not None:
            reader.close()
    assert proc.returncode == 0
    assert len(set(seen)) > 1, "the reader never overlapped the writer"


def test_second_writer_is_refused(url) -> None:
    one, two = open_store(url), open_store(url)
    one.claim_writer()
    with pytest.raises(StoreError, match="E017"):
        two.claim_writer()
    assert two.count() == 0  # reading is still fine
    one.close()
    two.claim_writer()
    two.close()
