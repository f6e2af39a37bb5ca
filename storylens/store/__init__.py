"""Stores for articles and stories; :func:`open_store` picks one from a path or URL."""

from __future__ import annotations

from pathlib import Path

from storylens.config import settings
from storylens.store.base import SQLStore, StoreError
from storylens.store.sqlite import SQLiteStore

__all__ = ["SQLStore", "SQLiteStore", "StoreError", "open_store"]


def open_store(url: str | Path | None = None, *, create: bool = True) -> SQLStore:
    """A SQLite file path or ``sqlite:///PATH`` (default ``store.url``), or a PostgreSQL URL
    (``postgresql://user@host/db``; the server option, needs the ``psycopg`` package).

    Readers pass ``create=False`` so that a mistyped path is an error (E014), not a new empty
    store; they write nothing where they cannot, and nothing into a file that is not a
    storylens store (E019). Used as a context manager, the store turns errors of the database
    itself (a damaged file, a lost server) into E019.
    """
    target = str(url or settings().store.url)
    if target.startswith(("postgres://", "postgresql://")):
        from storylens.store.postgres import PostgresStore

        return PostgresStore(target, create=create)
    if target.startswith("sqlite:///"):
        target = target[len("sqlite:///") :]
    return SQLiteStore(target, create=create)
