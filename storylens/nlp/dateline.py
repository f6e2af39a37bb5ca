"""Datelines: "Nur-Sultan (Reuters) -", "BERLIN (dpa) -", "Moskau/Berlin (AFP) –"."""

from __future__ import annotations

import re

from storylens.model import Dateline
from storylens.nlp import names

AGENCIES = {
    "reuters": "Reuters", "dpa": "dpa", "afp": "AFP", "ap": "AP", "apa": "APA", "kna": "KNA",
    "epd": "epd", "sda": "SDA", "ddp": "ddp", "dts": "dts", "ots": "ots", "efe": "EFE",
    "ansa": "ANSA", "tass": "TASS", "xinhua": "Xinhua", "bloomberg": "Bloomberg",
    "rtr": "Reuters", "dapd": "dapd", "afx": "AFX", "ap/dpa": "AP/dpa", "dpa/afp": "dpa/AFP",
}
_DATELINE = re.compile(
    r"^\s*(?P<place>[A-ZÄÖÜ][\w.\-ÄÖÜäöüß]*(?:[ /][A-ZÄÖÜ][\w.\-ÄÖÜäöüß]*){0,3})?"
    # a date ("Berlin, 3. Januar"), or the state or country of English datelines ("KYIV,
    # Ukraine", "FORT LAUDERDALE, Fla.")
    r"\s*(?:,\s*\d{1,2}\.\s*\w+\s*|,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?\s*)?"
    r"\((?P<agency>[A-Za-z/ ]{2,20})\)\s*[-–—:]\s*"
)
_PLACE_ONLY = re.compile(r"^\s*(?P<place>[A-ZÄÖÜ]{3,}(?:[ /-][A-ZÄÖÜ]{2,})*)\s*[-–—:]\s+")
_TITLE_WORDS = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}")


def find_dateline(text: str) -> Dateline | None:
    m = _DATELINE.match(text)
    if m:
        raw = m.group("agency").strip()
        agency = AGENCIES.get(raw.lower().replace(" ", ""))
        place = m.group("place")
        # An agency not on the list counts in capitals ("(SDA)"), or in title case after a
        # place in capitals, the wire's own style ("PASSAU, Germany (Example Wire) -").
        if agency is None and not raw.isupper() and not (place and place.isupper() and _TITLE_WORDS.fullmatch(raw)):
            return None
        return Dateline(place=place.title() if place and place.isupper() else place,
                        agency=agency or raw, start=m.start(), end=m.end())
    m = _PLACE_ONLY.match(text)  # a place the gazetteers know: "BERLIN:", not "FILE PHOTO:" or "NGO:"
    if m and names.is_known_place(m.group("place").title()):
        return Dateline(place=m.group("place").title(), agency=None, start=m.start(), end=m.end())
    return None
