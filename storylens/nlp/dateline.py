"""Datelines: "Nur-Sultan (Reuters) -", "BERLIN (dpa) -", "Moskau/Berlin (AFP) –"."""

from __future__ import annotations

import re

from storylens.model import Dateline

AGENCIES = {
    "reuters": "Reuters", "dpa": "dpa", "afp": "AFP", "ap": "AP", "apa": "APA", "kna": "KNA",
    "epd": "epd", "sda": "SDA", "ddp": "ddp", "dts": "dts", "ots": "ots", "efe": "EFE",
    "ansa": "ANSA", "tass": "TASS", "xinhua": "Xinhua", "bloomberg": "Bloomberg",
    "rtr": "Reuters", "dapd": "dapd", "afx": "AFX", "ap/dpa": "AP/dpa", "dpa/afp": "dpa/AFP",
}
_DATELINE = re.compile(
    r"^\s*(?P<place>[A-ZÄÖÜ][\w.\-ÄÖÜäöüß]*(?:[ /][A-ZÄÖÜ][\w.\-ÄÖÜäöüß]*){0,3})?"
    r"\s*(?:,\s*\d{1,2}\.\s*\w+\s*)?"
    r"\((?P<agency>[A-Za-z/ ]{2,20})\)\s*[-–—:]\s*"
)
_PLACE_ONLY = re.compile(r"^\s*(?P<place>[A-ZÄÖÜ]{3,}(?:[ /-][A-ZÄÖÜ]{2,})*)\s*[-–—:]\s+")


def find_dateline(text: str) -> Dateline | None:
    m = _DATELINE.match(text)
    if m:
        raw = m.group("agency").strip()
        agency = AGENCIES.get(raw.lower().replace(" ", ""))
        if agency is None and not raw.isupper():
            return None
        place = m.group("place")
        return Dateline(place=place.title() if place and place.isupper() else place,
                        agency=agency or raw, start=m.start(), end=m.end())
    m = _PLACE_ONLY.match(text)
    if m:
        return Dateline(place=m.group("place").title(), agency=None, start=m.start(), end=m.end())
    return None
