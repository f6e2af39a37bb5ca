"""German names that begin with adjectives, as the text inflects them and in their own form.

"der Europäischen Zentralbank", "des Zweiten Weltkriegs", "dem Interdisziplinären Zentrum": a
German name of adjectives and a noun changes its endings with the case, so one organisation is
written three ways in one story. :func:`reading` takes such a name apart with HanTa (which
words are adjectives, the noun's lemma), :func:`stem_form` gives the form a key is made of (the
adjectives without their endings, the noun's lemma: the same for every case) and
:func:`nominative` the name as a list or a table gives it ("Europäische Zentralbank", "Zweiter
Weltkrieg", "Interdisziplinäres Zentrum"), where the noun's gender is known from its ending.

Words HanTa does not read as an attributive adjective stay as they are: place adjectives that
never change ("Frankfurter", "Wiener"), nouns ("Kronen Zeitung"), English and other foreign
words ("Golden State", "Blue Origin", which HanTa tags as foreign or proper nouns).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from storylens.nlp.hanta import hanta_german

_ADJECTIVE_ENDINGS = ("en", "em", "er", "es", "e")
# The strong (no article) nominative ending by the noun's gender; plural "e".
_STRONG = {"m": "er", "f": "e", "n": "es", "pl": "e"}

# A noun's gender read from how its lemma ends (compounds take the gender of their last part:
# "Strafgerichtshof" is a "-hof"). Only endings that name one gender; any other noun has none
# here and its name keeps the form the text gives it.
_GENDER_BY_ENDING = {
    "f": (
        "ung", "heit", "keit", "schaft", "ion", "tät", "ik", "ei", "ie", "ur", "anz", "enz",
        "bank", "agentur", "liga", "post", "bahn", "stelle", "liste", "allianz", "front", "kammer",
        "gruppe", "straße", "strasse", "gasse", "allee", "brücke", "insel", "stadt", "halle",
        "börse", "oper", "kirche", "schule", "akademie", "armee", "marine", "luftwaffe",
        "föderation", "versammlung", "behörde", "initiative", "plattform", "messe", "mannschaft",
        "auswahl", "bibliothek", "galerie", "arena", "burg", "mauer", "küste", "bucht", "wüste",
        "provinz", "kolonie", "zone", "grenze", "gemeinde", "kommune", "kasse", "holding",
        "rundschau", "presse", "woche", "nacht", "schlacht", "krise", "wende", "wehr", "wache",
    ),
    "n": (
        "ium", "zentrum", "ment", "spiel", "emirat", "haus", "amt", "institut", "gericht", "museum", "kreuz", "reich",
        "land", "meer", "tal", "gebirge", "festival", "forum", "netzwerk", "bündnis", "kabinett",
        "kommando", "team", "orchester", "konsortium", "gremium", "sekretariat", "kommissariat",
        "tribunal", "labor", "stadion", "hotel", "blatt", "magazin", "journal", "portal", "archiv",
        "kloster", "schloss", "dorf", "viertel", "revier", "ufer", "gebiet", "massiv", "abkommen",
        "programm", "projekt", "turnier", "konzil", "regime", "militär", "heer", "syndikat",
        "kartell", "komitee", "büro", "werk", "theater", "parlament", "krankenhaus",
    ),
    "m": (
        "krieg", "hof", "fonds", "rat", "tag", "bund", "dienst", "verband", "verein", "kongress",
        "konzern", "senat", "ausschuss", "staat", "osten", "westen", "norden", "süden",
        "untergrund", "gipfel", "markt", "platz", "weg", "berg", "fluss", "wald", "hafen",
        "bahnhof", "rundfunk", "club", "klub", "verlag", "ismus", "kanal", "park", "preis",
        "pokal", "frieden", "vertrag", "pakt", "zoll", "block", "kreis", "bezirk", "konvent",
        "orden", "kontinent", "ozean", "golf", "palast", "dom", "turm", "tunnel", "ring", "damm",
        "strom", "aufstand", "putsch", "frühling", "appell", "plan", "apparat", "kurier",
    ),
}


def _adjective_ending(word: str) -> str:
    """The longest adjective ending ``word`` has, or ""."""
    return next((e for e in _ADJECTIVE_ENDINGS if word.endswith(e)), "")


def without_adjective_ending(word: str) -> str:
    """The word less the longest adjective ending it has ("europäischen" -> "europäisch")."""
    return word[: len(word) - len(_adjective_ending(word))]


def _gender(lemma: str) -> str | None:
    low = lemma.lower().rsplit("-", 1)[-1]
    # The longest ending decides ("Gericht" n, but "Gerichtshof" m).
    best: tuple[int, str | None] = (0, None)
    for gender, endings in _GENDER_BY_ENDING.items():
        for ending in endings:
            if low.endswith(ending) and len(ending) > best[0]:
                best = (len(ending), gender)
    return best[1]


# HanTa scores the words its lexicon knows above about -20 and guesses unknown ones from their
# endings ("Jihadistengruppe" and "Raiffeisen" come out as adjectives at -31 and -33); a guess
# counts only with an adjective's own suffix ("transsibirisch", "bolivarisch").
_KNOWN_SCORE = -22.0
_ADJECTIVE_SUFFIXES = ("isch", "lich", "ig", "är", "al", "iv", "ell", "bar", "los", "haft", "sam")


@lru_cache(maxsize=65_536)
def _is_adjective(word: str, lemma: str) -> bool:
    known = any(tag == "ADJ(A)" and score > _KNOWN_SCORE for tag, score in hanta_german().tag_word(word))
    return known or lemma.endswith(_ADJECTIVE_SUFFIXES)


@dataclass(frozen=True, slots=True)
class Reading:
    """A name of leading adjectives, a noun and what follows ("Demokratischen Republik Kongo")."""

    words: tuple[str, ...]
    stems: tuple[str | None, ...]  # per leading adjective: the word less its ending; None: unchanging
    endings: tuple[str, ...]  # the endings the text gave them
    noun: str  # the noun as written
    lemma: str  # its lemma ("Weltkriegs" -> "Weltkrieg")
    rest: tuple[str, ...]  # the words after the noun ("Kongo", "für Menschenrechte")


@lru_cache(maxsize=65_536)
def reading(name: str) -> Reading | None:
    """The name read as inflectable adjectives before a noun, or None where it is not one (or
    has no adjective whose ending changes)."""
    words = tuple(name.split())
    if len(words) < 2 or not all(w[:1].isupper() for w in words[:2]) or not words[0].endswith(_ADJECTIVE_ENDINGS):
        return None  # (checked before asking HanTa, which takes a millisecond or two a name)
    tagged = hanta_german().tag_sent(list(words), taglevel=1)
    stems: list[str | None] = []
    endings: list[str] = []
    for word, lemma, tag in tagged:
        if tag != "ADJ(A)" or not word[:1].isupper() or not _is_adjective(word.lower(), lemma.lower()):
            break
        low = word.lower()
        ending = _adjective_ending(low)
        if lemma.lower() == low or not ending or len(word) - len(ending) < 3:
            stems.append(None)  # "Frankfurter", "Wiener": one form in every case
            endings.append("")
        else:
            stems.append(word[: -len(ending)])
            endings.append(ending)
    n = len(stems)
    if n == 0 or n >= len(words) or all(s is None for s in stems):
        return None
    noun, lemma, tag = tagged[n]
    if tag not in ("NN", "NNA") or not noun[:1].isupper():
        return None
    if noun.lower().startswith(lemma.lower()):
        lemma = noun[: len(lemma)]  # HanTa writes "Presse-agentur"
    return Reading(words, tuple(stems), tuple(endings), noun, lemma, words[n + 1 :])


def _adjectives(r: Reading, ending: str) -> list[str]:
    """The reading's adjectives, each changing one given ``ending`` ("" for the stem)."""
    return [w if s is None else s + ending for s, w in zip(r.stems, r.words, strict=False)]


def names_a_thing(r: Reading) -> bool:
    """Whether the noun of a reading is one names are made of, in the singular ("Liste", "Krieg",
    "Museums", "Statistikamt"; not "Kinder", "Exporte", "Machtkampf"): a noun whose ending
    says its gender here."""
    singular = r.noun in (r.lemma, r.lemma + "s", r.lemma + "es")
    return singular and _gender(r.lemma) is not None


def stem_form(name: str) -> str:
    """The name with its adjectives' endings cut and its noun's lemma, the same for every case
    ("Europäischen Zentralbank" and "Europäische Zentralbank": "Europäisch Zentralbank"); any
    other name as it is."""
    r = reading(name)
    if r is None:
        return name
    return " ".join([*_adjectives(r, ""), r.lemma, *r.rest])


def nominative(name: str) -> str | None:
    """The name in the form a list gives it, strong nominative ("des Zweiten Weltkriegs" ->
    "Zweiter Weltkrieg", "der Palästinensischen Befreiungsorganisation" -> "Palästinensische
    Befreiungsorganisation", "den Olympischen Spielen" -> "Olympische Spiele"), or None where
    it cannot be told: not such a name, a noun of unknown gender, or a case the words leave
    open (a masculine plural in -en may be a dative, "Staaten" or "Tagen"; "die Freien Wähler",
    "Wähler" is singular and plural alike)."""
    r = reading(name)
    if r is None:
        return None
    gender = _gender(r.lemma)
    plural = _plural_nominative(r, gender)
    if plural is not None:
        return " ".join([*_adjectives(r, _STRONG["pl"]), plural, *r.rest])
    if gender is None:
        return None
    noun = r.noun
    if noun == r.lemma or (gender != "f" and noun in (r.lemma + "s", r.lemma + "es")):
        number = "sg"
        noun = r.lemma
        unstressed = r.lemma.lower().endswith(("er", "el", "en")) and r.lemma[-3:-2] not in "aeiouäöü"
        if gender != "f" and unstressed and "en" in r.endings:
            return None  # singular and plural alike: "den Freien Wählern" / "dem Freien Wähler"
    else:
        number = "pl"
        if noun.endswith("n"):
            return None  # "Nationen" (nominative) or "Spielen" (dative of "Spiele")
    ending = _STRONG["pl" if number == "pl" else gender]
    return " ".join([*_adjectives(r, ending), noun, *r.rest])


def _plural_nominative(r: Reading, gender: str | None) -> str | None:
    """The nominative of a plural noun in -n where its form tells: a feminine noun's plural is
    the same in every case ("Kanarischen Inseln", "Vereinten Nationen"); a noun in -er or -el
    not feminine takes the -n in the dative only ("den Freien Wählern": Wähler); a neuter
    noun's -en is the dative of a plural in -e ("den Olympischen Spielen": Spiele)."""
    noun, lemma = r.noun, r.lemma
    if gender == "f" and noun in (lemma + "n", lemma + "en"):
        return noun
    if gender != "f" and noun == lemma + "n" and lemma.endswith(("er", "el")):
        return lemma
    if gender == "n" and noun == lemma + "en":
        return lemma + "e"
    return None


def case_variants(name: str) -> list[str]:
    """The name with each ending its adjectives can have and its noun as written or as its
    lemma, for looking it up in a table of names in their own form ("Vereinigten Staaten" ->
    "Vereinigte Staaten", "Internationalen Währungsfonds" -> "Internationaler Währungsfonds")."""
    r = reading(name)
    if r is None:
        return []
    out = []
    plural = _plural_nominative(r, _gender(r.lemma))
    for ending in ("e", "er", "es"):
        for noun in dict.fromkeys(n for n in (r.noun, r.lemma, plural) if n):
            form = " ".join([*_adjectives(r, ending), noun, *r.rest])
            if form != name:
                out.append(form)
    return out


# How a name's last letters change with the case where its form is otherwise kept: German
# genitive ("Orbans", "Kasachstans", "Bundestages", "Gantz’"), English possessive ("Orban's").
GENITIVE_ENDINGS = ("s", "es", "'", "’")
_CASE_SUFFIXES = (*GENITIVE_ENDINGS, "'s", "’s")


def _same_word_inflected(x: str, y: str) -> bool:
    if x == y:
        return True
    if any(x == y + s or y == x + s for s in _CASE_SUFFIXES):
        return True
    # "Europäischen" / "Europäische": an adjective's ending (capitalised words of a name only).
    stem = without_adjective_ending(x)
    return x[:1].isupper() and len(stem) >= 4 and stem == without_adjective_ending(y)


def is_inflected_form(form: str, of: str) -> bool:
    """Whether ``form`` is the name ``of`` in another case: the same words but for a genitive
    or possessive ending or an adjective's ending ("Viktor Orbans" of "Viktor Orban",
    "Europäischen Volkspartei" of "Europäische Volkspartei"; not "Tehran" of "Teheran", a
    spelling)."""
    xs, ys = form.split(), of.split()
    return form != of and len(xs) == len(ys) and all(map(_same_word_inflected, xs, ys))
