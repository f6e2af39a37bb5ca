"""Expand ingest arguments (files, folders, JSONL dumps) into a stream of articles.

Failures are yielded, not raised, so that one bad file or line never stops a run. JSONL is read
line by line so dumps far above ``input.max_bytes`` stream in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storylens.config import settings
from storylens.errors import Code, InputError, StorylensError
from storylens.ingest.feeds import feed_articles, looks_like_feed
from storylens.ingest.fetch import fetch, is_url
from storylens.ingest.reader import read_records
from storylens.model import Article

STREAM_SUFFIXES = (".jsonl", ".ndjson")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
SKIP_NAMES = (".DS_Store",)


@dataclass(frozen=True, slots=True)
class Failure:
    source: str
    reason: str


Item = Article | Failure


def _files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        # Sorted so that the same folder is always ingested in the same order (stable ids).
        for child in sorted(path.rglob("*")):
            if child.is_file() and not child.name.startswith(".") and child.name not in SKIP_NAMES:
                yield child
    else:
        yield path


def _jsonl(path: Path) -> Iterator[Item]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Failure(str(path), InputError(Code.E001, path=path, reason=exc.strerror).message)
        return
    with handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            name = f"{path} line {lineno}"
            try:
                yield from read_records(name, line)
            except StorylensError as exc:
                yield Failure(name, exc.message)


def _feed(data: bytes, name: str) -> Iterator[Item]:
    try:
        for entry in feed_articles(data, name):
            yield entry if isinstance(entry, Article) else Failure(*entry)
    except StorylensError as exc:
        yield Failure(name, exc.message)


def _url(url: str, allow_private: bool) -> Iterator[Item]:
    try:
        data = fetch(url, settings().input.max_bytes, allow_private=allow_private)
    except StorylensError as exc:
        yield Failure(url, exc.message)
        return
    if looks_like_feed(data):
        yield from _feed(data, url)
        return
    try:
        for article in read_records(url, data):
            # A fetched page is identified by its URL unless the page names itself.
            yield article if article.url else article.replace(url=url)
    except StorylensError as exc:
        yield Failure(url, exc.message)


def iter_articles(paths: Iterable[str | Path], allow_private: bool = False) -> Iterator[Item]:
    """Every article behind the arguments: files, folders, JSONL, feeds, http(s) URLs."""
    for raw in paths:
        if is_url(str(raw)):
            yield from _url(str(raw), allow_private)
            continue
        root = Path(raw)
        if not root.exists() and str(raw) != "-":
            yield Failure(str(raw), InputError(Code.E001, path=raw, reason="no such file").message)
            continue
        for path in _files(root):
            if path.suffix.lower() in STREAM_SUFFIXES:
                yield from _jsonl(path)
                continue
            try:
                if path.suffix.lower() in FEED_SUFFIXES:
                    data = path.read_bytes()
                    if looks_like_feed(data):
                        yield from _feed(data, str(path))
                        continue
                yield from read_records(path)
            except StorylensError as exc:
                yield Failure(str(path), exc.message)
            except OSError as exc:
                yield Failure(str(path), f"cannot read {path}: {exc.strerror}")
