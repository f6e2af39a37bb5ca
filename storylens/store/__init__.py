"""Stores for articles and stories; :func:`open_store` picks one from a path or URL."""

from __future__ import annotations

from pathlib import Path

from storylens.config import settings
from storylens.errors import Code, ConfigError, NotFoundError
from storylens.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "open_store"]


def open_store(url: str | Path | None = None, *, create: bool = True) -> SQLiteStore:
    """A SQLite file path (default ``store.url``); postgresql:// URLs are not supported yet.

    Readers pass ``create=False`` so that a mistyped path is an error, not a new empty store.
    """
    target = str(url or settings().store.url)
    if target.startswith(("postgres://", "postgresql://")):
        scheme = target.split("://")[0]
        raise ConfigError(Code.E011, kind="store", name=scheme, choices="a SQLite file path")
    if target.startswith("sqlite:///"):
        target = target[len("sqlite:///") :]
    if not create and not Path(target).exists():
        raise NotFoundError(Code.E014, what="Store", name=target)
    return SQLiteStore(target)
