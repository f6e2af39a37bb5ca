"""The SQLite store: integrity, resolution of merged ids, and kill -9 at random moments."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from storylens.model import Article, fingerprint
from storylens.store import open_store
from storylens.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[1]


def test_store_round_trip_and_merge_resolution(tmp_path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
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


def test_failed_transaction_leaves_nothing(tmp_path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.insert_article(Article(id="x", text="some text"), np.ones(4), None)
            raise RuntimeError("crash between the article and its story")
        assert store.count() == 0 and not store.has("x")


def test_open_store_refuses_postgres_for_now(tmp_path) -> None:
    from storylens.errors import ConfigError

    with pytest.raises(ConfigError):
        open_store("postgresql://localhost/x")
    open_store(f"sqlite:///{tmp_path / 'u.db'}").close()
    assert (tmp_path / "u.db").exists()


# The child ingests with a hashed bag-of-words embedder (fast, no model load) and prints each
# article id once its transaction has committed: "reported done".
DRIVER = r"""
import hashlib, re, sys
import numpy as np
from storylens.cluster.pipeline import Ingestor
from storylens.cluster.stream import StreamClusterer
from storylens.ingest.folder import iter_articles
from storylens.store.sqlite import SQLiteStore

class Bag:
    name, dim = "bag", 128
    def encode(self, texts):
        out = np.zeros((len(texts), 128), np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.lower()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 128] += 1
            out[i] /= max(np.linalg.norm(out[i]), 1e-9)
        return out

store = SQLiteStore(sys.argv[1])
c = StreamClusterer(threshold=0.5, merge_threshold=0.6, index="hnsw", dim=128)
ing = Ingestor(store, clusterer=c, embedder=Bag(), batch=8)
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


def _run(db: Path, data: Path, kill_after: float | None) -> tuple[list[str], bool]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db), str(data)],
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
        started.wait(60)
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    proc.wait(120)
    thread.join(10)
    finished = "FINISHED" in lines
    if kill_after is None:
        assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return [x for x in lines if x and x != "FINISHED"], finished


def _check(db: Path) -> tuple[int, set[str]]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [r[0] for r in con.execute("SELECT id FROM articles")]
        assert len(ids) == len(set(ids))
        # Every stored article belongs to a live story and the story sizes add up.
        orphans = con.execute(
            "SELECT COUNT(*) FROM articles a LEFT JOIN stories s ON s.id = a.story_id"
            " WHERE s.id IS NULL OR s.merged_into IS NOT NULL"
        ).fetchone()[0]
        assert orphans == 0
        total = con.execute("SELECT sum(size) FROM stories WHERE merged_into IS NULL").fetchone()[0]
        assert (total or 0) == len(ids)
        return len(ids), set(ids)
    finally:
        con.close()


def test_kill_9_at_random_moments_then_complete(tmp_path) -> None:
    data = tmp_path / "stream.jsonl"
    expected = set(_corpus(data, 800))
    db = tmp_path / "crash.db"
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


def test_readers_see_consistent_snapshots_during_ingest(tmp_path) -> None:
    data = tmp_path / "stream.jsonl"
    _corpus(data, 1500)
    db = tmp_path / "live.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(db), str(data)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seen = []
    try:
        while proc.poll() is None and len(seen) < 200:
            if not db.exists():
                time.sleep(0.01)
                continue
            con = sqlite3.connect(db, timeout=30)
            try:
                con.execute("BEGIN")  # one read snapshot for both queries
                count = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
                sizes = con.execute(
                    "SELECT coalesce(sum(size), 0) FROM stories WHERE merged_into IS NULL"
                ).fetchone()[0]
                con.execute("COMMIT")
            except sqlite3.OperationalError:  # schema not created yet
                con.close()
                time.sleep(0.01)
                continue
            con.close()
            assert count == sizes
            seen.append(count)
            time.sleep(0.005)
    finally:
        proc.wait(120)
    assert proc.returncode == 0
    assert len(set(seen)) > 1, "the reader never overlapped the writer"


def test_second_writer_is_refused(tmp_path) -> None:
    from storylens.store.sqlite import StoreError

    one, two = SQLiteStore(tmp_path / "w.db"), SQLiteStore(tmp_path / "w.db")
    one.claim_writer()
    with pytest.raises(StoreError, match="E017"):
        two.claim_writer()
    assert two.count() == 0  # reading is still fine
    one.close()
    two.claim_writer()
    two.close()
