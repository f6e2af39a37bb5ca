"""Turn files, bytes or stdin into :class:`Article` objects (unanalysed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storylens.config import settings
from storylens.errors import Code, InputError
from storylens.ingest import html as html_reader
from storylens.ingest.decode import decode
from storylens.ingest.fetch import fetch_configured, url_scheme
from storylens.ingest.files import load_bytes
from storylens.ingest.text import split_metadata
from storylens.json_values import json_type, without_surrogates
from storylens.model import Article, fingerprint
from storylens.nlp.dates import iso_published

RECORD_KEYS = ("title", "url", "date", "source", "lang")
# Other names of a record key: storylens's own output says "published" and "language".
KEY_ALIASES = {"date": ("published",), "lang": ("language",)}
_STRING_FIELDS = ("text", *RECORD_KEYS, *(a for others in KEY_ALIASES.values() for a in others))

# Lone UTF-16 surrogates (JSON "\ud800") cannot be encoded; C0 controls other than tab and
# line breaks (JSON "\u0000") have no place in an article. Form and vertical feeds break lines.
_CONTROLS = {c: None for c in range(32) if chr(c) not in "\t\n\r\v\f"} | {0x0B: "\n", 0x0C: "\n"}


def clean(value: str) -> str:
    """A string safe to store and print: lone surrogates replaced, control characters removed."""
    return without_surrogates(value).translate(_CONTROLS)


def make_article(text: str, meta: dict[str, Any], path: str) -> Article:
    text = clean(text).replace("\r\n", "\n").replace("\r", "\n").strip()
    if sum(1 for c in text if not c.isspace()) < settings().input.min_chars:
        if not text:
            raise InputError(Code.E002, path=path)
        raise InputError(Code.E006, path=path, reason=f"only {len(text)} character{'' if len(text) == 1 else 's'}")
    clean_meta = {k: clean(str(v)) for k, v in meta.items() if v not in (None, "")}
    clean_meta = {k: v for k, v in clean_meta.items() if v}
    return Article(
        id=fingerprint(text),
        text=text,
        title=clean_meta.get("title"),
        url=clean_meta.get("url"),
        source=clean_meta.get("source"),
        language=clean_meta.get("lang"),
        published=iso_published(clean_meta.get("date")),  # the raw value stays in meta
        meta=clean_meta,
    )


def read_text(text: str, *, path: str = "<text>", **meta: Any) -> Article:
    """An article from a string; leading ``key value`` metadata lines are parsed off."""
    parsed, body = split_metadata(text)
    return make_article(body, {**parsed, **meta}, path)


def _record_article(record: Any, path: str, where: str) -> Article:
    if not isinstance(record, dict):
        raise InputError(Code.E021, path=path, where=where, what="the value",
                         found=json_type(record), expected="a JSON object")
    if "text" not in record:
        keys = ", ".join(clean(k) for k in sorted(record)[:8]) or "none"
        raise InputError(Code.E008, path=path, where=where, keys=keys)
    for field in _STRING_FIELDS:
        value = record.get(field)
        if not isinstance(value, str) and (field == "text" or value is not None):
            raise InputError(Code.E021, path=path, where=where, what=f"'{field}'",
                             found=json_type(value), expected="a string")
    meta = {k: record.get(k) for k in RECORD_KEYS}
    for key, others in KEY_ALIASES.items():
        meta[key] = meta[key] or next((record[o] for o in others if record.get(o)), None)
    return make_article(record["text"], meta, f"{path}{where}")


def _parse_json(text: str, path: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = f"column {exc.colno}" if exc.lineno == 1 else f"line {exc.lineno} column {exc.colno}"
        reason = f"{exc.msg.removesuffix(' at')} at {at}"
        raise InputError(Code.E007, path=path, where=where, reason=reason) from exc
    except RecursionError:
        raise InputError(Code.E007, path=path, where=where, reason="nested too deeply") from None


def _json_records(text: str, path: str) -> Iterator[tuple[Any, str]]:
    stripped = text.lstrip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped):
        data = _parse_json(text, path, "")
        if data == []:
            raise InputError(Code.E006, path=path, reason="an empty JSON array")
        items = data if isinstance(data, list) else [data]
        for i, item in enumerate(items):
            yield item, f" #{i + 1}" if isinstance(data, list) else ""
        return
    for lineno, line in enumerate(text.split("\n"), 1):  # only \n ends a JSONL line
        if line.strip():
            where = f" line {lineno}"
            yield _parse_json(line, path, where), where


def read_json_line(path: str, lineno: int, line: bytes) -> Article:
    """The article in one line of a JSONL file (errors name the file and the line)."""
    where = f" line {lineno}"
    record = _parse_json(decode(line, f"{path}{where}").strip(), path, where)
    return _record_article(record, path, where)


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
        data, name = load_bytes(source)
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


def read(source: str | Path, *, allow_private: bool = False) -> Article:
    """Read exactly one article from a path (text, HTML, JSON), ``-`` for stdin, or an http(s)
    URL (fetched with the configured limits; private addresses only if allowed)."""
    name = str(source)
    if isinstance(source, str) and url_scheme(name):
        return _single(fetched_records(name, fetch_configured(name, allow_private)), name)
    return _single(read_records(source), name)


def fetched_records(url: str, data: bytes) -> Iterator[Article]:
    """The articles of a page fetched from ``url``: identified by the URL unless the page
    names itself."""
    for article in read_records(url, data):
        yield article if article.url else article.replace(url=url)


def _single(records: Iterator[Article], name: str) -> Article:
    items = list(records)
    if len(items) != 1:
        if not items:
            raise InputError(Code.E006, path=name, reason="no records")
        raise InputError(Code.E013, path=name, count=len(items))
    return items[0]
