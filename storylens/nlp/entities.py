"""Entity mentions: recognition, then linking to one entity id across documents.

Recognition uses the trained German NER model (``storylens.nlp.ner``) when it is available and
the text is German; otherwise a rule path (proper-noun tags from HanTa for German, capitalisation
for other languages, gazetteers and trigger words for the type). Linking is the same for both.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from storylens.model import Entity, Mention, Token
from storylens.nlp import names
from storylens.nlp.hanta import hanta_german
from storylens.nlp.inflection import GENITIVE_ENDINGS, names_a_thing, nominative, reading
from storylens.nlp.intervals import Intervals
from storylens.nlp.rule_entities import STOP, Span, recognise_rules

# Currency names the model tags as names of things (OTH); figures carry them as units.
_CURRENCY_NAMES = {
    "euro", "euros", "dollar", "dollars", "us-dollar", "us-dollars", "franken", "pfund",
    "rubel", "yen", "yuan", "lira", "zloty", "forint", "kronen", "rupien", "cent",
}  # fmt: skip

# A language the model marks as a name of a thing ("auf Deutsch", "ins Englische", "Arabisch"):
# a word derived from a place or people, as GermEval annotates it (LOCderiv), not a name.
_LANGUAGE = re.compile(r"(?:Deutsch|[A-ZÄÖÜ][a-zäöüß]{2,}isch)(?:e|en|es)?")
# What follows a word used as an attribute ("Bonner Polizei", "Genfer Abkommen").
_BEFORE_NOUN = re.compile(r"\s+[A-ZÄÖÜ]")


@lru_cache(maxsize=1)
def ner_tagger() -> Any | None:
    """The shipped German tagger, loaded once; None where the model files are missing."""
    try:
        from storylens.nlp.ner import load_tagger
    except ImportError:
        return None
    try:
        return load_tagger()
    except (OSError, FileNotFoundError):
        return None


def _coarse(label: str) -> str | None:
    try:
        from storylens.nlp.ner import coarse
    except ImportError:
        return label if label in ("PER", "LOC", "ORG", "MISC") else "MISC"
    result = coarse(label)
    return str(result) if result else None


def _by_sentence(tokens: Sequence[Token]) -> list[list[Token]]:
    groups: dict[int, list[Token]] = defaultdict(list)
    for t in tokens:
        groups[t.sentence].append(t)
    return [groups[k] for k in sorted(groups)]


def _spans_from_bio(sent: Sequence[Token], tags: Sequence[str]) -> list[Span]:
    spans: list[Span] = []
    start = end = -1
    label = ""
    for tok, tag in zip(sent, tags, strict=True):
        if tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != label):
            if start >= 0:
                spans.append((start, end, label))
            start, end, label = tok.start, tok.end, tag[2:]
        elif tag.startswith("I-") and start >= 0:
            end = tok.end
        else:
            if start >= 0:
                spans.append((start, end, label))
            start = -1
            label = ""
    if start >= 0:
        spans.append((start, end, label))
    return spans


def _recognise_model(tagger: Any, text: str, sents: list[list[Token]]) -> list[Span]:
    # One article is one document: a name keeps one type across it (ner.harmonise).
    given = [tagging_tokens(text, s) for s in sents]
    tags = tagger.tag_sentences([[t.text for t in s] for s in given], document=True)
    return _split_genitives(text, model_spans(text, given, tags))


def _split_genitives(text: str, spans: list[Span]) -> list[Span]:
    """A name in the genitive before another word is not one name with it: the model reads
    "Netanjahus Likud", "Orbans Fidesz-Partei" and "Merkels Privathandy" as one person, and
    "Microsofts Servern" as one firm.  The span is cut after its first word where that word is
    another name of the text with an s or an apostrophe ("Netanjahu" is named there too; "Gantz’
    Blau-Weiß-Liste") and no first name
    ("Andreas", "Thomas").  The genitive keeps the type its base has in the text.

    For a person the rest is a name of its own (typed by the alias table, by the text where it
    stands alone, else as an organisation: a person's party or firm), the names inside it
    ("Labour-Partei"), or none where it is a common noun ("Anwältin"); a rest the alias table
    knows as no person cuts the span without the base named elsewhere ("Orbans Fidesz").  Other
    types are cut only before a common noun, which is dropped: names of firms, places and shows
    have such words inside ("Casinos Austria", "Crans Montana", "Servus TV").  On the 1,317
    German texts of semeval-dev and 10kGNAD this changes 26 texts, 25 for the better (one show,
    "Sidneys Welt", is cut to Sidney; benchmarks/experiments/genitives)."""
    words: dict[str, Counter[str]] = defaultdict(Counter)
    alone: dict[str, Counter[str]] = defaultdict(Counter)
    for start, end, label in spans:
        surface = text[start:end]
        alone[surface][label] += 1
        for word in surface.split():
            words[word][label] += 1
    out: list[Span] = []
    for start, end, label in spans:
        first, *more = text[start:end].split(None, 1)  # any space between: "Merkels\nPrivathandy"
        rest = more[0] if more else ""
        # The genitive: an s, or an apostrophe after a name ending in s, x or z ("Gantz’").  The
        # cheap tests first: this runs on every span of every German article.
        if (not rest or not first.endswith(GENITIVE_ENDINGS) or len(first) < 4 or first.isupper()
                or names.is_first_name(first)):
            out.append((start, end, label))
            continue
        base, known, person = first[:-1], names.lookup(rest), label == "PER"
        if (not (base in words or person and known and known[0] != "PER")
                or not person and (" " in rest or not _common_noun(first, rest))):
            out.append((start, end, label))
            continue
        out.append((start, start + len(first), (words[base] or Counter({label: 1})).most_common(1)[0][0]))
        rest_start = end - len(rest)
        if not person:
            continue
        kind = known[0] if known else alone[rest].most_common(1)[0][0] if alone[rest] else "ORG"
        if known or " " in rest:
            out.append((rest_start, end, kind))
        elif "-" in rest:
            out.extend(embedded_names(rest, rest_start, kind))
        elif not _common_noun(first, rest):
            out.append((rest_start, end, kind))
    return out


def _common_noun(before: str, word: str) -> bool:
    """Whether a capitalised word after ``before`` is a German noun, a compound of one included
    ("Privathandy"); an abbreviation ("TV") is not."""
    if len(word) < 3 or word.isupper():
        return False
    tag = hanta_german().tag_sent([before, word], taglevel=1)[1][2]
    if tag == "NN" or tag != "NE" and names.is_common_word(word):
        return True
    return any(names.is_common_word(word[i:].capitalize()) for i in range(2, len(word) - 3))


# Words whose full stop belongs to them, as the gold sets write them ("bzw.", "Nr."); with
# ordinals ("18.") and initials ("W."), which are found by their form.
_ABBREVIATIONS = frozenset("bzw ca vgl usw etc Nr Dr St Prof Abs Aufl ggf evtl inkl".split())


def tagging_tokens(text: str, sent: Sequence[Token]) -> list[Token]:
    """The sentence's tokens as the NER model's training data has them: syntok cuts
    "Bundes-FDP" into "Bundes" "FDP" and "18." into "18" ".", the gold sets keep each one
    token.  Given tokens like theirs the model finds more names in running text: GermEval dev
    strict F1 0.755 -> 0.765 (the gold tokens themselves: 0.768), Europarl test 0.730 -> 0.733
    (benchmarks/experiments/ner_tokens).  A full stop that ends the sentence stays a token."""
    out: list[Token] = []
    last = len(sent) - 1
    for k, tok in enumerate(sent):
        prev = out[-1] if out else None
        hyphen = (prev is not None and tok.start == prev.end + 1 and text[prev.end] == "-"
                  and prev.text[-1:].isalnum() and tok.text[:1].isalnum())
        stop = (prev is not None and tok.text == "." and k < last and tok.start == prev.end
                and ((prev.text.isdigit() and len(prev.text) <= 4)
                     or (len(prev.text) == 1 and prev.text.isalpha()) or prev.text in _ABBREVIATIONS))
        if prev is not None and (hyphen or stop):
            out[-1] = Token(start=prev.start, end=tok.end, text=text[prev.start : tok.end],
                            lemma=prev.lemma, sentence=prev.sentence)
        else:
            out.append(tok)
    return out


def model_spans(text: str, sents: Sequence[Sequence[Token]], tags: Sequence[Sequence[str]]) -> list[Span]:
    """The names the model's tags mark: whole names, the names inside compounds that contain
    one (:func:`embedded_names`), no words derived from names."""
    spans: list[Span] = []
    for sent, sent_tags in zip(sents, tags, strict=True):
        for start, end, label in _rejoin_hyphens(text, _spans_from_bio(sent, sent_tags)):
            if label.endswith("deriv"):
                continue  # "deutschen", "Münchner": words derived from a name, not names
            if label.endswith("part"):
                base = _coarse(label[: -len("part")]) or "MISC"
                spans.extend(embedded_names(text[start:end], start, base))
                continue
            coarse = _coarse(label)
            if coarse and _ROLE_COMPOUND.fullmatch(text[start:end]):
                spans.extend(embedded_names(text[start:end], start, "ORG"))
            elif coarse:
                spans.extend(_apart_at_dative((_past_article(text, start, end), end, coarse), text))
    return spans


# A dative article inside what the model marked as one name of a body or a place joins two
# names ("der Stiftung Wissenschaft und Politik dem RedaktionsNetzwerk Deutschland"): in the
# GermEval data 1 of 6,691 organisations and none of 12,650 places holds one.
_DATIVE = re.compile(r"\s+dem\s+(?=[A-ZÄÖÜ])")


def _apart_at_dative(span: Span, text: str) -> list[Span]:
    start, end, label = span
    if label not in ("ORG", "LOC"):
        return [span]
    cuts = list(_DATIVE.finditer(text, start, end))
    if not cuts:
        return [span]
    bounds = [start, *(x for m in cuts for x in m.span()), end]
    return [(a, b, label) for a, b in zip(bounds[::2], bounds[1::2], strict=True) if b > a]


_LEADING_ARTICLE = re.compile("(?:" + "|".join(sorted(a.title() for a in names.ARTICLES)) + r")\s+(?=[A-ZÄÖÜ])")


def _past_article(text: str, start: int, end: int) -> int:
    """Where a name the model marked with the article that opens its sentence begins: past
    the article where the alias table knows the name without it ("Das Nationale
    Sicherheitskomitee", "Die Türkei"); a title that has its article stays whole ("Die Zeit",
    "Der Hobbit")."""
    m = _LEADING_ARTICLE.match(text, start, end)
    return m.end() if m and names.lookup(text[m.end() : end]) else start


# An abbreviation inside a compound ("CDU-Spitze", "ÖVP-Chef", "NEOS-Sprecher").
_ACRONYM = re.compile(r"[A-ZÄÖÜ][A-ZÄÖÜ0-9&]{1,5}")

# A person named by a role in a body ("FDP-Vorsitzende", "SPÖ-Chef", "UN-Hochkommissar"),
# which the model sometimes marks as a name of its own: a mention of the body, as GermEval
# annotates it (ORGpart).
_ROLE_COMPOUND = re.compile(
    _ACRONYM.pattern + r"-(?:Chef|Vorsitzend|Sprecher|Präsident|Minister|Politiker|Abgeordnet"
    r"|Kandidat|Generalsekretär|Hochkommissar|Vize|Mann|Frau|Funktionär|Mitglied|Anhänger|Wähler"
    r"|Kreis|Spitze|Führung)(?:in|e|er|en|n|s)?"
)


def embedded_names(surface: str, start: int, base: str) -> list[Span]:
    """The names inside a compound the model marks as containing one (GermEval's ``...part``):
    "US-Präsident" is a mention of the USA, "CDU/CSU-Bundesminister" of CDU and CSU, and
    "Fidesz" (tagged as a part though it stands alone) of Fidesz; each span covers the name
    alone.  The head of a compound, its last part, is the common noun it is about ("Spitze",
    "Präsident") and is not read; a part that is an ordinary German word ("Bundestagswahl",
    "Euro-Franken-Kurs") is no name.  ``start`` is the compound's offset in the text; names
    the alias table knows take its type, others ``base``."""
    whole = names.lookup(surface)
    if whole:  # a compound that is a name of its own ("EU-Kommission")
        return [(start, start + len(surface), whole[0])]
    parts = [m.span() for m in re.finditer(r"[^-/]+", surface)]
    if len(parts) > 1:
        parts = parts[:-1]
    found: list[Span] = []
    for s, e in parts:
        word = surface[s:e]
        if not word[:1].isupper():
            continue
        hit = names.lookup(word)
        if hit or _ACRONYM.fullmatch(word) or not names.is_common_word(word):
            found.append((start + s, start + e, hit[0] if hit else base))
    return found


def _gazetteer_spans(text: str, sents: Sequence[Sequence[Token]], taken: list[Span]) -> list[Span]:
    """Alias-table names (countries, alliances, known people) the model left untagged.

    The model is statistical and misses rare acronyms ("OVKS") or names in datelines; a name
    the alias table knows is an entity whatever the model says, so it is added where no model
    span overlaps it. Longest window first, up to three tokens.
    """
    covered = Intervals((s, e) for s, e, _ in taken)
    extra: list[Span] = []
    for sent in sents:
        i = 0
        while i < len(sent):
            hit = None
            for width in (3, 2, 1):
                window = sent[i : i + width]
                if len(window) < width or not window[0].text[:1].isupper():
                    continue
                if not all(t.text[:1].isalnum() for t in window):
                    continue
                surface = " ".join(t.text for t in window)
                if len(surface) < 3 or window[-1].text in STOP:
                    continue
                found = names.lookup(surface)
                if found:
                    # (the name, not the article that opens its sentence: "Das Nationale
                    # Sicherheitskomitee"; but "Den Haag")
                    begin = _past_article(text, window[0].start, window[-1].end)
                    hit = (begin, window[-1].end, found[0], width)
                    break
            if hit is None:
                i += 1
                continue
            start, end, label, width = hit
            if not covered.overlaps(start, end):
                extra.append((start, end, label))
                covered.add(start, end)
            i += width
    return extra


def _rejoin_hyphens(text: str, spans: list[Span]) -> list[Span]:
    """Names the tagger cut at a hyphen are one name again ("Annegret Kramp" + "Karrenbauer"
    -> "Annegret Kramp-Karrenbauer")."""
    out: list[Span] = []
    for start, end, label in spans:
        if out and out[-1][2] == label and text[out[-1][1] : start] == "-":
            out[-1] = (out[-1][0], end, label)
        else:
            out.append((start, end, label))
    return out


def _split_slashes(text: str, spans: list[Span]) -> list[Span]:
    """Names joined by a slash are two: places in a dateline ("Berlin/Saarbrücken"), a photo
    credit ("Gregor Fischer/dpa"), parties ("CDU/CSU").  Each part the alias table knows takes
    its type from there, the others keep the span's."""
    split: list[Span] = []
    ends = {end for _, end, _ in spans}
    for start, end, label in spans:
        surface = text[start:end]
        parts = [(start + m.start(), start + m.end()) for m in re.finditer(r"[^/\s][^/]*[^/\s]|[^/\s]", surface)]
        if "/" in surface and len(parts) > 1:
            # The tokenizer keeps "Aviv/Berlin" together, so the model may leave "Tel" out.
            before = re.search(r"(?:^|\s)([A-ZÄÖÜ][\w.-]*) $", text[max(0, start - 30) : start])
            first = text[parts[0][0] : parts[0][1]]
            if before and start - 1 not in ends and names.is_known_place(f"{before[1]} {first}"):
                parts[0] = (start - len(before[1]) - 1, parts[0][1])
            known = [names.lookup(text[s:e]) for s, e in parts]
            if all(text[s].isupper() or hit for (s, _), hit in zip(parts, known, strict=True)):
                split.extend((s, e, hit[0] if hit else label) for (s, e), hit in zip(parts, known, strict=True))
                continue
        split.append((start, end, label))
    return split


def recognise(text: str, tokens: Sequence[Token], lang: str | None) -> list[Span]:
    sents = _by_sentence(tokens)
    tagger = ner_tagger()
    if tagger is not None and lang == "de":
        return completed(text, sents, _recognise_model(tagger, text, sents))
    guess = _model_guess(tagger, text, sents) if tagger is not None and lang != "de" else None
    return _split_slashes(text, recognise_rules(text, sents, lang, guess))


# The German model's reading of a name in another language that the rules cannot type: taken
# where it says a person, place or organisation ("Amazon", "Hubei", "Wall Street", "British
# Airways"), not where it says only "some name" (MISC), which it says of most English names.
_GUESSED = frozenset({"PER", "LOC", "ORG"})


def _model_guess(tagger: Any, text: str, sents: list[list[Token]]) -> Callable[[int, int], str | None]:
    """``guess(start, end)``: the one type of the model's spans that overlap the name, if they
    agree on a type in :data:`_GUESSED`; the text is tagged once, when first asked."""
    spans: list[Span] | None = None

    def guess(start: int, end: int) -> str | None:
        nonlocal spans
        if spans is None:
            spans = _recognise_model(tagger, text, sents)
        types = {label for s, e, label in spans if s < end and e > start}
        return next(iter(types)) if len(types) == 1 and types <= _GUESSED else None

    return guess


def completed(text: str, sents: Sequence[Sequence[Token]], spans: list[Span]) -> list[Span]:
    """The model's spans with names joined by a slash split, names cut after an adjective given
    their noun, and the names the alias table knows that the model left out added
    (:func:`_split_slashes`, :func:`_with_their_noun`, :func:`_gazetteer_spans`)."""
    spans = _with_their_noun(text, _split_slashes(text, spans))
    return sorted(spans + _gazetteer_spans(text, sents, spans))


_NEXT_WORD = re.compile(r" ([A-ZÄÖÜ][\w-]*\w)")


def _with_their_noun(text: str, spans: list[Span]) -> list[Span]:
    """A German name does not end in an adjective: where the model cut one there ("die Vereinigte
    Arabische | Liste", "im Kalten | Krieg"), the noun after it belongs to it, if it is a noun
    names are made of (not "Deutsche | Kinder", :func:`inflection.names_a_thing`)."""
    starts = {start for start, _, _ in spans}
    out = []
    for start, end, label in spans:
        m = _NEXT_WORD.match(text, end)
        if label != "PER" and m and m.start(1) not in starts:
            r = reading(text[start : m.end()])
            if (r is not None and r.noun == m.group(1) and not r.rest and names_a_thing(r)
                    and all(s is not None for s in r.stems)):
                end = m.end()
        out.append((start, end, label))
    return out


def _derived_word(surface: str, label: str, text: str, end: int) -> bool:
    """Whether a one-word name the model marked as a thing or a place is a word derived from a
    place: a language ("Deutsch", "Englischen") or a city's adjective before a noun ("Bonner
    Polizei", "Pekinger Flughafen"; the retailer "bei Hofer" stands before no noun, and Hof is
    no city of the table). An organisation stays: the model marks "Warschauer" of "Warschauer
    Pakt" so, and the word is the mention of the pact that is left."""
    if label not in ("MISC", "LOC") or " " in surface or "-" in surface:
        return False
    if label == "MISC" and _LANGUAGE.fullmatch(surface):
        return True
    stem = surface[:-2]
    return (surface.endswith("er") and len(stem) >= 3 and _BEFORE_NOUN.match(text, end) is not None
            and names.city_of(stem) is not None)


def is_currency(surface: str) -> bool:
    """Whether a name is a currency's ("Euro", "US-Dollar"): the unit of a figure, not a name."""
    return surface.lower() in _CURRENCY_NAMES


# Between a name and its acronym in brackets: a space, or a possessive ("the Party’s (SPD)").
_BEFORE_ACRONYM = frozenset({" (", "’s (", "'s ("})


def _initials_cover(acronym: str, name: str) -> bool:
    """Whether every letter of the acronym starts a word of the name, in any order: a name
    translated keeps its initials, not their order ("SPD" of "Social Democratic Party")."""
    initials = {names.letters(w)[:1] for w in re.split(r"[\s-]+", name) if names.letters(w)}
    return len(names.letters(acronym)) > 1 and set(names.letters(acronym)) <= initials


def _spelt_in(acronym: str, name: str) -> bool:
    """Whether the acronym's letters occur in the name in order ("IS" in "Terrormiliz
    Islamischer Staat", "KHM" in "Kunsthistorisches Museum"; not "FIN" in "TPS Turku")."""
    rest = iter(names.letters(name))
    return all(ch in rest for ch in names.letters(acronym))


def _without_genitive(name: str, forms: Iterable[str]) -> str:
    """The name without the genitive ending of its last word where the text also writes that
    word without it ("Walter Meischbergers" beside "Meischberger": Walter Meischberger)."""
    *first, last = name.split()
    lasts = {w for f in forms for w in f.split()[-1:]}
    for ending in GENITIVE_ENDINGS:
        if last.endswith(ending) and last[: -len(ending)] in lasts:
            return " ".join([*first, last[: -len(ending)]])
    return name


def _followed(remap: dict[str, str], key: str) -> str:
    """Where a key ends up when one remap leads to another ("Abes" -> "Abe" -> "Abe Lucas")."""
    seen = {key}
    while key in remap and remap[key] not in seen:
        key = remap[key]
        seen.add(key)
    return key


def _first_names_alone(keyed: Sequence[tuple[int, int, str, str, str]]) -> dict[str, str]:
    """A person the text names in full and then by first name alone ("Ghassem Soleimani" ...
    „Ghassem hat das verhindert“; "Kim Jong Un" ... "Kims Schwester", a family name that comes
    first): the first name's key -> the person's, where one person of the
    text has that first name and no one has it as a surname."""
    by_first: dict[str, set[str]] = defaultdict(set)
    for _, _, label, surface, key in keyed:
        words = names.strip_titles(surface).split()
        if label == "PER" and len(words) > 1:
            by_first[names.fold(words[0])].add(key)
    surnames = set().union(*by_first.values())
    remap = {}
    for _, _, label, surface, key in keyed:
        people = by_first.get(key) or by_first.get(key[:-1] if key.endswith("s") else key, set())
        # The rules type a lone first name they know no role for as MISC ("Thank you, Bradley").
        if label in ("PER", "MISC") and " " not in surface and len(people) == 1 and key not in surnames:
            remap[key] = next(iter(people))
    return remap


def _acronyms_introduced(text: str, keyed: Sequence[tuple[int, int, str, str, str]]) -> dict[str, str]:
    """A name and the acronym in brackets right after it are one entity ("der Palästinensischen
    Befreiungsorganisation (PLO)", "der Deutsche Wetterdienst (DWD)"): the name's key -> the
    acronym's, which the rest of the text (and other texts) use, unless only the name is in the
    alias table. Not where the alias table knows the acronym as another name, nor for a
    country's code, nor for a person ("Merkel (CDU)" names her party)."""
    remap: dict[str, str] = {}
    for (_, end, label, name, key), (start, after, _, acronym, short) in zip(keyed, keyed[1:], strict=False):
        if (text[end:start] not in _BEFORE_ACRONYM or text[after : after + 1] != ")" or label == "PER" or key == short
                or not names.is_acronym(acronym) or names.is_acronym(name)):
            continue
        if not (len(name.split()) > 1 or "-" in name or name[:1].upper() == acronym[:1]):
            continue
        known = names.lookup(acronym)
        if known and known != names.lookup(name) and not _initials_cover(acronym, name):
            continue  # "Slowenischen Staatsbahnen (SZ)" are no Süddeutsche Zeitung; but "the
            # Social Democratic Party’s (SPD)" is the SPD, its name translated
        if names.is_country_code(acronym) and not _spelt_in(acronym, name):
            continue  # a team and its country in a results table: "HC Litvinov (CZE)"
        if names.lookup(name) and not known:
            remap[short] = key
        else:
            remap[key] = short
    return remap


_LIST_GLUE = frozenset({", ", " und ", " oder ", ", und ", " and ", " or ", ", and ", ", or "})


def _listed_with_organisations(text: str, spans: list[Span]) -> list[Span]:
    """A one-word "person" listed with two organisations or more is one of them: "Netflix, Hulu
    und Amazon", "Arbeitspartei, Meretz und Gescher". Not the surname of a person the text
    names in full."""
    spans = sorted((s, e, (names.lookup(text[s:e]) or (label,))[0]) for s, e, label in spans)  # Meretz: ORG
    surnames = {text[s:e].split()[-1] for s, e, label in spans if label == "PER" and " " in text[s:e]}
    out = list(spans)
    run: list[int] = []
    for i in range(len(spans) + 1):
        if i < len(spans) and run and text[spans[run[-1]][1] : spans[i][0]] in _LIST_GLUE:
            run.append(i)
            continue
        labels = [spans[j][2] for j in run]
        if len(run) >= 3 and labels.count("ORG") >= 2:
            for j in run:
                start, end, label = spans[j]
                if label == "PER" and " " not in text[start:end] and text[start:end] not in surnames:
                    out[j] = (start, end, "ORG")
        run = [i]
    return out


def link(text: str, spans: list[Span], tokens: Sequence[Token]) -> tuple[tuple[Mention, ...], tuple[Entity, ...]]:
    """Mentions -> entities: alias table, surname keys for persons, genitive folding, a name and
    its acronym in brackets as one, names that begin with adjectives in the nominative."""
    sentence_of = {t.start: t.sentence for t in tokens}
    keyed = []
    for start, end, label in _listed_with_organisations(text, spans):
        surface = text[start:end]
        if not surface[:1].isupper() and not surface[:1].isdigit():
            continue  # adjectival derivations ("kasachischen") are not entities of their own
        alias = names.lookup(surface)
        label = alias[0] if alias else label  # the alias table knows Kirgistan is a place
        if label == "MISC" and is_currency(surface):
            continue  # "10 Milliarden Euro": the unit of a figure, not a name
        if _derived_word(surface, label, text, end):
            continue
        keyed.append((start, end, label, surface, names.entity_key(surface, label)))
    keys = {k for *_, k in keyed}
    # Genitive forms (Tokajews, Nasarbajews) join the entity of their base form.
    remap = {k: k[:-1] for k in keys if k.endswith("s") and k[:-1] in keys}
    remap.update(_first_names_alone(keyed))
    acronyms = _acronyms_introduced(text, keyed)
    surfaces: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    mentions = []
    for start, end, label, surface, key in keyed:
        key = _followed(remap, key)
        key = acronyms.get(key, key)
        if not key:
            continue
        surfaces[key].append(names.strip_titles(surface))
        labels[key][label] += 1
        mentions.append(Mention(start, end, surface, label, key, sentence_of.get(start, 0)))
    entities = []
    for key, forms in surfaces.items():
        label = labels[key].most_common(1)[0][0]
        alias = next(filter(None, map(names.lookup, dict.fromkeys(forms))), None)
        if alias:
            name = alias[1]
        else:
            # The form with the most words, then the most frequent; the first such in the text.
            count = Counter(forms)  # (forms.count() per form was quadratic in the mentions)
            name = _without_genitive(max(count, key=lambda f: (len(f.split()), count[f])), count)
            name = nominative(name) or name  # "der Europäischen Zentralbank": Europäische Zentralbank
        entities.append(Entity(key, name, label, tuple(sorted(set(forms)))))
    entities.sort(key=lambda e: -len(surfaces[e.id]))
    return tuple(mentions), tuple(entities)
