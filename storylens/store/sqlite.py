"""The embedded default store: one SQLite file in WAL mode.

WAL mode lets readers (``storylens stories`` in another terminal) see the last committed state
while an ingest is writing. See :mod:`storylens.store.base` for the transaction rules.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from storylens.errors import Code
from storylens.store.base import SQLStore, StoreError

__all__ = ["SCHEMA", "SQLiteStore", "StoreError"]

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
CREATE INDEX IF NOT EXISTS stories_merged ON stories(merged_into);
CREATE TABLE IF NOT EXISTS settings (  -- what the stored data depends on, e.g. the vector recipe
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- Seen dates: publication dates where known, the ingest date only for stories none of whose
-- articles carries one (mixing the two would stretch a 2022 story into today).
CREATE VIEW IF NOT EXISTS story_view AS
    SELECT id, size, coalesce(first_pub, first_ing) AS first_seen,
           coalesce(last_pub, last_ing) AS last_seen, label, merged_into, created_seq
    FROM stories;
"""


class SQLiteStore(SQLStore):
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock: Any = None
        # isolation_level=None: we issue BEGIN/COMMIT ourselves.
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against process crashes in WAL mode (only power loss can lose the
        # last commits), and several times faster than FULL.
        self._db.execute("PRAGMA synchronous=NORMAL")
        # 64 MB page cache (default 2 MB): the id and story indexes of a 100k-article store stay
        # in memory, which keeps per-article insert cost flat as the store grows.
        self._db.execute("PRAGMA cache_size=-65536")
        self._db.executescript(SCHEMA)

    def _execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        return self._db.execute(sql, params)

    def _begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def _insert_returning_seq(self, sql: str, params: Sequence[Any]) -> int:
        return int(self._db.execute(sql, params).lastrowid or 0)

    def in_transaction(self) -> bool:
        return self._db.in_transaction

    def close(self) -> None:
        self.release_writer()
        self._db.close()

    def claim_writer(self) -> None:
        import fcntl

        if self._lock is not None:
            return
        handle = open(f"{self.path}.ingest-lock", "a")  # noqa: SIM115 - held until close
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise StoreError(Code.E017, db=self.path) from None
        self._lock = handle

    def release_writer(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def integrity(self) -> str:
        found = str(self._db.execute("PRAGMA integrity_check").fetchone()[0])
        return found if found != "ok" else self.consistency()
