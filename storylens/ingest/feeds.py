"""RSS/Atom feeds (feedparser): each entry becomes an article from its content or summary."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from xml.sax import SAXParseException

from storylens.errors import Code, InputError, StorylensError
from storylens.ingest import html as html_reader
from storylens.ingest.reader import make_article
from storylens.model import Article

_ROOTS = rb"(?:rss|feed|rdf:rdf)"
# Whitespace, a comment or a processing instruction (the XML declaration). The groups are
# atomic: each ends at its first closing mark, never a later one, so matching stays linear.
_PROLOG_ITEM = rb"(?:\s|(?><!--.*?-->)|(?><\?.*?\?>))"
# The root element after the prolog; a DOCTYPE names the root too, so an internal subset of
# any length does not hide it.
_FEED_START = re.compile(
    rb"(?:\xef\xbb\xbf)?" + _PROLOG_ITEM + rb"*+<(?:!doctype\s+)?" + _ROOTS + rb"[\s>/\[]",
    re.I | re.S,
)
# A whole document ends with the root's closing tag (maybe followed by comments).
_FEED_END = re.compile(rb"</" + _ROOTS + rb"\s*>" + _PROLOG_ITEM + rb"*+\Z", re.I | re.S)


def looks_like_feed(data: bytes) -> bool:
    return bool(_FEED_START.match(data[:65536]))


def _entry_text(entry: dict) -> str:  # type: ignore[type-arg]
    parts = [c.get("value", "") for c in entry.get("content", [])] or [entry.get("summary", "")]
    body = "\n\n".join(p for p in parts if p)
    if "<" in body:
        # Feed bodies are HTML fragments; keep the text only.
        extracted = html_reader.extract(f"<html><body><article>{body}</article></body></html>")
        if extracted and extracted.get("text"):
            return str(extracted["text"])
        return re.sub(r"<[^>]+>", " ", body)
    return body


def _date(entry: dict) -> str | None:  # type: ignore[type-arg]
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


def _malformed(parsed: dict, data: bytes) -> str | None:  # type: ignore[type-arg]
    """Why the feed is not well-formed XML, or None.

    An undefined entity (``&nbsp;`` in RSS) is common and feedparser's lenient parser reads
    past it; any other XML error, or a document cut off before its closing tag, is malformed.
    """
    error = parsed.get("bozo_exception")
    if isinstance(error, SAXParseException) and error.getMessage() != "undefined entity":
        line, column = error.getLineNumber(), error.getColumnNumber()
        return f"{error.getMessage()} at line {line}, column {column}"
    if not _FEED_END.search(data[-65536:]):
        return "the document ends before its closing tag"
    if parsed.get("bozo") and not parsed.get("entries"):
        return str(error)
    return None


def feed_articles(data: bytes, name: str) -> Iterator[Article | tuple[str, str]]:
    """Articles, or (source, reason) for an entry that is not usable; never raises per entry."""
    import feedparser

    parsed = feedparser.parse(data)
    problem = _malformed(parsed, data)
    if problem:
        raise InputError(Code.E006, path=name, reason=f"malformed feed: {problem}")
    if not parsed.entries:
        raise InputError(Code.E006, path=name, reason="the feed has no entries")
    source = parsed.feed.get("title")
    for i, entry in enumerate(parsed.entries, 1):
        where = f"{name} entry {i}"
        try:
            meta = {"title": entry.get("title"), "url": entry.get("link"), "date": _date(entry),
                    "source": source, "lang": parsed.feed.get("language")}
            yield make_article(_entry_text(entry), meta, where)
        except StorylensError as exc:
            yield where, exc.message
