"""Expand ingest arguments (files, folders, JSONL dumps) into a stream of articles.

Failures are yielded, not raised, so that one bad file or line never stops a run. JSONL is read
line by line so dumps far above ``input.max_bytes`` stream in constant memory (each line is
held to that limit).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from storylens.config import settings
from storylens.errors import Code, InputError, StorylensError
from storylens.ingest.feeds import feed_articles, looks_like_feed
from storylens.ingest.fetch import fetch_configured, url_scheme
from storylens.ingest.files import load_bytes, open_file, os_reason
from storylens.ingest.reader import fetched_records, read_json_line, read_records
from storylens.model import Article

STREAM_SUFFIXES = (".jsonl", ".ndjson")
SKIP_NAMES = (".DS_Store",)


@dataclass(frozen=True, slots=True)
class Failure:
    source: str
    reason: str


Item = Article | Failure


def _unreadable(exc: OSError, fallback: Path) -> tuple[Path, Failure]:
    path = Path(exc.filename or fallback)
    error = InputError(Code.E001, path=path, reason=os_reason(exc))
    return path, Failure(str(path), error.message)


def _walk(root: Path) -> Iterator[Path | Failure]:
    """The files under a folder, sorted so that a folder always ingests in the same order
    (stable ids). A subfolder that cannot be listed is a failure; symlinked folders are not
    followed; special files (FIFOs, devices) are listed so that reading them reports them."""
    found: list[tuple[Path, Path | Failure]] = []
    walk = os.walk(root, onerror=lambda exc: found.append(_unreadable(exc, root)))
    for folder, _dirs, files in walk:
        for name in files:
            if not name.startswith(".") and name not in SKIP_NAMES:
                path = Path(folder, name)
                found.append((path, path))
    for _, item in sorted(found, key=lambda pair: pair[0]):
        yield item


def _lines(handle: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The lines of a file, none held longer than ``limit`` bytes: None stands for a longer one."""
    while line := handle.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while (rest := handle.readline(limit + 1)) and not rest.endswith(b"\n"):
            pass
        yield None


def _jsonl(path: Path) -> Iterator[Item]:
    name = str(path)
    limit = settings().input.max_bytes
    try:
        handle = open_file(path)
    except StorylensError as exc:
        yield Failure(name, exc.message)
        return
    seen = False
    with handle:
        try:
            for lineno, line in enumerate(_lines(handle, limit), 1):
                where = f"{name} line {lineno}"
                if line is None:
                    error = InputError(Code.E005, path=where, size=f"more than {limit}", limit=limit)
                    yield Failure(where, error.message)
                    seen = True
                    continue
                if not line.strip():
                    continue
                seen = True
                try:
                    yield read_json_line(name, lineno, line)
                except StorylensError as exc:
                    yield Failure(where, exc.message)
        except OSError as exc:
            yield Failure(name, InputError(Code.E001, path=name, reason=os_reason(exc)).message)
            return
    if not seen:
        yield Failure(name, InputError(Code.E002, path=name).message)


def _feed(data: bytes, name: str) -> Iterator[Item]:
    try:
        for entry in feed_articles(data, name):
            yield entry if isinstance(entry, Article) else Failure(*entry)
    except StorylensError as exc:
        yield Failure(name, exc.message)


def _url(url: str, allow_private: bool) -> Iterator[Item]:
    try:
        data = fetch_configured(url, allow_private)
    except StorylensError as exc:
        yield Failure(url, exc.message)
        return
    if looks_like_feed(data):
        yield from _feed(data, url)
        return
    try:
        yield from fetched_records(url, data)
    except StorylensError as exc:
        yield Failure(url, exc.message)


def _file(path: Path) -> Iterator[Item]:
    if path.suffix.lower() in STREAM_SUFFIXES:
        yield from _jsonl(path)
        return
    try:
        data, name = load_bytes(path)
        if looks_like_feed(data):
            yield from _feed(data, name)
            return
        yield from read_records(name, data)
    except StorylensError as exc:
        yield Failure(str(path), exc.message)


def iter_articles(paths: Iterable[str | Path], allow_private: bool = False) -> Iterator[Item]:
    """Every article behind the arguments: files, folders, JSONL, feeds, http(s) URLs."""
    for raw in paths:
        name = str(raw)
        if url_scheme(name):
            yield from _url(name, allow_private)
        elif name != "-" and Path(raw).is_dir():
            for item in _walk(Path(raw)):
                if isinstance(item, Failure):
                    yield item
                else:
                    yield from _file(item)
        else:
            yield from _file(Path(raw))
