"""Turn files, bytes or stdin into :class:`Article` objects (unanalysed)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storylens.config import settings
from storylens.errors import Code, InputError
from storylens.ingest import html as html_reader
from storylens.ingest.decode import decode
from storylens.ingest.text import split_metadata
from storylens.model import Article, fingerprint
from storylens.nlp.dates import iso_published

RECORD_KEYS = ("title", "url", "date", "source", "lang")


def make_article(text: str, meta: dict[str, Any], path: str) -> Article:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if sum(1 for c in text if not c.isspace()) < settings().input.min_chars:
        if not text:
            raise InputError(Code.E002, path=path)
        raise InputError(Code.E006, path=path, reason=f"only {len(text)} characters")
    clean = {k: str(v) for k, v in meta.items() if v not in (None, "")}
    return Article(
        id=fingerprint(text),
        text=text,
        title=clean.get("title"),
        url=clean.get("url"),
        source=clean.get("source"),
        language=clean.get("lang"),
        published=iso_published(clean.get("date")),  # the raw value stays in meta
        meta=clean,
    )


def read_text(text: str, *, path: str = "<text>", **meta: Any) -> Article:
    """An article from a string; leading ``key value`` metadata lines are parsed off."""
    parsed, body = split_metadata(text)
    return make_article(body, {**parsed, **meta}, path)


def _record_article(record: Any, path: str, where: str) -> Article:
    if not isinstance(record, dict):
        raise InputError(Code.E007, path=path, where=where, reason="expected a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        keys = ", ".join(sorted(record)[:8]) or "none"
        raise InputError(Code.E008, path=path, where=where, keys=keys)
    meta = {k: record.get(k) for k in RECORD_KEYS}
    if not meta["lang"] and record.get("language"):
        meta["lang"] = record.get("language")
    return make_article(text, meta, f"{path}{where}")


def _json_records(text: str, path: str) -> Iterator[tuple[Any, str]]:
    stripped = text.lstrip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            where = f" at line {exc.lineno}"
            raise InputError(Code.E007, path=path, where=where, reason=exc.msg) from exc
        items = data if isinstance(data, list) else [data]
        for i, item in enumerate(items):
            yield item, f" #{i + 1}" if isinstance(data, list) else ""
        return
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield json.loads(line), f" line {lineno}"
        except json.JSONDecodeError as exc:
            raise InputError(Code.E007, path=path, where=f" line {lineno}", reason=exc.msg) from exc


def _load_bytes(source: str | Path) -> tuple[bytes, str]:
    name = str(source)
    if name == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    path = Path(source)
    limit = settings().input.max_bytes
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError(Code.E001, path=name, reason="it is a directory")
        if size > limit:
            raise InputError(Code.E005, path=name, size=size, limit=limit)
        return path.read_bytes(), name
    except FileNotFoundError as exc:
        raise InputError(Code.E001, path=name, reason="no such file") from exc
    except PermissionError as exc:
        raise InputError(Code.E001, path=name, reason="permission denied") from exc
    except OSError as exc:
        raise InputError(Code.E001, path=name, reason=exc.strerror or str(exc)) from exc


def _kind(data: bytes, name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".json", ".jsonl", ".ndjson"):
        return "json"
    head = data[:64].lstrip()
    if head.startswith(b"{") or head.startswith(b"["):
        return "json"
    if html_reader.looks_like_html(data):
        return "html"
    return "text"


def read_records(source: str | Path, data: bytes | None = None) -> Iterator[Article]:
    """Every article in a file: one for text/HTML, one per record for JSON/JSONL."""
    if data is None:
        data, name = _load_bytes(source)
    else:
        name = str(source)
    if not data.strip():
        raise InputError(Code.E002, path=name)
    text = decode(data, name)
    kind = _kind(data, name)
    if kind == "json":
        for record, where in _json_records(text, name):
            yield _record_article(record, name, where)
    elif kind == "html":
        extracted = html_reader.extract(text)
        if extracted is None:
            raise InputError(Code.E009, path=name)
        body = extracted.pop("text")
        yield make_article(body, extracted, name)
    else:
        yield read_text(text, path=name)


def read_bytes(data: bytes, *, name: str = "<bytes>") -> Article:
    return _single(read_records(name, data), name)


def read(source: str | Path) -> Article:
    """Read exactly one article from a path (text, HTML, JSON) or ``-`` for stdin."""
    return _single(read_records(source), str(source))


def _single(records: Iterator[Article], name: str) -> Article:
    items = list(records)
    if len(items) != 1:
        if not items:
            raise InputError(Code.E006, path=name, reason="no records")
        raise InputError(Code.E013, path=name, count=len(items))
    return items[0]
