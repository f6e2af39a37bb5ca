"""Recurring series: press releases of one police office, the market report of one exchange.

Articles of a series share a headline prefix ("POL-HAM: ...", "Aktien New York Schluss: ...")
and a template (office address, "Zeugen gesucht", index levels), so their lead vectors look
alike even when they report different burglaries or different trading days. The story clusterer
asks two articles of one series for a much closer match before it links them
(``stories.series_min_cosine``; :mod:`storylens.cluster.score`).

Which prefixes mark a series is a closed list, not learned from the stream: a prefix that merely
recurs ("Coronavirus: ...", "Thüringen: ...") is a topic, and two articles on one topic may well
tell one story.
"""

from __future__ import annotations

import re

from storylens.model import Article

# Press offices on Germany's press portals: police (POL, BPOL...), fire brigades (FW), customs
# (ZOLL, HZA), state police and criminal offices, followed by the office's own code:
# "POL-HAM:", "POL-Bremerhaven:", "FW-BO:", "BPOLD-FL:", "LPI-EF:", "POL-PDWIL:".
_PRESS_OFFICE = (
    r"(?:POL|BPOL[A-Z]{0,2}|FW|FFW|ZOLL|HZA|LPI|LPD|KPI|KPD|PP|PD|PI|LKA|BKA|THW|DRK|STA|GZD)"
    r"-[A-Za-zÄÖÜäöüß0-9]{1,24}(?:-[A-Za-z0-9]{1,10})?"
)
# Market reports of the wire services, by market, with the edition words they carry:
# "Aktien New York Schluss:", "Aktien Frankfurt Ausblick:", "Devisen:", "US-Anleihen:".
_MARKET = (
    r"Aktien (?:New York|Frankfurt|Europa|Asien|Wien|Schweiz|Zürich|London|Paris|Mailand|Madrid"
    r"|Tokio|Japan|China|Hongkong|Osteuropa)"
    r"|(?:Deutsche |US-|Euro-)?Anleihen|Devisen|Ölpreise?|Goldpreis|Erdgaspreise?|Kryptowährungen"
    r"|Dax-Flash"
)
_EDITION = r"(?: (?:Eröffnung|Ausblick|Auftakt|Schluss|Schluß|Mittag|Überblick|Prognose|Fortsetzung))*"
_SERIES = re.compile(
    rf"\s*(?:(?P<office>{_PRESS_OFFICE})\s*(?:\([^)]{{0,30}}\))?\s*:"
    rf"|(?P<market>{_MARKET}){_EDITION}\s*(?::|\s[-–]\s))"
)


def series_key(headline: str) -> str | None:
    """The series a headline belongs to ("pol-ham", "aktien new york"), else None."""
    match = _SERIES.match(headline)
    if match is None:
        return None
    return (match.group("office") or match.group("market")).lower()


def series_of(article: Article) -> str | None:
    """The series of an article, from its title or, without one, its first line."""
    return series_key(article.headline(120))
