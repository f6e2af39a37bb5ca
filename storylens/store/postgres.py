"""The server option: the same store in PostgreSQL, chosen by a ``postgresql://`` URL.

Everything but the dialect is shared with SQLite (:mod:`storylens.store.base`). Differences that
matter: the writer lock is a session-level advisory lock (the server drops it when the ingesting
client dies, as the OS drops SQLite's file lock), and readers see committed transactions only,
so a reader never sees an article without its story. A schema other than ``public`` is chosen
the libpq way: ``postgresql://host/db?options=-csearch_path%3Dmyschema``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from storylens.errors import Code, InputError, NotFoundError
from storylens.store.base import ADDED_COLUMNS, SQLStore, StoreError, identifying

__all__ = ["SCHEMA", "PostgresStore"]

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS articles (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        url TEXT, title TEXT, source TEXT, language TEXT, published TEXT,
        day INTEGER,
        ingested_at TEXT NOT NULL,
        story_id TEXT,
        vector BYTEA NOT NULL,
        data TEXT NOT NULL,
        analysed INTEGER NOT NULL DEFAULT 0,
        title_names TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS articles_story ON articles(story_id)",
    "CREATE INDEX IF NOT EXISTS articles_day ON articles(day)",
    """CREATE TABLE IF NOT EXISTS stories (
        id TEXT PRIMARY KEY,
        created_seq BIGINT NOT NULL,
        size INTEGER NOT NULL DEFAULT 0,
        first_pub TEXT, last_pub TEXT,
        first_ing TEXT, last_ing TEXT,
        label TEXT,
        merged_into TEXT,
        label_titled INTEGER
    )""",
    # A store made before a column was added gains it (base.ADDED_COLUMNS).
    *(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}"
      for table, columns in ADDED_COLUMNS.items() for column, kind in columns.items()),
    "CREATE INDEX IF NOT EXISTS stories_merged ON stories(merged_into)",
    "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # Where lead sentences stood: tells boilerplate (storylens.cluster.boilerplate).
    "CREATE TABLE IF NOT EXISTS lead_sentences (sentence BIGINT NOT NULL, context TEXT NOT NULL)",
    "CREATE UNIQUE INDEX IF NOT EXISTS lead_sentences_key ON lead_sentences(sentence, context)",
    """CREATE OR REPLACE VIEW story_view AS
        SELECT id, size, coalesce(first_pub, first_ing) AS first_seen,
               coalesce(last_pub, last_ing) AS last_seen, label, merged_into, created_seq
        FROM stories""",
]


@lru_cache(maxsize=1)
def _expected_columns() -> dict[str, frozenset[str]]:
    """The tables :data:`SCHEMA` makes, with their columns."""
    tables: dict[str, frozenset[str]] = {}
    for statement in SCHEMA:
        head = re.match(r"CREATE TABLE IF NOT EXISTS (\w+) \(", statement)
        if head:
            body = statement[head.end() : statement.rindex(")")]
            tables[head.group(1)] = frozenset(part.split()[0] for part in body.split(","))
    return tables


# One advisory-lock key per (database, schema): two stores in different schemas do not block.
_LOCK_KEY = "hashtext(current_database() || '/' || current_schema())"


@lru_cache(maxsize=256)
def _translate(sql: str) -> str:
    """SQLite parameter style (``?``, ``:name``) to psycopg's (``%s``, ``%(name)s``)."""
    sql = sql.replace("%", "%%")
    sql = re.sub(r"(?<!:):([A-Za-z_]\w*)", r"%(\1)s", sql)
    return sql.replace("?", "%s")


def _clean(value: Any) -> Any:
    # PostgreSQL text cannot hold NUL; SQLite can. Drop it rather than fail the article.
    return value.replace("\x00", "") if isinstance(value, str) else value


def redact(url: str) -> str:
    return re.sub(r"(://[^:@/]*:)[^@/]*@", r"\1***@", url)


class _Row(tuple):  # noqa: SLOT001 - tiny, built per row
    """A tuple that also answers ``row["name"]`` and ``dict(row)``, like sqlite3.Row."""

    names: tuple[str, ...] = ()

    def keys(self) -> tuple[str, ...]:
        return self.names

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            key = self.names.index(key)
        return tuple.__getitem__(self, key)


def _row_factory(cursor: Any) -> Callable[[Sequence[Any]], _Row]:
    names = tuple(c.name for c in cursor.description or ())
    row_type = type("Row", (_Row,), {"names": names})
    return lambda values: row_type(values)


class PostgresStore(SQLStore):
    least = "least"
    greatest = "greatest"

    def __init__(self, url: str, *, create: bool = True) -> None:
        import psycopg

        self.path = redact(url)
        self._locked = False
        try:
            self._db = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise InputError(Code.E001, path=self.path, reason=reason) from None
        found = self._tables()
        self._check(found)
        exists = "articles" in found
        if not exists and not create:
            self._db.close()
            raise NotFoundError(Code.E014, what="Store", name=self.path)
        outdated = any(not cols <= found.get(t, set()) for t, cols in _expected_columns().items())
        if outdated and (create or exists):  # a new store, or one made before a table or column
            # Two processes creating the schema at once would collide in the catalogue.
            with self.transaction():
                self._db.execute("SELECT pg_advisory_xact_lock(hashtext('storylens-schema'))")
                for statement in SCHEMA:
                    self._db.execute(statement)

    def _tables(self) -> dict[str, set[str]]:
        """The columns of the tables named like storylens's in the store's schema."""
        rows = self._db.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ANY(%s)",
            (list(_expected_columns()),),
        ).fetchall()
        found: dict[str, set[str]] = {}
        for table, column in rows:
            found.setdefault(table, set()).add(column)
        return found

    def _check(self, found: dict[str, set[str]]) -> None:
        """Refuse a schema whose tables of storylens's names belong to something else (a
        database is shared; storylens would otherwise write into another program's tables)."""
        if not found:
            return
        for table in ("articles", "stories"):  # (settings came later; it is added on open)
            missing = identifying(table, _expected_columns()[table]) - found.get(table, set())
            if missing:
                self._db.close()
                lacks = ", ".join(sorted(missing)[:4])
                what = f"its table {table} lacks {lacks}" if table in found else f"it has no table {table}"
                reason = f"the schema holds tables of another program, not a storylens store ({what})"
                raise StoreError(Code.E019, db=self.path, reason=reason)

    def _execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        if not params:  # no placeholders: send as written
            return self._db.execute(sql)  # type: ignore[call-overload]
        if isinstance(params, dict):
            params = {k: _clean(v) for k, v in params.items()}
        else:
            params = [_clean(v) for v in params]
        return self._db.execute(_translate(sql), params)  # type: ignore[call-overload]

    def _scalar(self, sql: str) -> Any:
        row = self._db.execute(sql).fetchone()  # type: ignore[call-overload]
        return row[0] if row is not None else None

    def _begin(self) -> None:
        self._db.execute("BEGIN")

    def _begin_snapshot(self) -> None:
        self._db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _insert_returning_seq(self, sql: str, params: Sequence[Any]) -> int:
        return int(self._execute(sql + " RETURNING seq", params).fetchone()[0])

    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self._db.info.transaction_status != TransactionStatus.IDLE

    def _fault(self, exc: BaseException) -> str | None:
        import psycopg

        # The server went away or refused: a one-line error. (A failed first ingest keeps its
        # empty tables here: close ignores discard_new.)
        if isinstance(exc, psycopg.OperationalError):
            return " ".join(str(exc).split()) or type(exc).__name__
        return None

    def close(self, discard_new: bool = False) -> None:
        if not self._db.closed:
            self.release_writer()
            self._db.close()

    def claim_writer(self) -> None:
        if self._locked:
            return
        got = self._scalar(f"SELECT pg_try_advisory_lock({_LOCK_KEY})")
        if not got:
            raise StoreError(Code.E017, db=self.path)
        self._locked = True

    def release_writer(self) -> None:
        if self._locked and not self._db.closed:
            self._db.execute(f"SELECT pg_advisory_unlock({_LOCK_KEY})")
        self._locked = False


def with_schema(url: str, schema: str) -> str:
    """``url`` with ``schema`` first on the search path (libpq ``options``)."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


@contextmanager
def scratch_schema(url: str, prefix: str = "scratch") -> Iterator[str]:
    """A fresh schema in the database at ``url``, dropped afterwards: yields a URL that stores
    everything there (tests and benchmarks run side by side in one database)."""
    import uuid

    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield with_schema(url, schema)
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
