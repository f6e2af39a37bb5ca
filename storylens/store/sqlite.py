"""The embedded default store: one SQLite file in WAL mode.

Every article is written in its own transaction together with the story bookkeeping it causes,
so a ``kill -9`` at any moment leaves either the whole article (with its story) or nothing.
WAL mode lets readers (``storylens stories`` in another terminal) see the last committed state
while an ingest is writing.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from storylens.errors import Code, StorylensError
from storylens.model import Article


class StoreError(StorylensError):
    """The store cannot do what was asked right now."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    url TEXT, title TEXT, source TEXT, language TEXT, published TEXT,
    day INTEGER,                -- published date as a proleptic ordinal, NULL when unknown
    ingested_at TEXT NOT NULL,
    story_id TEXT,
    vector BLOB NOT NULL,
    data TEXT NOT NULL,         -- Article.as_dict() as JSON
    analysed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story_id);
CREATE INDEX IF NOT EXISTS articles_day ON articles(day);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    created_seq INTEGER NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    first_pub TEXT, last_pub TEXT,      -- publication dates of members, where known
    first_ing TEXT, last_ing TEXT,      -- ingest dates, for stories without any
    label TEXT,
    merged_into TEXT            -- set when merged: the id keeps resolving to the survivor
);
-- Seen dates: publication dates where known, the ingest date only for stories none of whose
-- articles carries one (mixing the two would stretch a 2022 story into today).
CREATE VIEW IF NOT EXISTS story_view AS
    SELECT id, size, coalesce(first_pub, first_ing) AS first_seen,
           coalesce(last_pub, last_ing) AS last_seen, label, merged_into, created_seq
    FROM stories;
"""

# Running min/max that ignore NULLs on either side; O(1) per article whatever the story size.
_FOLD = (
    "CASE WHEN {new} IS NULL THEN {col} WHEN {col} IS NULL THEN {new} ELSE {fn}({col}, {new}) END"
)


def _grow(prefix: str) -> str:
    """SET clause folding values named :{prefix}... into a story's running counters."""
    return ", ".join([
        f"size = size + :{prefix}size",
        *(
            f"{col} = " + _FOLD.format(col=col, new=f":{prefix}{col}", fn=fn)
            for col, fn in (("first_pub", "min"), ("last_pub", "max"),
                            ("first_ing", "min"), ("last_ing", "max"))
        ),
    ])


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SQLiteStore:
    """Articles, their vectors and analysis, and the stories they form."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per article.
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against process crashes in WAL mode (only power loss can lose the
        # last commits), and several times faster than FULL.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self.release_writer()
        self._db.close()

    def claim_writer(self) -> None:
        """Make this process the store's only ingester (readers are unaffected).

        Each ingest keeps the clusterer's state in memory, so two at once would each miss the
        other's articles; the second is refused instead. The OS drops the lock if we die.
        """
        import fcntl

        if getattr(self, "_lock", None) is not None:
            return
        handle = open(f"{self.path}.ingest-lock", "a")  # noqa: SIM115 - held until close
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise StoreError(Code.E017, db=self.path) from None
        self._lock = handle

    def release_writer(self) -> None:
        handle = getattr(self, "_lock", None)
        if handle is not None:
            handle.close()
            self._lock = None

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------

    def has(self, article_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def insert_article(self, article: Article, vector: np.ndarray, day: int | None) -> int:
        """Insert without a story yet (call inside :meth:`transaction`); returns its seq."""
        cur = self._db.execute(
            "INSERT INTO articles (id, url, title, source, language, published, day,"
            " ingested_at, vector, data, analysed) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                article.id, article.url, article.title, article.source, article.language,
                article.published, day, _now(), np.asarray(vector, np.float32).tobytes(),
                json.dumps(article.as_dict(), ensure_ascii=False), int(article.analysed),
            ),
        )
        return int(cur.lastrowid or 0)

    def place(self, seq: int, story_id: str, merged: list[str], created: bool) -> None:
        """Record that article ``seq`` joined ``story_id`` and that ``merged`` now point to it."""
        row = self._db.execute(
            "SELECT title, data, published, ingested_at FROM articles WHERE seq = ?", (seq,)
        ).fetchone()
        if created:
            label = row["title"] or " ".join(json.loads(row["data"])["text"][:100].split())
            self._db.execute(
                "INSERT INTO stories (id, created_seq, size, label) VALUES (?,?,0,?)",
                (story_id, seq, label),
            )
        self._db.execute("UPDATE articles SET story_id = ? WHERE seq = ?", (story_id, seq))
        day = row["ingested_at"][:10]
        self._db.execute(
            f"UPDATE stories SET {_grow('')} WHERE id = :s",
            {"s": story_id, "size": 1, "first_pub": row["published"],
             "last_pub": row["published"], "first_ing": day, "last_ing": day},
        )
        for old in merged:
            gone = self._db.execute(
                "SELECT size, first_pub, last_pub, first_ing, last_ing FROM stories WHERE id = ?",
                (old,),
            ).fetchone()
            self._db.execute(
                f"UPDATE stories SET {_grow('')} WHERE id = :s", {"s": story_id, **dict(gone)}
            )
            self._db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (story_id, old))
            self._db.execute(
                "UPDATE stories SET merged_into = ?, size = 0 WHERE id = ?", (story_id, old)
            )
            # Earlier merges into ``old`` must now resolve straight to the survivor.
            self._db.execute(
                "UPDATE stories SET merged_into = ? WHERE merged_into = ?", (story_id, old)
            )

    def save_analysis(self, article: Article) -> None:
        """Keep a full analysis so it is never recomputed on read."""
        sql = "UPDATE articles SET data = ?, analysed = 1, language = ? WHERE id = ?"
        params = (json.dumps(article.as_dict(), ensure_ascii=False), article.language, article.id)
        if self._db.in_transaction:  # called during an ingest: part of that article's commit
            self._db.execute(sql, params)
            return
        with self.transaction():
            self._db.execute(sql, params)

    # -- reading -------------------------------------------------------------------------

    def vectors(self, since_day: int | None = None) -> Iterator[tuple[int, str, int | None, bytes]]:
        """(seq, story_id, day, vector bytes) of placed articles: the clusterer's warm start."""
        sql = "SELECT seq, story_id, day, vector FROM articles WHERE story_id IS NOT NULL"
        params: tuple[Any, ...] = ()
        if since_day is not None:
            sql += " AND (day IS NULL OR day >= ?)"
            params = (since_day,)
        for row in self._db.execute(sql + " ORDER BY seq", params):
            yield row[0], row[1], row[2], row[3]

    def latest_day(self) -> int | None:
        row = self._db.execute("SELECT max(day) FROM articles").fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def merged_map(self) -> dict[str, str]:
        rows = self._db.execute("SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL")
        return {r[0]: r[1] for r in rows}

    def resolve(self, story_id: str) -> str | None:
        """The live id for ``story_id`` (itself, or the story it was merged into)."""
        seen: set[str] = set()
        current = story_id
        while current not in seen:
            seen.add(current)
            row = self._db.execute(
                "SELECT merged_into FROM stories WHERE id = ?", (current,)
            ).fetchone()
            if row is None:
                return None
            if row[0] is None:
                return current
            current = row[0]
        return None

    def stories(self, since: str | None = None, min_size: int = 1) -> list[dict[str, Any]]:
        sql = (
            "SELECT id, size, first_seen, last_seen, label FROM story_view"
            " WHERE merged_into IS NULL AND size >= ?"
        )
        params: list[Any] = [min_size]
        if since:
            sql += " AND last_seen >= ?"
            params.append(since)
        sql += " ORDER BY size DESC, last_seen DESC, id"
        return [dict(r) for r in self._db.execute(sql, params)]

    def story_row(self, story_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT id, size, first_seen, last_seen, label FROM story_view WHERE id = ?",
            (story_id,),
        ).fetchone()
        return dict(row) if row else None

    def story_articles(self, story_id: str, full: bool = False) -> list[dict[str, Any]]:
        cols = "seq, id, url, title, source, published, language, analysed"
        if full:
            cols += ", data"
        rows = self._db.execute(
            f"SELECT {cols} FROM articles WHERE story_id = ?"
            " ORDER BY coalesce(published, ingested_at), seq",
            (story_id,),
        )
        return [dict(r) for r in rows]

    def article_at(self, seq: int) -> Article:
        row = self._db.execute("SELECT data FROM articles WHERE seq = ?", (seq,)).fetchone()
        return Article.from_dict(json.loads(row[0]))

    def article(self, article_id: str) -> Article | None:
        row = self._db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
        return Article.from_dict(json.loads(row[0])) if row else None

    def assignments(self) -> dict[str, str]:
        """Article id -> live story id, for evaluation."""
        return dict(self._db.execute("SELECT id, story_id FROM articles").fetchall())

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def integrity(self) -> str:
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])
