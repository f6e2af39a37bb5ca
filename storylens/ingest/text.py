"""Plain text articles with optional leading ``key value`` metadata.

The seed format puts metadata on the first line before the text (`` date 2022-01 Nur-Sultan
(Reuters) - ...``); other files put each key on its own line. Both are accepted.
"""

from __future__ import annotations

import re

META_KEYS = ("title", "date", "source", "url", "lang")

# Values that can sit inline, before the article text on the same line.
_INLINE = {
    "date": re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?:[T ][\d:]+Z?)?(?=\s|$)"),
    "url": re.compile(r"https?://\S+"),
    "lang": re.compile(r"[a-z]{2}(?=\s|$)"),
}
_KEY = re.compile(r"\s*(" + "|".join(META_KEYS) + r")[ \t]*[:=]?[ \t]+")


def split_metadata(text: str) -> tuple[dict[str, str], str]:
    """Return (metadata, body); body keeps no leading metadata."""
    meta: dict[str, str] = {}
    pos = 0
    while True:
        m = _KEY.match(text, pos)
        if not m or m.group(1) in meta:
            break
        key = m.group(1)
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        inline = _INLINE.get(key)
        if inline is not None:
            v = inline.match(text, m.end())
            if not v:
                break
            meta[key] = v.group(0)
            pos = v.end()
        else:
            # title/source take the rest of their own line
            value = text[m.end() : line_end].strip()
            if not value:
                break
            meta[key] = value
            pos = line_end
    return meta, text[pos:].strip()
