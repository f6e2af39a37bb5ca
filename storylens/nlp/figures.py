"""Figures: numbers with their unit, what they count, how sure the text is, and who says so.

German number formats are first-class: "2.030" is two thousand and thirty, "1,5" is one and a
half, "rund 19 Millionen" is 19e6 marked approximate, "Dutzende" is a vague dozens.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain

from storylens.model import Figure, Sentence
from storylens.nlp import hanta, names

_WORD_NUMBERS = {
    "ein": 1,
    "eine": 1,
    "einen": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwölf": 12,
    "zwanzig": 20,
    "dreißig": 30,
    "vierzig": 40,
    "fünfzig": 50,
    "hundert": 100,
    "tausend": 1000,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "hundred": 100,
}
_VAGUE = {
    "dutzende": 12,
    "dutzenden": 12,
    "dozens": 12,
    "hunderte": 100,
    "hunderten": 100,
    "hundreds": 100,
    "tausende": 1000,
    "tausenden": 1000,
    "thousands": 1000,
}
_SCALE = {
    "million": 1e6,
    "millionen": 1e6,
    "mio": 1e6,
    "milliarde": 1e9,
    "milliarden": 1e9,
    "mrd": 1e9,
    "billion": 1e9,
    "billionen": 1e12,
    "thousand": 1e3,
    "tausend": 1e3,
    "millions": 1e6,
    "bn": 1e9,
    "mn": 1e6,
}
_APPROX = (
    "fast",
    "knapp",
    "rund",
    "etwa",
    "ungefähr",
    "circa",
    "ca.",
    "mehr als",
    "über",
    "mindestens",
    "bis zu",
    "weniger als",
    "nahezu",
    "annähernd",
    "gut",
    "nearly",
    "almost",
    "about",
    "around",
    "more than",
    "over",
    "at least",
    "up to",
    "some",
    "roughly",
    "approximately",
    "less than",
)
# noun or verb stem -> (counts, unit)
_COUNTED = (
    (
        r"tote[nr]?|todesopfer|todesfäll(?:e|en)|todesfall|getötet|gestorben|starben|umgekommen|ums leben"
        r"|killed|dead|died|deaths|death toll|lives",
        "killed",
        None,
    ),
    (r"verletzte[n]?|verletzt|verwundet|injured|wounded|hurt|injur(?:y|ies)", "injured", None),
    (r"festgenommen|festnahmen|verhaftet|inhaftiert|festgesetzt|arrested|detained|arrests", "arrested", None),
    (
        r"evakuiert|evakuierte[n]?|evakuierungen|in sicherheit gebracht|aus ihren (?:häusern|wohnungen) gebracht"
        r"|ihre (?:häuser|wohnungen) verlassen|evacuat(?:ed|es|e|ing|ion|ions)|evacuees"
        r"|(?:leave|left|flee|fled) their homes",
        "evacuated",
        None,
    ),
    (r"soldat(?:en|innen)?|truppen|fallschirmjäger|troops|soldiers|paratroopers", "soldiers", None),
    (r"polizist(?:en|innen)?|polizeibeamte[n]?|police officers|policemen", "police", None),
    (
        r"einsatzkräfte[n]?|rettungskräfte[n]?|feuerwehrleute[n]?|helfer(?:innen|n)?|rescuers|firefighters",
        "rescuers",
        None,
    ),
    (r"stück|ausrüstung|fahrzeuge|equipment|vehicles|pieces", "equipment", None),
    (r"kilometer[n]?|km|kilometres?|kilometers?|meilen|miles", "distance", "km"),
    (r"meter[n]?|m|metres?|meters?", "distance", "m"),
    (r"prozent|%|percent|per cent|prozentpunkte", "share", "%"),
    (r"euros?|€|eur", "money", "EUR"),
    (r"dollars?|us-dollar|\$|usd", "money", "USD"),
    (r"jahre[n]?|jahr|years?|jährige[nrm]?|-jährige[nrm]?|-year-old", "duration", "years"),
    (r"monate[n]?|monat|months?", "duration", "months"),
    (r"tage[n]?|tag|days?", "duration", "days"),
    (r"wochen?|weeks?", "duration", "weeks"),
    (r"stunden?|hours?", "duration", "hours"),
    (r"zuschauer[n]?|besucher[n]?|fans|spectators|visitors|attendance", "spectators", None),
    (
        r"demonstranten|demonstrierende[n]?|protestierende[n]?|kundgebungsteilnehmer(?:innen|n)?"
        r"|protesters|protestors|demonstrators|marchers",
        "protesters",
        None,
    ),
    (
        r"menschen|personen|leute|einwohner|bewohner(?:innen)?|bürger|flüchtlinge[n]?|migranten"
        r"|asylbewerber[n]?|refugees|migrants|kasachen|people|persons|residents",
        "people",
        None,
    ),
)
_COUNTED_RE = [(re.compile(r"^(?:" + pat + r")\b", re.I), c, u) for pat, c, u in _COUNTED]
# Event verbs anywhere in the clause refine generic counts ("8000 Personen wurden festgenommen").
_EVENT_RE = [(re.compile(r"\b(?:" + pat + r")\b", re.I), c) for pat, c, _ in _COUNTED[:4]]

_SCALES = r"Millionen|Million|Mio\.?|Milliarden|Milliarde|Mrd\.?|Billionen|million|billion|thousand|Tausend|bn|mn"
# A currency sign before a number ("$10 billion", "€5 Millionen", "£2.3bn").
_CURRENCIES = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY_BEFORE = re.compile(r"(US\$|\$|€|£)\s?$")
_NUM = (
    r"(?P<num>[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3}(?![\d.,]))+(?![ \u00a0\u202f]\d)|\d{1,3}(?:\.\d{3})+(?:,\d+)?"
    r"|[1-9]\d{0,2}(?:['\u2019]\d{3})+(?![\d'\u2019])"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
)
_NUMBER_RE = re.compile(
    r"(?<![\w.,/:-])" + _NUM + r"(?![:\d])(?P<suffix>-(?:jährige[nrm]?|year-olds?|fache[nrm]?|prozentige[nrm]?))?"
    r"(?:\s*(?P<scale>" + _SCALES + r")\b)?"
)
# "zehn Milliarden Euro": a number word with its scale.
_WORD_SCALE_RE = re.compile(r"\s+(?P<scale>" + _SCALES + r")\b")
# A scale word anywhere in a figure's text ("2,1 Millionen Euro", "$4.2 billion").
SCALE_WORD = re.compile(r"\b(?P<scale>" + _SCALES + r")(?!\w)", re.I)
# A result ("3:1"), not a time of day ("14:30 Uhr") or a duration ("Video 1:01 min").
_SCORE_RE = re.compile(
    r"(?<![\w.,:])(?P<a>\d{1,2}):(?P<b>\d{1,2})(?![\d:])(?!\s*(?:Uhr|min\b|Min\b|Min\.|Minuten|Std|Stunden|h\b))"
)
_WORD_RE = re.compile(
    r"\b(?P<word>" + "|".join(sorted({*_WORD_NUMBERS, *_VAGUE}, key=len, reverse=True)) + r")\b",
    re.I,
)
_APPROX_RE = re.compile(r"(?:" + "|".join(re.escape(a) for a in _APPROX) + r")\s+$", re.I)
_ATTRIBUTION = [
    re.compile(
        r"\bnach (?:Angaben|Informationen|Schätzungen|Darstellung) (?:von |des |der |aus )?(?P<who>[^,.;:]{2,80}?)(?=\s+(?:\d|waren|wurden|sind|seien|habe|hat|starben|kamen)|[,.;:])",
        re.I,
    ),
    re.compile(r"\blaut (?P<who>[^,.;:]{2,60}?)(?=\s+(?:\d|waren|wurden|sind|seien)|[,.;:])", re.I),
    re.compile(r"\bunter Berufung auf (?P<who>[^,.;:]{2,80}?)(?=\s+(?:berichtet|gemeldet|mitgeteilt)|[,.;:])", re.I),
    re.compile(r"\baccording to (?P<who>[^,.;:]{2,60})", re.I),
    # "..., city officials said." / "..., teilte die Polizei mit."
    re.compile(r",\s+(?P<whole>(?:the\s+)?[\w' -]{2,40}?)\s+(?:said|says|reported|told reporters)\W*$"),
    re.compile(
        r",\s+(?:teilte|teilten|meldete|meldeten|berichtete|berichteten|sagte|erklärte)\s+"
        r"(?P<who>(?:die|der|das|ein|eine)\s+[^,.;:]{2,60}?)(?:\s+mit)?\W*$"
    ),
    # "Police said two people ..."
    re.compile(r"^(?P<who>(?:The\s+)?[A-Z][\w'-]+(?:\s+[\w'-]+){0,2}?)\s+(?:said|says|reported)\b"),
    re.compile(r"\bciting (?P<who>[^,.;:]{2,60})", re.I),
    re.compile(r"(?P<who>[^,.;:]{2,60}?) zufolge\b", re.I),
    re.compile(
        r"\bwie (?P<who>(?:die|der|das) [^,.;:]{2,60}?) (?:mitteilte|berichtete|meldete|sagte|erklärte)\b", re.I
    ),
]
# A clause whose subject reports the figure: "Die Polizei meldete drei Verletzte".
_SUBJECT_REPORTS = re.compile(
    r"\s*(?:[Dd]ie|[Dd]er|[Dd]as)\s+(?P<who>[A-ZÄÖÜ][\wäöüß-]+(?:\s+[A-ZÄÖÜ][\wäöüß-]+)*)\s+"
    r"(?:meldete|meldeten|meldet|berichtete|berichteten|berichtet|zählte|zählten|nannte|nannten|nennt"
    r"|bezifferte|bezifferten|beziffert|(?:sprach|sprachen|spricht)(?=\s+(?:[a-zäöüß]+\s+)?von\b))\b"
)
# "Die Agentur Bloomberg hatte zuvor berichtet, ...": the subject before the auxiliary reports.
# "erklärt" and "mitgeteilt" report only when a clause follows ("hatte erklärt, ein Abitur ...";
# not "zum Feiertag erklärt", "seinen Rücktritt erklärt"); "wie berichtet" cites no one.
_REPORTER = re.compile(
    r"^(?P<who>[^,.;:]{3,60}?)\s+(?:haben|hat|hatten|hatte)\b.*"
    r"(?<!\bwie)(?<!\bwie bereits)\s(?:berichtet|gemeldet|(?:mitgeteilt|erklärt)(?=\s*(?:[,:]|dass\b)))\b",
    re.I,
)
# What may open the subject of a reporting clause (HanTa's STTS tags): an article, a noun or
# name, an adjective or a possessive or demonstrative before its noun. Not an adverb, a
# preposition or a pronoun: "Zuvor hatte ...", "Im Jahr 2014 hatte ...", "Sie hatte ..." put the
# subject after the auxiliary or name no source.
_SUBJECT_OPENS = frozenset({"ART", "NN", "NE", "ADJ(A)", "PPOSAT", "PDAT", "PIAT"})
_UNCONFIRMED = re.compile(
    r"nicht bestätigt|unbestätigt|nicht unabhängig (?:überprüft|bestätigt)|nicht überprüfbar|"
    r"not (?:been )?(?:confirmed|verified)|unconfirmed|could not (?:be )?(?:confirmed|verified)",
    re.I,
)
_ESTIMATED = re.compile(r"schätzungsweise|geschätzt|man geht davon aus|vermutlich|estimated|believed", re.I)
_THIS_NUMBER = re.compile(
    r"\b(?:diese|die) (?:Zahl|Angabe|Angaben|Opferzahl)\b|\b(?:the|this) (?:figure|number|toll)\b", re.I
)
# A bare number that refers back to a figure before it: "Die Polizei meldete drei Verletzte,
# nach Angaben des Roten Kreuzes waren es vier"; "Das Rote Kreuz sprach von vier."
_REFERS_BACK = re.compile(
    r"(?:\b(?:waren|sind|seien|wären|war|ist|sei)\s+es|\bes\s+(?:waren|sind|seien|wären)"
    r"|\b(?:sprach|sprachen|spricht|sprechen)(?:\s+[a-zäöüß]+)?\s+von|\b(?:meldete|meldeten|zählte|zählten|nannte|nannten)"
    r"|\b(?:there were|it was)|\bput (?:the|that) (?:number|figure|toll) at)"
    r"(?:\s+[a-zäöüß.]+){0,2}\s+$"
)
# After the number: nothing that could be what it counts (a punctuation mark, the end, or a
# lower-case word; "waren es vier Hubschrauber" counts something else).
_BARE_AFTER = re.compile(r"\s*(?:$|[,.;:!?)\"“”»«\u2019'-]|[a-zäöüß])")
# Numbers a bare number looks past for the figure it refers back to ("Im Jahr 2020 waren es 12").
_SKIPPED_BACK = ("year", "score", "age")
# "30-jährige Geschichte" is a duration; "81-jährige Ex-Führer" is an age (and so are "a
# 56-year-old star" and "a 70-year-old alliance").
_SPAN_NOUNS = re.compile(
    r"(?:\w+\s+)?(?:Geschichte|Herrschaft|Amtszeit|Krieg|Bestehen|Jubiläum|Unabhängigkeit|Tradition"
    r"|history|rule|tenure|war|tradition|alliance|conflict|career|marriage|treaty|feud)\b", re.I
)


def parse_number(raw: str, lang: str | None) -> float | None:
    s = raw
    if re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f'\u2019]\d{3})+", s):  # 1 825 000, Swiss 10'000
        return float(re.sub(r"\D", "", s))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):  # German thousands: 2.030 / 1.234,5
        return float(s.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        if lang == "de" and s.count(",") == 1 and len(s.split(",")[1]) == 3:
            return float(s.replace(",", "."))  # German decimal "1,500" is 1.5, rare but right
        return float(s.replace(",", ""))
    if "," in s:
        return float(s.replace(",", ".")) if lang != "en" else float(s.replace(",", ""))
    try:
        return float(s)
    except ValueError:
        return None


_ADJECTIVE = re.compile(r"\s*[a-zäöüß]+(?:e|en|er|es|em)\b")
_RATE_WORDS = {"pro", "je", "jeden", "jede", "jedes", "per", "a", "each", "every"}
# The other numbers of a list after a number ("35[, 44 und 49] Toten", "60[ bis 70] Prozent").
# (Six at most: a longer run of numbers is a table, and each number would read all of it.)
_LIST_AFTER = re.compile(r"(?:\s*(?:,|und|oder|bis|sowie|and|or|to|–)\s*\d[\d.,]*(?![\w/])){1,6}")
# What the words after a number are read up to: a parenthesis or a clause break.
_AFTER_CUT = re.compile(r"[()\[\];]|,\s+(?!\d)")


def _what(after: str, listed: bool = False) -> tuple[str | None, str | None, int]:
    """What the number counts, from the words after it (skipping adjectives), within its
    parenthesis or clause.  A number ``listed`` with others (``after`` then starts after the
    last of them) takes the noun right after that one ("35, 44 und 49 Toten", "60 bis 70
    Prozent"); its position is then -1: the noun is not its own text."""
    words = re.findall(r"[\w%€$-]+", _AFTER_CUT.split(after[:80], maxsplit=1)[0])
    for i, word in enumerate(words[: 2 if listed else 4]):
        if word[:1].isdigit():
            break  # the next number owns the words after it
        for pattern, counts, unit in _COUNTED_RE:
            if pattern.match(word):
                return counts, unit, -1 if listed else i
        if i == 0 and word.lower() in ("von", "of"):
            continue
        if word.lower() in _RATE_WORDS:
            break  # "200 Aufgriffen pro Woche": a rate, the week is not what is counted
        if word[:1].isupper() and i > 0:
            break  # a noun that is not in the lexicon: stop looking further
    return None, None, -1


_SCALE_AFTER = re.compile(r"\s*(?P<scale>" + _SCALES + r")\b")


def _listed_scale(sent: str, listed: re.Match[str] | None, raw: str) -> float:
    """The scale a listed number shares with the last of its list (``listed``: "zwischen elf
    und 13,5 Milliarden Euro" is eleven billion), 1 where it has its own or there is none."""
    if not listed or _SCALE_AFTER.search(raw):
        return 1.0
    scale = _SCALE_AFTER.match(sent, listed.end())
    return _SCALE[scale.group("scale").lower().rstrip(".")] if scale else 1.0


def _verb_counts(clause: str) -> str | None:
    for pattern, counts in _EVENT_RE:
        if pattern.search(clause):
            return counts
    return None


_CONNECTORS = {
    "und",
    "der",
    "die",
    "das",
    "des",
    "dem",
    "den",
    "von",
    "in",
    "im",
    "ein",
    "eine",
    "einen",
    "einem",
    "einer",
    "eines",
    "of",
    "the",
    "and",
    "a",
    "an",
}


def _noun_phrase(raw: str) -> str:
    """Trim a source phrase to its noun phrase ("Stadtverwaltung mussten rund" -> "Stadtverwaltung")."""
    words = raw.split()
    kept: list[str] = []
    for w in words:
        if w[:1].isupper() or w.lower() in _CONNECTORS or not kept:
            kept.append(w)
        else:
            break
    while kept and kept[-1].lower() in _CONNECTORS:
        kept.pop()
    return " ".join(kept)


def _source_named(m: re.Match[str]) -> str | None:
    """The source an attribution pattern found: a German phrase trimmed to its noun phrase, an
    English one ("city officials said") as written; a name the alias table knows by its
    preferred form ("des Roten Kreuzes" -> "Rotes Kreuz", "Red Cross" -> "Rotes Kreuz")."""
    whole = m.groupdict().get("whole")
    return _preferred(whole.strip() if whole else _noun_phrase(m.group("who")))


def _preferred(phrase: str | None) -> str | None:
    """A source's name in the alias table's preferred form, where it knows it."""
    known = names.lookup(phrase) if phrase else None
    return known[1] if known else (phrase or None)


def _opens_subject(sentence: str) -> bool:
    """Whether a sentence opens with its subject, by the first word's part of speech (tagged
    in the context of the words after it)."""
    tagged = hanta.hanta_german().tag_sent(sentence.split()[:6])
    return bool(tagged) and tagged[0][2] in _SUBJECT_OPENS


def _attribution(sentence: str, context: str) -> tuple[str | None, str]:
    who = None
    for pattern in _ATTRIBUTION:
        m = pattern.search(sentence)
        if m:
            who = _source_named(m)
            break
    if who is None:
        subject = _SUBJECT_REPORTS.match(sentence)
        who = _preferred(subject.group("who")) if subject else None
    reporter = _REPORTER.search(sentence)
    if reporter and _opens_subject(sentence):
        name = reporter.group("who").strip()
        who = f"{name}, citing {who}" if who else name
    if _UNCONFIRMED.search(sentence) or (_UNCONFIRMED.search(context) and _THIS_NUMBER.search(context)):
        return who, "unconfirmed"
    if _ESTIMATED.search(sentence):
        return who, "estimated"
    return who, "attributed" if who else "stated"


_COUNT_NOUN = re.compile(r"\s*(?:Menschen|Personen|Soldaten|Kilometer|km|Euro|Dollar|Tote|people)", re.I)
# "3. Januar", "3. Mai 2022": a date after a number and its full stop.
_DATE_AFTER = re.compile(
    r"\.\s*(?:[A-ZÄÖÜ][a-zäöü]+\s+\d{4}|Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)"
)
_SPACES = re.compile(r"\s*")
# Numbers that count nothing: web and mail addresses, telephone numbers (after a keyword, in the
# international form, or with an area code and a slash), dates written with full stops
# ("31.12.2019"), house numbers, a postcode line of an address ("27472 Cuxhaven"), and numbers
# with a leading zero ("Beteiligte 02"). Press releases end with a contact block full of them.
_PHONE_CHARS = r"[\d \u00a0()/+.\u2013-]"
_NOT_A_QUANTITY = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+"
    r"|(?:Telefon(?:nummer)?|Rufnummer|Tel\.|Fax|Mobil|Handy|[Pp]hone|Hotline)\s*:?\s*[+\d(]"
    + _PHONE_CHARS + r"{3,}\d"
    r"|\+\d{1,3}" + _PHONE_CHARS + r"{4,}\d"
    r"|\b0\d{2,5} ?/ ?\d[\d \u00a0-]*\d"
    r"|\b(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:\d{4}|\d{2})?(?!\d)"
    r"|\w[\w-]+(?i:stra(?:ß|ss)e|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee)\s+\d{1,4}[a-z]?\b"
    r"|(?m:^[ \t]*\d{5}[ \t]+[A-ZÄÖÜ][\w.-]*(?:[ \t][\w.()-]+){0,2}[ \t]*$)"
    r"|(?<![\w.,])0\d+(?![.,]\d)",
)
# German road numbers: "BAB 27", "A 7", "L 347" (in English "A 1,000-bed" is an article).
_ROAD = re.compile(r"\b(?:BAB|A|B|L|K)\s?\d{1,3}\b(?![.,]\d)")
# (not a bare "am": "2020 am Montag" is German)
_CLOCK_AFTER = re.compile(r"\s*(?:Uhr\b|[ap]\.m\.|o'clock\b)")
_CLAUSE_BREAK = re.compile(r"[,;]")
# How far the clause of a number is read on each side for an event verb.  A clause ends at ',' or
# ';'; news clauses are far shorter, and the bound keeps a text without commas (a pasted table)
# from costing its length for every number in it.
CLAUSE_CHARS = 1000


def _is_year(value: float, raw: str, sent: str, end: int) -> bool:
    """Whether the number ``raw``, ending at ``end`` in ``sent``, is a year."""
    return raw.isdigit() and len(raw) == 4 and 1800 <= value <= 2100 and not _COUNT_NOUN.match(sent, end)


@lru_cache(maxsize=8)
def _words_after(n: int) -> re.Pattern[str]:
    """The next ``n`` words (with what stands between them)."""
    return re.compile(r"(?:\W*[\w%€$-]+){" + str(n) + r"}")


class _Clauses:
    """The ',' and ';' of a sentence, found once: the clause around a number is a lookup."""

    def __init__(self, sent: str) -> None:
        self.sent = sent
        self.breaks = [m.start() for m in _CLAUSE_BREAK.finditer(sent)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The clause of ``sent[start:end]``: from the break before ``start`` to the break at or
        after ``end``, at most CLAUSE_CHARS on each side."""
        k = bisect_left(self.breaks, start) - 1
        left = self.breaks[k] + 1 if k >= 0 else 0
        k = bisect_left(self.breaks, end)
        right = self.breaks[k] if k < len(self.breaks) else len(self.sent)
        return max(left, start - CLAUSE_CHARS), min(right, end + CLAUSE_CHARS)

    def event(self, start: int, end: int, prev_end: int, next_start: int) -> str | None:
        """What the event verb of the number's clause counts: the verb after the number (up to
        the next number), else the one before it (back to the previous number)."""
        left, right = self.span(start, end)
        return _verb_counts(self.sent[end : min(right, next_start)]) or _verb_counts(
            self.sent[max(left, prev_end) : start]
        )

    def source(self, start: int, end: int) -> str | None:
        """Who the clause of a number cites, where the sentence has several clauses and this
        one names a source of its own ("Die Polizei meldete drei Verletzte, nach Angaben des
        Roten Kreuzes waren es vier": the police for the three)."""
        if not self.breaks:
            return None
        left, right = self.span(start, end)
        clause = self.sent[left : right + 1]  # with its closing break, which patterns look for
        subject = _SUBJECT_REPORTS.match(clause)
        if subject:
            return _preferred(subject.group("who"))
        for pattern in _ATTRIBUTION:
            m = pattern.search(clause)
            if m:
                return _source_named(m)
        return None


def _referred(
    sent: str, start: int, end: int, latest_first: Iterable[tuple[str | None, str | None]]
) -> tuple[str | None, str | None] | None:
    """What a bare number at ``sent[start:end]`` counts if it refers back to a figure: the
    (counts, unit) of the last number before it (this sentence or the one before; ``latest_first``
    runs back from the latest), unless that one counts nothing known ("Es waren vier
    Hubschrauber im Einsatz, später waren es sechs")."""
    if not _BARE_AFTER.match(sent, end) or not _REFERS_BACK.search(sent, max(0, start - 60), start):
        return None
    for counts, unit in latest_first:
        if counts in _SKIPPED_BACK:
            continue
        return (counts, unit) if counts is not None else None
    return None


# Words that say a number is the year before's: "(Vorjahr: 380)", "(prior year: 3.9)".
_PRIOR_WORDS = r"Vorjahr(?:eszeitraum)?|Vj\.|previous year|prior year|a year earlier"
_PRIOR = r"(?:" + _PRIOR_WORDS + r")?:?\s*"
_BRACKETS_NEXT = re.compile(r"\s*\(" + _PRIOR + r"\d[\d.,]*\s*\)")
_BRACKET_CLOSE = re.compile(r"\s*\)")
_BRACKET_OPENED = re.compile(r"\d[\d.,]*\s*\(" + _PRIOR + r"$")
_PLAIN_NUMBER = re.compile(r"[\d.,]+")


def _past_brackets(sent: str, start: int, end: int, raw: str) -> tuple[int, bool] | None:
    """Where the words after a number with a bracketed counterpart start, and whether the
    number stands before the brackets: "1,8 (1,6) Milliarden", "420 (Vorjahr: 380) Millionen".
    None for a number without one (or with its own scale)."""
    if not _PLAIN_NUMBER.fullmatch(raw):
        return None
    after = _BRACKETS_NEXT.match(sent, end)
    if after:
        return after.end(), True
    close = _BRACKET_CLOSE.match(sent, end)
    if close and _BRACKET_OPENED.search(sent, max(0, start - 40), start):
        return close.end(), False
    return None


_PRIOR_OPEN = re.compile(r"\(\s*(?P<word>" + _PRIOR_WORDS + r")\s*:?\s*$")


def _prior_of(sent: str, start: int, end: int, previous: Figure, offset: int) -> tuple[int, float] | None:
    """Where a bare number in "(Vorjahr: 150)" right after the figure ``previous`` starts its
    text (at "Vorjahr"), and the scale it shares with that figure ("Millionen"); None for any
    other number. ``offset`` is where the sentence starts in the text."""
    opened = _PRIOR_OPEN.search(sent, max(0, start - 40), start)
    if not opened or not _BRACKET_CLOSE.match(sent, end) or previous.counts is None:
        return None
    if sent[previous.end - offset : opened.start()].strip():
        return None  # words between the figure and the brackets: not its value of the year before
    scale = SCALE_WORD.search(previous.text)
    return opened.start("word"), (_SCALE[scale["scale"].lower().rstrip(".")] if scale else 1.0)


def _masked(sent: str, lang: str | None) -> list[tuple[int, int]]:
    """The spans of ``sent`` whose numbers count nothing, in order."""
    spans = [m.span() for m in _NOT_A_QUANTITY.finditer(sent)]
    if lang != "en":
        spans += [m.span() for m in _ROAD.finditer(sent)]
        spans.sort()
    return spans


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    i = bisect_left(spans, (offset + 1,)) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def find_figures(text: str, sentences: Sequence[Sentence], lang: str | None) -> tuple[Figure, ...]:
    figures: list[Figure] = []
    # What the numbers of the previous sentence and of this one so far count, in order.
    before: list[tuple[str | None, str | None]] = []
    for s in sentences:
        earlier: list[tuple[str | None, str | None]] = before
        before = []
        sent = text[s.start : s.end]
        following = text[s.end : s.end + 300]
        candidates: list[tuple[int, int, float, str | None]] = []
        masked = _masked(sent, lang)
        for m in _NUMBER_RE.finditer(sent):
            if masked and _inside(m.start(), masked):
                continue  # a telephone number, a date, an address...
            value = parse_number(m.group("num"), lang)
            if value is None:
                continue
            if sent[m.end() : m.end() + 1] == "." and _DATE_AFTER.match(sent, m.end()):
                continue  # "3. Januar": a date, handled by dates
            if _CLOCK_AFTER.match(sent, m.end()):
                continue  # "um 5 Uhr", "7.30 Uhr", "at 5 p.m.": a time of day
            if m.group("scale"):
                value *= _SCALE[m.group("scale").lower().rstrip(".")]
            candidates.append((m.start(), m.end(), value, m.group("suffix")))
        for m in _SCORE_RE.finditer(sent):
            if masked and _inside(m.start(), masked):
                continue
            # One figure for the result; the value encodes both sides (3:1 -> 3.01) so that two
            # articles reporting different results conflict, and the text shows it as written.
            value = int(m.group("a")) + int(m.group("b")) / 100
            candidates.append((m.start(), m.end(), value, "score"))
        for m in _WORD_RE.finditer(sent):
            word = m.group("word").lower()
            if word in ("ein", "eine", "einen", "one"):
                continue  # articles, far more often than numbers
            value = float(_VAGUE.get(word, _WORD_NUMBERS.get(word, 0)))
            end = m.end()
            scale = _WORD_SCALE_RE.match(sent, end)
            if scale and word not in _VAGUE:
                value *= _SCALE[scale.group("scale").lower().rstrip(".")]
                end = scale.end()
            candidates.append((m.start(), end, value, "vague" if word in _VAGUE else None))
        # Per sentence, not per number: the clause breaks, and who the sentence cites.
        clauses: _Clauses | None = None
        attribution: tuple[str | None, str] | None = None
        candidates.sort()
        starts = [c[0] for c in candidates]
        for i, (start, end, value, suffix) in enumerate(candidates):
            raw = sent[start:end]
            # The numbers listed with this one ("35[, 44 und 49] Toten"), read once for what
            # they count, their scale and their verb.
            listed = _LIST_AFTER.match(sent, end, end + 80)
            rest = listed.end() if listed else end
            # "1,8 (1,6) Milliarden Euro": the value of the year before in brackets; scale and
            # noun after the brackets belong to both numbers.
            paren = None if listed or suffix else _past_brackets(sent, start, end, raw)
            if paren is not None:
                rest, outer = paren
                scale_m = _SCALE_AFTER.match(sent, rest)
                if scale_m:
                    value *= _SCALE[scale_m.group("scale").lower().rstrip(".")]
                    rest = scale_m.end()
            counts: str | None
            unit: str | None
            if suffix == "score":
                counts, unit, pos = "score", None, -1
            elif suffix and ("jährig" in suffix or "year-old" in suffix):
                space = _SPACES.match(sent, end)  # (always matches: it may match nothing)
                is_span = _SPAN_NOUNS.match(sent, space.end() if space else end) or value >= 130
                counts, unit, pos = ("duration" if is_span else "age"), "years", 0
            elif currency := _CURRENCY_BEFORE.search(sent, max(0, start - 4), start):
                # "$10 billion", "€5 million", "£2.3bn": money, whatever words follow
                counts, unit, pos = "money", _CURRENCIES[currency.group(1)], -1
                start, raw = currency.start(1), sent[currency.start(1) : end]
            else:
                counts, unit, pos = _what(sent[rest : max(end, rest) + 80], listed is not None)
                value *= _listed_scale(sent, listed, raw)
            # A year-like number whose counted noun comes later is a year ("2020 kniet ein
            # Polizist"), unless an adjective stands between ("2000 weitere Menschen").
            later = pos > 0 and not (pos == 1 and _ADJECTIVE.match(sent, end))
            if (counts is None or later) and _is_year(value, raw.strip(), sent, end):
                counts, unit = "year", None
            if counts in (None, "people", "protesters"):
                # The event verb may stand after the number or before it, within its clause and
                # not past a neighbouring number ("1,200 people were evacuated and 164 killed");
                # it says what protesters count too ("Dutzende Demonstranten wurden verletzt").
                clauses = clauses or _Clauses(sent)
                prev_end = candidates[i - 1][1] if i > 0 else 0
                # (the numbers listed with this one share its verb: "between 300 and 400 ...")
                k = bisect_left(starts, rest, i + 1)
                next_start = starts[k] if k < len(starts) else len(sent)
                counts = clauses.event(start, end, prev_end, next_start) or counts

            if counts is None and paren is None and figures and figures[-1].sentence == s.index:
                # "200 Millionen Euro (Vorjahr: 150)": the year before's value of the figure
                # just before the brackets, in its unit and scale; its text says "Vorjahr: 150".
                prior = _prior_of(sent, start, end, figures[-1], s.start)
                if prior is not None:
                    start, prior_scale = prior
                    counts, unit, value = figures[-1].counts, figures[-1].unit, value * prior_scale
            if counts is None:
                # (lazily, latest first: copying the history for every number was quadratic)
                history = chain(reversed(before), reversed(earlier))
                counts, unit = _referred(sent, start, end, history) or (None, unit)
            before.append((counts, unit))
            if counts is None and not raw[:1].isdigit():
                continue
            if counts is None and value < 10 and not raw[:1].isdigit():
                continue
            approx_m = _APPROX_RE.search(sent[max(0, start - 20) : start])
            approx = approx_m.group(0).strip().lower() if approx_m else ("vague" if suffix == "vague" else None)
            attribution = attribution or _attribution(sent, following)
            who, certainty = attribution
            clauses = clauses or _Clauses(sent)
            own = clauses.source(start, end)
            if own:
                who, certainty = own, ("attributed" if certainty == "stated" else certainty)
            span_end = end
            if paren is not None:
                # the bracketed number alone; the number before the brackets up to its noun
                word_m = _words_after(pos + 1).match(sent, rest) if outer and pos >= 0 else None
                span_end = word_m.end() if word_m else end
            elif pos >= 0 and counts not in ("year",):
                word_m = _words_after(pos + 1).match(sent, end)
                span_end = word_m.end() if word_m else end
            figures.append(
                Figure(
                    start=s.start + start,
                    end=s.start + span_end,
                    text=text[s.start + start : s.start + span_end].strip(),
                    value=value,
                    unit=unit,
                    counts=counts,
                    sentence=s.index,
                    approx=approx,
                    attribution=who,
                    certainty=certainty if counts not in ("year", "duration", "age") else "stated",
                )
            )
    figures.sort(key=lambda f: f.start)
    return tuple(figures)
