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


def _utf16_without_bom(data: bytes) -> str | None:
    """Mostly ASCII UTF-16 text without a BOM: most units are a NUL byte and a printable ASCII one.

    The decoded start must also read as text (printable characters and line breaks), so that
    binary data with a similar byte pattern is still refused.
    """
    sample = data[:8192]
    if len(data) % 2 or len(sample) < 8:
        return None
    for encoding, high, low in (("utf-16-le", sample[1::2], sample[0::2]),
                                ("utf-16-be", sample[0::2], sample[1::2])):
        units = zip(high, low, strict=True)
        ascii_units = sum(1 for h, b in units if h == 0 and (31 < b < 127 or b in (9, 10, 13)))
        if ascii_units < 0.8 * len(low):
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            return None
        head = text[:4096]
        odd = sum(1 for c in head if not c.isprintable() and c not in "\t\n\r\f")
        return text if odd <= len(head) // 50 else None
    return None


def decode(data: bytes, path: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(Code.E004, path=path) from exc
    if b"\x00" in data[:8192]:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
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
