"""Bytes -> str with encoding detection, refusing binary data."""

from __future__ import annotations

import charset_normalizer

from storylens.errors import Code, InputError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _looks_binary(data: bytes) -> str | None:
    sample = data[:8192]
    if b"\x00" in sample:
        return "contains NUL bytes"
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if sample and controls / len(sample) > 0.05:
        return "many control characters"
    return None


def decode(data: bytes, path: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    reason = _looks_binary(data)
    if reason:
        raise InputError(Code.E003, path=path, reason=reason)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(Code.E004, path=path)
    text = str(best)
    # A decode that yields mostly replacement or control characters is a misdetection.
    if text.count("\ufffd") > max(3, len(text) // 100):
        raise InputError(Code.E004, path=path)
    return text
