"""HTML pages through trafilatura: main text, title and date, boilerplate removed."""

from __future__ import annotations

import re
from typing import Any

import trafilatura

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


def looks_like_html(data: bytes) -> bool:
    return bool(_HTML_START.match(data[:2048]))


def extract(html: str, url: str | None = None) -> dict[str, Any] | None:
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False, include_tables=False)
    if doc is None:
        return None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (data.get("text") or "").strip()
    if not text:
        return None
    return {
        "text": text,
        "title": data.get("title"),
        "date": data.get("date"),
        "url": data.get("url") or url,
        "source": data.get("sitename") or data.get("hostname"),
        "lang": data.get("language"),
    }
