"""The embedded default store: one SQLite file in WAL mode.

WAL mode lets readers (``storylens stories`` in another terminal) see the last committed state
while an ingest is writing. See :mod:`storylens.store.base` for the transaction rules.

A file is a store when it holds the ``articles`` and ``stories`` tables of :data:`SCHEMA` with
their columns; a file is probed read-only before anything is written to it, so that another
program's database, a text file or a damaged store is refused (E019) and left as it was.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from contextlib import closing, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

from storylens.errors import Code, NotFoundError, StorylensError
from storylens.store.base import ADDED_COLUMNS, WRITER_TABLES, SQLStore, StoreError, identifying

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
    analysed INTEGER NOT NULL DEFAULT 0,
    title_names TEXT            -- JSON list of the names in the title; NULL: stored before kept
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
    merged_into TEXT,           -- set when merged: the id keeps resolving to the survivor
    label_titled INTEGER        -- 1: the label is a title; 0: an untitled opening (base.ADDED_COLUMNS)
);
CREATE INDEX IF NOT EXISTS stories_merged ON stories(merged_into);
CREATE TABLE IF NOT EXISTS settings (  -- what the stored data depends on, e.g. the vector recipe
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lead_sentences (  -- where lead sentences stood: tells boilerplate
    sentence INTEGER NOT NULL,  -- 64-bit hash of the sentence (storylens.cluster.boilerplate)
    context TEXT NOT NULL,      -- hashes of the other lead sentences of an article that held it
    PRIMARY KEY (sentence, context)
) WITHOUT ROWID;
-- Seen dates: publication dates where known, the ingest date only for stories none of whose
-- articles carries one (mixing the two would stretch a 2022 story into today).
CREATE VIEW IF NOT EXISTS story_view AS
    SELECT id, size, coalesce(first_pub, first_ing) AS first_seen,
           coalesce(last_pub, last_ing) AS last_seen, label, merged_into, created_seq
    FROM stories;
"""


#: the files SQLite keeps beside a WAL-mode database
_BESIDE = ("-wal", "-shm")


@lru_cache(maxsize=1)
def _expected() -> dict[str, frozenset[str]]:
    """Every object :data:`SCHEMA` makes, with its columns: what a current store holds."""
    with closing(sqlite3.connect(":memory:")) as db:
        db.executescript(SCHEMA)
        return _objects(db)


def _objects(db: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """The file's tables, views and indexes with their columns (reads only the schema)."""
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!'")]
    return {n: frozenset(r[0] for r in db.execute("SELECT name FROM pragma_table_info(?)", (n,)))
            for n in names}


def _connect(file: Path, mode: str, *, as_it_lies: bool = False) -> sqlite3.Connection:
    """``mode``: ro, rw or rwc (SQLite's URI modes); isolation_level=None: we issue BEGIN/COMMIT.
    ``as_it_lies``: read the file as it lies (SQLite's immutable), making nothing beside it."""
    uri = f"{file.absolute().as_uri()}?mode={mode}"
    if as_it_lies:
        return sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None)
    db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
    if mode != "ro":
        return db
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        db.close()
        folder = file.absolute().parent
        if (not isinstance(exc, sqlite3.OperationalError) or os.access(folder, os.W_OK)
                or Path(f"{file}-wal").exists()):
            raise
        # A WAL store in a folder this user cannot write, with no ingest running (no -wal file):
        # SQLite cannot make the shared index a WAL reader needs, so read the file as it lies.
        db = sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None)
    return db


def _writable(file: Path) -> bool:
    # Writing a WAL store also creates files beside it (-wal, -shm, the ingest lock).
    return os.access(file, os.W_OK) and os.access(file.absolute().parent, os.W_OK | os.X_OK)


def _current(found: dict[str, frozenset[str]], *, reading: bool = False) -> bool:
    """Whether the file holds every object of the schema; ``reading``: every object a reader
    uses (not the tables only ingest reads, :data:`WRITER_TABLES`)."""
    expected = _expected()
    return all(name in found and cols <= found[name] for name, cols in expected.items()
               if not (reading and name in WRITER_TABLES))


def _add_columns(db: sqlite3.Connection) -> None:
    """Give a store made before them the columns added since (:data:`ADDED_COLUMNS`); checked
    again under the write lock, since another process may have added them meanwhile."""
    db.execute("BEGIN IMMEDIATE")
    try:
        found = _objects(db)
        for table, columns in ADDED_COLUMNS.items():
            for column, kind in columns.items():
                if column not in found[table]:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _identity(path: str) -> tuple[int, int] | None:
    """The file at ``path`` now (device, inode), or None where there is none."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def _same_file(handle: Any, path: str) -> bool:
    here = os.fstat(handle.fileno())
    return _identity(path) == (here.st_dev, here.st_ino)


class SQLiteStore(SQLStore):
    """``create``: a missing file becomes a new store (else E014). ``read_only`` (default: a
    reader, ``create=False``, that cannot write the file or its folder) writes nothing at all."""

    def __init__(
        self, path: str | Path, *, create: bool = True, read_only: bool | None = None
    ) -> None:
        self.path = str(path)
        self._lock: Any = None
        file = Path(path)
        if file.is_dir():
            raise StoreError(Code.E019, db=self.path, reason="it is a folder")
        self.created = not file.exists()
        if self.created and not create:
            raise NotFoundError(Code.E014, what="Store", name=self.path)
        if self.created and not file.absolute().parent.is_dir():
            raise NotFoundError(Code.E014, what="Folder", name=str(file.absolute().parent))
        self.read_only = (not create and not _writable(file)) if read_only is None else read_only
        try:
            self._db = self._open(file, create)
        except sqlite3.Error as exc:
            raise StoreError(Code.E019, db=self.path, reason=str(exc)) from None
        self._db.row_factory = sqlite3.Row
        self._identity = _identity(self.path)

    def _open(self, file: Path, create: bool) -> sqlite3.Connection:
        """Look before writing: an existing file is probed read-only, and opened for writing
        only once it is known to be a storylens store."""
        found: dict[str, frozenset[str]] = {}
        if not self.created:
            # With no -wal and -shm beside it, no SQLite connection has the file open in WAL
            # mode and all of it lies in the file: read it as it lies, so that probing makes
            # nothing beside a file that may be refused. (Probing the usual way and removing
            # what it made afterwards raced with an ingest creating this store: the -shm it
            # removed was the writer's, and readers opened later never saw its commits.)
            alone = not any(Path(f"{file}{end}").exists() for end in _BESIDE)
            probe = _connect(file, "ro", as_it_lies=alone)
            try:
                found = _objects(probe)
                self._check(found, create)
            except BaseException:
                probe.close()
                raise
            if self.read_only and not alone:
                return probe
            probe.close()
            if self.read_only:  # a reader that stays open sees later commits
                return _connect(file, "ro")
        db = _connect(file, "rwc" if create else "rw")
        try:
            if create:
                db.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable against process crashes in WAL mode (only power loss can lose
            # the last commits), and several times faster than FULL.
            db.execute("PRAGMA synchronous=NORMAL")
            # 64 MB page cache (default 2 MB): the id and story indexes of a 100k-article store
            # stay in memory, which keeps per-article insert cost flat as the store grows.
            db.execute("PRAGMA cache_size=-65536")
            if not _current(found):  # new, or made before the settings table or a column
                # One transaction: a reader sees no store or all of it, never half a schema.
                db.executescript(f"BEGIN IMMEDIATE;{SCHEMA}COMMIT;")
                _add_columns(db)
        except BaseException:
            db.close()
            raise
        return db

    def _check(self, found: dict[str, frozenset[str]], create: bool) -> None:
        """Refuse what is not a storylens store; a reader also refuses an empty file, and a
        read-only one a store whose schema it cannot bring up to date."""
        if not found:
            if not create:
                raise StoreError(Code.E019, db=self.path,
                                 reason="the file is empty, not a storylens store")
            return
        expected = _expected()
        if any(not identifying(t, expected[t]) <= found.get(t, frozenset()) for t in ("articles", "stories")):
            held = ", ".join(sorted(found)[:5])
            raise StoreError(Code.E019, db=self.path, reason=(
                f"it is another database, not a storylens store (it holds {held})"))
        if self.read_only and not _current(found, reading=True):
            raise StoreError(Code.E019, db=self.path, reason=(
                "it was made by an older storylens and is read-only here:"
                " open it once with write access to update it"))

    def _execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        return self._db.execute(sql, params)

    def _begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def _insert_returning_seq(self, sql: str, params: Sequence[Any]) -> int:
        return int(self._db.execute(sql, params).lastrowid or 0)

    def in_transaction(self) -> bool:
        return self._db.in_transaction

    def _fault(self, exc: BaseException) -> str | None:
        # Damaged or foreign files, locks, I/O and permissions; not integrity or API misuse.
        return str(exc) if type(exc) in (sqlite3.DatabaseError, sqlite3.OperationalError) else None

    def close(self, discard_new: bool = False) -> None:
        if discard_new and self.created:
            self._discard()
        self.release_writer()
        self._db.close()

    def _discard(self) -> None:
        """Remove the store this open created while it holds no article, under the writer lock
        so that no ingest can be writing into it."""
        try:
            self.claim_writer()
            if self.count():
                return
        except (StorylensError, sqlite3.Error):
            return
        self._db.close()
        for end in ("", *_BESIDE):
            with suppress(FileNotFoundError):
                os.unlink(self.path + end)

    def claim_writer(self) -> None:
        import fcntl

        if self._lock is not None:
            return
        name = f"{self.path}.ingest-lock"
        while True:
            try:
                handle = open(name, "a")  # noqa: SIM115 - held until close
            except OSError as exc:
                raise StoreError(Code.E019, db=self.path,
                                 reason=f"cannot create {name}: {exc.strerror}") from None
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                raise StoreError(Code.E017, db=self.path) from None
            if _same_file(handle, name):
                break
            handle.close()  # the writer before us removed it on release: lock the new one
        self._lock = handle
        if _identity(self.path) != self._identity:  # removed by a failed first ingest meanwhile
            self.release_writer()
            raise StoreError(Code.E019, db=self.path, reason="it was removed while opening it")

    def release_writer(self) -> None:
        if self._lock is not None:
            # Removed while still held: a writer that opened this file meanwhile gets its lock
            # only after this, finds the name gone or renewed and locks that file instead
            # (claim_writer), so two writers never hold locks on different files.
            with suppress(OSError):
                os.unlink(self._lock.name)
            self._lock.close()
            self._lock = None

    def integrity(self) -> str:
        found = str(self._db.execute("PRAGMA integrity_check").fetchone()[0])
        return found if found != "ok" else self.consistency()

