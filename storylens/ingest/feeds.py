"""RSS/Atom feeds (feedparser): each entry becomes an article from its content or summary."""

from __future__ import annotations

import time
from collections.abc import Iterator

from storylens.errors import Code, InputError, StorylensError
from storylens.ingest import html as html_reader
from storylens.ingest.reader import make_article
from storylens.model import Article


def looks_like_feed(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def _entry_text(entry: dict) -> str:  # type: ignore[type-arg]
    parts = [c.get("value", "") for c in entry.get("content", [])] or [entry.get("summary", "")]
    body = "\n\n".join(p for p in parts if p)
    if "<" in body:
        # Feed bodies are HTML fragments; keep the text only.
        extracted = html_reader.extract(f"<html><body><article>{body}</article></body></html>")
        if extracted and extracted.get("text"):
            return str(extracted["text"])
        import re

        return re.sub(r"<[^>]+>", " ", body)
    return body


def _date(entry: dict) -> str | None:  # type: ignore[type-arg]
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


def feed_articles(data: bytes, name: str) -> Iterator[Article | tuple[str, str]]:
    """Articles, or (source, reason) for an entry that is not usable; never raises per entry."""
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise InputError(Code.E006, path=name, reason="not a readable RSS/Atom feed")
    source = parsed.feed.get("title")
    for i, entry in enumerate(parsed.entries, 1):
        where = f"{name} entry {i}"
        try:
            meta = {"title": entry.get("title"), "url": entry.get("link"), "date": _date(entry),
                    "source": source, "lang": parsed.feed.get("language")}
            yield make_article(_entry_text(entry), meta, where)
        except StorylensError as exc:
            yield where, exc.message
