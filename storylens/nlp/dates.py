"""Dates mentioned in the text, resolved against the article date where it allows."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from storylens.model import DateMention, Sentence
from storylens.nlp.intervals import Intervals

MONTHS = {
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "october": 10,
    "december": 12,
}
WEEKDAYS = {
    "montag": 0,
    "dienstag": 1,
    "mittwoch": 2,
    "donnerstag": 3,
    "freitag": 4,
    "samstag": 5,
    "sonnabend": 5,
    "sonntag": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_MONTH_ALT = "|".join(MONTHS)
_DAY_ALT = "|".join(WEEKDAYS)
_PATTERNS = [
    ("full", re.compile(r"\b(?P<d>\d{1,2})\.\s*(?P<m>" + _MONTH_ALT + r")\s+(?P<y>\d{4})\b", re.I)),
    ("full", re.compile(r"\b(?P<m>" + _MONTH_ALT + r")\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})\b", re.I)),
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<mm>\d{2})-(?P<d>\d{2})\b")),
    ("numeric", re.compile(r"\b(?P<d>\d{1,2})\.(?P<mm>\d{1,2})\.(?P<y>\d{4})\b")),
    ("daymonth", re.compile(r"\b(?P<d>\d{1,2})\.\s*(?P<m>" + _MONTH_ALT + r")\b", re.I)),
    ("monthyear", re.compile(r"\b(?P<m>" + _MONTH_ALT + r")\s+(?P<y>\d{4})\b", re.I)),
    (
        "weekday",
        re.compile(
            r"\b(?:am\s+|on\s+|seit\s+|this\s+)?(?:(?P<fwd>kommenden|nächsten|next|coming)\s+|"
            r"(?P<bwd>letzten|letztem|vergangenen|last|past)\s+)?(?P<wd>" + _DAY_ALT + r")\b",
            re.I,
        ),
    ),
    (
        "ago",
        re.compile(
            r"\b(?:vor\s+(?P<n>\d+|einem|einer|zwei|drei|vier|fünf|zehn|zwanzig|dreißig)\s+(?P<u>Jahren|Jahr|Monaten|Monat|Wochen|Woche|Tagen|Tag)|(?P<n2>\d+|one|two|three|four|five|ten)\s+(?P<u2>years?|months?|weeks?|days?)\s+ago)\b",
            re.I,
        ),
    ),
    ("lastweek", re.compile(r"\b(?:letzte[n]?\s+Woche|vergangene[n]?\s+Woche|last\s+week)\b", re.I)),
    ("nextweek", re.compile(r"\b(?:nächste[n]?\s+Woche|kommende[n]?\s+Woche|next\s+week)\b", re.I)),
    # "morgen" (tomorrow) is written in lower case; "Morgen" inside a sentence is the morning
    # ("am Morgen", "heute Morgen"), so only a sentence may open with a capital "Morgen".
    (
        "today",
        re.compile(r"\b(?:heute|gestern|vorgestern|today|yesterday|tomorrow|(?-i:morgen)|(?-i:^Morgen))\b", re.I),
    ),
    ("year", re.compile(r"\b(?:im\s+Jahr\s+|in\s+)?(?P<y>(?:19|20)\d{2})\b")),
]
_SMALL = {
    "einem": 1,
    "einer": 1,
    "one": 1,
    "zwei": 2,
    "two": 2,
    "drei": 3,
    "three": 3,
    "vier": 4,
    "four": 4,
    "fünf": 5,
    "five": 5,
    "zehn": 10,
    "ten": 10,
    "zwanzig": 20,
    "dreißig": 30,
}


# Month abbreviations as used in ctime, RFC 2822 and German/English datelines ("4. Jan. 2020").
_MONTH_ABBR = {name[:3]: num for name, num in MONTHS.items()} | {"mär": 3, "mrz": 3, "okt": 10, "dez": 12}
_CTIME = re.compile(
    r"(?:[A-Za-z]{3},?\s+)?(?P<mon>[A-Za-zä]{3,9})\.?\s+(?P<d>\d{1,2})(?:,\s*|\s+)"
    r"(?:[\d:]+\s+)?(?P<y>\d{4})\b"
)
_DAY_FIRST = re.compile(
    r"(?:[A-Za-z]{2,9},?\s+)?(?P<d>\d{1,2})(?:\.\s*|\s+)(?P<mon>[A-Za-zä]{3,9})\.?,?\s+(?P<y>\d{4})\b"
)
_NUMERIC = re.compile(r"(?P<d>\d{1,2})\.(?P<mm>\d{1,2})\.(?P<y>\d{4})\b")
# Years outside this range are placeholders ("Fri Nov 30 00:00:00 0001") or typos, not dates.
_YEARS = range(1800, 2200)


def _month(word: str) -> int | None:
    low = word.lower()
    return MONTHS.get(low) or _MONTH_ABBR.get(low[:3])


def parse_published(value: str | None) -> tuple[dt.date | None, str]:
    """An article date and its precision: 'day', 'month', 'year' or 'none'.

    Reads ISO 8601 ("2022-01-07", "2022-01-07T10:00:00Z", "2022-01", "2022"), RFC 2822 as
    in feeds ("Fri, 07 Jan 2022 10:00:00 +0000"), C ``ctime`` ("Fri Jan  7 10:00:00 2022"),
    German and English written dates ("7. Januar 2022", "07.01.2022", "January 7, 2022").
    Anything else, and placeholder years such as 0001, gives (None, 'none').
    """
    if not value:
        return None, "none"
    text = value.strip()
    found: tuple[int, int | None, int | None] | None = None
    if m := re.match(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?![\d.])", text):
        y, mo, d = m.groups()
        found = (int(y), int(mo) if mo else None, int(d) if d else None)
    elif m := _NUMERIC.match(text):
        found = (int(m["y"]), int(m["mm"]), int(m["d"]))
    elif (m := _CTIME.match(text) or _DAY_FIRST.match(text)) and (month := _month(m["mon"])):
        found = (int(m["y"]), month, int(m["d"]))
    if found is None or found[0] not in _YEARS:
        return None, "none"
    y, mo, d = found
    try:
        if d and mo:
            return dt.date(y, mo, d), "day"
        if mo:
            return dt.date(y, mo, 1), "month"
        return dt.date(y, 1, 1), "year"
    except ValueError:
        return None, "none"


def iso_published(value: str | None) -> str | None:
    """``value`` as an ISO date at the precision it has ("2022-01-07", "2022-01", "2022"), or None."""
    date, precision = parse_published(value)
    if date is None:
        return None
    return {"day": date.isoformat(), "month": date.isoformat()[:7]}.get(precision, str(date.year))


def _resolve(kind: str, m: re.Match[str], ref: dt.date | None, precision: str) -> tuple[str | None, str]:
    g = m.groupdict()
    month = MONTHS.get((g.get("m") or "").lower()) or (int(g["mm"]) if g.get("mm") else None)
    if kind in ("full", "iso", "numeric"):
        try:
            return dt.date(int(g["y"]), int(month or 1), int(g["d"])).isoformat(), "day"
        except ValueError:
            return None, "unknown"
    if kind == "daymonth":
        year = ref.year if ref else None
        return (f"{year:04d}-{month:02d}-{int(g['d']):02d}" if year and month else None), "day"
    if kind == "monthyear":
        return f"{int(g['y']):04d}-{month:02d}", "month"
    if kind == "year":
        return g["y"], "year"
    if kind == "weekday":
        if ref and precision == "day":
            target = WEEKDAYS[g["wd"].lower()]
            if g.get("fwd"):  # "am kommenden Samstag": the next one after the article date
                return (ref + dt.timedelta(days=(target - ref.weekday() - 1) % 7 + 1)).isoformat(), "day"
            back = (ref.weekday() - target) % 7  # news report in the past: the last one
            if g.get("bwd") and back == 0:
                back = 7
            return (ref - dt.timedelta(days=back)).isoformat(), "day"
        return None, "weekday"
    if kind == "ago":
        n_raw = (g.get("n") or g.get("n2") or "1").lower()
        n = int(n_raw) if n_raw.isdigit() else _SMALL.get(n_raw, 1)
        unit = (g.get("u") or g.get("u2") or "").lower()
        if ref is None:
            return None, "unknown"
        if unit.startswith(("jahr", "year")):
            return str(ref.year - n), "year"
        if unit.startswith(("monat", "month")) and precision in ("day", "month"):
            total = ref.year * 12 + ref.month - 1 - n
            return f"{total // 12:04d}-{total % 12 + 1:02d}", "month"
        if precision == "day":
            days = n * 7 if unit.startswith(("woche", "week")) else n
            return (ref - dt.timedelta(days=days)).isoformat(), "day"
        return None, "unknown"
    if kind in ("lastweek", "nextweek"):
        if ref and precision == "day":
            shift = -7 if kind == "lastweek" else 7
            monday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(days=shift)
            return f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}", "week"
        return None, "week"
    if kind == "today":
        word = m.group(0).lower()
        offset = {
            "heute": 0,
            "today": 0,
            "gestern": -1,
            "yesterday": -1,
            "vorgestern": -2,
            "morgen": 1,
            "tomorrow": 1,
        }.get(word, 0)
        if ref and precision == "day":
            return (ref + dt.timedelta(days=offset)).isoformat(), "day"
        return None, "day"
    return None, "unknown"


# "2000 Menschen": a count, not a year (matched at the end of the number, in its sentence).
_COUNTED_AFTER_YEAR = re.compile(r"\s*(?:Menschen|Personen|Soldaten|Kilometer|Euro)")


def find_dates(text: str, sentences: Sequence[Sentence], published: str | None) -> tuple[DateMention, ...]:
    ref, precision = parse_published(published)
    found: list[DateMention] = []
    taken = Intervals()  # what earlier (or stronger) patterns matched: no overlapping mentions
    for s in sentences:
        sent = text[s.start : s.end]
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(sent):
                start, end = s.start + m.start(), s.start + m.end()
                if taken.overlaps(start, end):
                    continue
                if kind == "year" and _COUNTED_AFTER_YEAR.match(sent, m.end()):
                    continue
                value, granularity = _resolve(kind, m, ref, precision)
                taken.add(start, end)
                found.append(DateMention(start, end, text[start:end], value, granularity, s.index))
    found.sort(key=lambda d: d.start)
    return tuple(found)
