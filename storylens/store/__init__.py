"""Stores for articles and stories; :func:`open_store` picks one from a path or URL."""

from __future__ import annotations

from pathlib import Path

from storylens.config import settings
from storylens.errors import Code, NotFoundError
from storylens.store.base import SQLStore, StoreError
from storylens.store.sqlite import SQLiteStore

__all__ = ["SQLStore", "SQLiteStore", "StoreError", "open_store"]


def open_store(url: str | Path | None = None, *, create: bool = True) -> SQLStore:
    """A SQLite file path or ``sqlite:///PATH`` (default ``store.url``), or a PostgreSQL URL
    (``postgresql://user@host/db``; the server option, needs the ``psycopg`` package).

    Readers pass ``create=False`` so that a mistyped path is an error, not a new empty store.
    """
    target = str(url or settings().store.url)
    if target.startswith(("postgres://", "postgresql://")):
        from storylens.store.postgres import PostgresStore

        return PostgresStore(target, create=create)
    if target.startswith("sqlite:///"):
        target = target[len("sqlite:///") :]
    if not create and not Path(target).exists():
        raise NotFoundError(Code.E014, what="Store", name=target)
    return SQLiteStore(target)
