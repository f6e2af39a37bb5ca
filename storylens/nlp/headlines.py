"""The names in a headline, for story listings: ``storylens stories`` shows each story's most
shared names without analysing its articles.

Two readings.  :func:`headline_names` is the one ingest stores with each article: German titles
go through the NER model (batched, about 0.5 ms a title), with a rule word the model left out
kept where the model gives it even odds of being a name ("Corona"); titles in other languages
get the rules.  :func:`rule_names` reads capitalisation, the NER lexicon and the alias table
alone; listings use it for articles stored before ingest kept names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from storylens.model import Token
from storylens.nlp import entities, names
from storylens.nlp.dates import MONTHS, WEEKDAYS
from storylens.nlp.hanta import hanta_german
from storylens.nlp.inflection import nominative
from storylens.nlp.rule_entities import is_demonym, is_office
from storylens.nlp.segment import token_sentences

if TYPE_CHECKING:
    from storylens.nlp.ner.features import Lexicon

__all__ = ["headline_names", "rule_names", "with_topics"]

_NAME = re.compile(r"\b[A-ZÄÖÜ][\wäöüß-]{2,}")
_STOP = set(
    "Der Die Das Den Dem Des Ein Eine Und Mit Von Nach Für Auf Bei Wie Was Wer Nur Auch Noch"
    " Jetzt Neue Neuer The And For With From How What Why Who New Video Liveblog".split()
)


def _lexicon() -> Lexicon:
    from storylens.nlp.ner import LEXICON_FILE, MODEL_DIR
    from storylens.nlp.ner.features import load_lexicon

    return load_lexicon(MODEL_DIR / LEXICON_FILE)


@lru_cache(maxsize=1)
def _ordinary_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """From the NER lexicon: German words HanTa knows as common nouns (Hochwasser, Polizei),
    words German text writes in lower case (keine, hat, schwacher), and the nouns HanTa has in
    its own lexicon, not guessed from their ending (Krise and Flut; not Karrenbauer)."""
    lexicon = _lexicon()
    nouns = frozenset(w for w, tag in lexicon.pos.items() if tag.startswith("NN"))
    known = frozenset(w for w, tag in lexicon.pos.items() if tag == "NN+")
    return nouns, frozenset(lexicon.lower_seen), known


# What opens a part of a title, after which any word is capitalised: a colon, a dash, a bar, a
# quote, the crosses of a ticker ("+++ Betrunkener sucht Freundin +++").
_OPENERS = ":-–|„“\"‚‘'«»+"
# German words that make a place name with the word after them ("Bad Zwischenahn", "Sankt Gallen").
_PLACE_HEADS = frozenset({"Bad", "Sankt"})
# A German compound of a derived noun and a noun ("Genehmigungs|antrag", "Regierungs|erklärung").
_DERIVED_COMPOUND = re.compile(r"[a-zäöüß](?:ung|heit|keit|schaft|tion|ität)s?(?P<tail>[a-zäöüß]{3,})$")

# A tag before a headline, not a name: "POL-OL:", "ROUNDUP/VIRUS:", "FW-E:".
_TAG = re.compile(r"^[A-ZÄÖÜ]{2,}(?:[-/][\wÄÖÜäöü]+)*\s*[:/]")


def rule_names(title: str, english: bool = False, text: str | None = None) -> set[str]:
    """The capitalised words of a title that may be names: not common nouns, and not ordinary
    words capitalised only because they open the title, a part of it or a quote ("Keine",
    "Schwacher", "„Seinetwegen"); in an English title, no ordinary English words and no
    nationality adjectives, since English headlines capitalise every word ("Trump Acknowledges
    Tweet Complaint" Trump; see :func:`names.is_english_word`).
    A compound about something gives the names the alias table knows in it ("Donau-Flut"
    Donau, "Iran-Konflikt" Iran; "Kramp-Karrenbauer" stays whole), a first name before a
    surname gives way to the surname ("Donald Trump" Trump), two words the alias table knows
    together stay together ("New York"), and a name it knows takes its name there ("Danube"
    Donau; not a surname: "Michael Jordan" is no Jordanien).
    Given the article's ``text``, an English title word that is a surname and an ordinary word
    alike ("Day", "Grow", "Stone") is a name only where the text writes it with a capital
    inside a sentence too ("Roger Stone"; not "protests grow")."""
    return {name for _, name in _rule_reading(title, english, text)}


def _rule_reading(title: str, english: bool = False, text: str | None = None) -> list[tuple[int, str]]:
    """:func:`rule_names` with where each name starts in the title."""
    words = list(_NAME.finditer(title))
    tag = _TAG.match(title)
    sentence_case = bool(re.search(r"\b[a-zäöüß]{4,}", title))  # not every word capitalised
    found: list[tuple[int, str]] = []
    paired: set[int] = set()  # words taken with the one before ("York" of "New York")
    for i, m in enumerate(words):
        if i in paired:
            continue
        word = m.group()
        follows = i > 0 and title[words[i - 1].end() : m.start()] == " "
        after = words[i + 1].group() if i + 1 < len(words) else None
        if after and title[m.end() : words[i + 1].start()] != " ":
            after = None  # only a word right after, in the same phrase
        spa_town = not english and word in _PLACE_HEADS and after not in _STOP
        if after and (spa_town or names.lookup(f"{word} {after}")):
            found.append((m.start(), _canonical(f"{word} {after}")))
            paired.add(i + 1)
            continue
        opening = not title[: m.start()].strip() or title[: m.start()].rstrip()[-1] in _OPENERS
        if (word in _STOP or (tag and m.start() < tag.end()) or _abbreviation(title, m)
                or title[m.end() : m.end() + 2] in ("'t", "’t")):  # "Don't"
            continue
        if word.endswith("-"):  # the first part of a compound written once ("CDU- und CSU-Politiker")
            part = word.rstrip("-")
            if names.lookup(part) or part.isupper():
                found.append((m.start(), _canonical(part)))
            continue
        if "-" in word.strip("-"):
            if not (english and _ordinary(word, opening, True)):  # "Ill-fated" names nothing
                found.extend((m.start(), name) for name in _compound_names(word))
        elif english and text is not None and _word_not_name_in(word, text):
            continue
        elif (follows and names.is_first_name(words[i - 1].group()) and not (after and names.is_first_name(word))
              and (sentence_case or not _ordinary(word, opening, english))):
            # A surname; in a title that capitalises only names even one that is a word
            # ("Freddie Mercury may have been ..."; not "May Day Protests Grow" in title case).
            found.append((m.start(), word))
        elif not _ordinary(word, opening, english) and not (after and names.is_first_name(word)):
            found.append((m.start(), _canonical(word)))
    return found


def _word_not_name_in(word: str, text: str) -> bool:
    """Whether an English title word that is both a surname and an ordinary word ("Grow",
    "Day") is no name in the article: its text never writes it with a capital inside a
    sentence (after a letter, digit or comma, not after a full stop or a quote)."""
    if not (names.is_common_surname(word) and names.reads_as_english_word(word)):
        return False
    return re.search(rf"[\w,;] +{re.escape(word)}\b", text) is None


def _abbreviation(title: str, m: re.Match[str]) -> bool:
    """A title of office, abbreviated, before a name ("Minnesota Gov. Tim Walz", "Sen. Sanders");
    only the offices the English rules know, since a name may end a sentence inside a title too
    ("Merz siegt. Was nun")."""
    return is_office(m.group()) and title[m.end() : m.end() + 2] == ". "


def _ordinary(word: str, opening: bool, english: bool) -> bool:
    """Whether a capitalised title word is an ordinary word of the title's language."""
    if english:  # English capitalises names only; a title-case headline capitalises every word
        if word.lower() in MONTHS or word.lower() in WEEKDAYS or is_demonym(word):
            return True
        return not (word.isupper() or _known_as_itself(word)) and names.is_english_word(word)
    nouns, lower, known = _ordinary_words()
    if word in nouns or (opening and (word.lower() in lower or _function_word(word))):
        return True
    derived = _DERIVED_COMPOUND.search(word)  # Genehmigungs|antrag: not in the lexicon, a noun
    return derived is not None and derived["tail"].title() in known


def _compound_names(word: str) -> list[str]:
    """The names in a hyphenated title word. Where its last part is a noun HanTa knows or a
    word in lower case, the parts before it that are no ordinary words ("Iran-Konflikt" Iran,
    "CDU-Spitze" CDU, "Corona-Krise" Corona, "Corona-bedingt" Corona; "Basketball-Star" and
    "Schwarz-grün" none); else the whole is a name
    ("Kramp-Karrenbauer", "Thyssen-Krupp")."""
    parts = [p for p in word.split("-") if p]
    if len(parts) > 1 and parts[0] in _PREFIXES:  # "Mega-Deal": no name; "Anti-Merkel-Demo": Merkel
        return _compound_names("-".join(parts[1:])) if len(parts) > 2 else []
    if len(parts) > 1 and (parts[-1] in _ordinary_words()[2] or parts[-1][0].islower()):
        return [_canonical(p) for p in parts[:-1] if not names.is_common_word(p)]
    return [_canonical(word)]


# Prefixes written with a hyphen before a noun ("Mega-Brand", "Anti-Terror-Einsatz", "Ex-Chef"):
# no names of their own.
_PREFIXES = frozenset("Mega Super Ultra Hyper Anti Pro Ex Top Mini Maxi Multi Öko Bio Neo Vize Turbo".split())


def _known_as_itself(word: str) -> bool:
    """Whether the alias table names ``word`` as it is written ("Guardian"; not "Room", which
    only its lossy key relates to Rom)."""
    hit = names.lookup(word)
    return hit is not None and names.plain(hit[1]) == names.plain(word)


def _canonical(name: str) -> str:
    alias = names.lookup(name)
    return alias[1] if alias else name


def _nominative(name: str) -> str:
    """A one-word name in the genitive under its own name ("Erdogans" Erdogan, "Chelseas"
    Chelsea, "Russlands" Russland), where a listing may have no other form to fold it into: HanTa
    reads it as the genitive of a word German text uses without the s. Not a name that ends in s
    ("Paris", "Tsipras", "Franziskus", "Sievers": HanTa would take their s for a genitive too,
    but the text has no "Tsipra") or a first name ("Niklas")."""
    if " " in name or not name.endswith("s") or name.endswith("ss") or len(name) < 4 or names.is_first_name(name):
        return name
    base = name[:-1]
    return base if base in _lexicon().pos and _proper_lemma(name) == base else name


# Parts of speech (STTS) of words that are never names: adverbs, conjunctions, pronouns,
# prepositions, articles, particles.
_FUNCTION_TAGS = frozenset(
    "ADV PROAV KON KOUS KOUI KOKOM PPER PPOSS PIS PDS PRELS PWAV PWS APPR APPRART APPO ART PTKNEG".split()
)


def _function_word(word: str) -> bool:
    """Whether HanTa reads a word, in lower case, as an adverb, a conjunction, a pronoun or
    the like: one that opens a quote in a title ("„Seinetwegen bin ich clean“") is no name."""
    return _tagged_alone(word.lower())[1] in _FUNCTION_TAGS


def _proper_lemma(word: str) -> str | None:
    """HanTa's lemma of ``word`` alone, when it reads it as a proper noun."""
    lemma, tag = _tagged_alone(word)
    return lemma if tag == "NE" else None


@lru_cache(maxsize=40_000)
def _tagged_alone(word: str) -> tuple[str, str]:
    """HanTa's (lemma, tag) of a word on its own."""
    ((_, lemma, tag),) = hanta_german().tag_sent([word])
    return str(lemma), str(tag)


# Shortest parts of a compound common noun: "Hand|tor", "Groß|siedlung" (not "Ein|tracht").
_HEAD_MIN, _TAIL_MIN = 4, 3


def _compound_noun(word: str) -> bool:
    """A German compound of a noun HanTa has in its own lexicon, neither known there itself (not
    "Eintracht", "Staatsanwaltschaft") nor read as a name by the NER lexicon (not "Volkswagen"):
    "Jihadistenhochburg", "Großsiedlung", "Prachtboulevard"."""
    known = _ordinary_words()[2]
    if word in known or _lexicon().pos.get(word, "").startswith("NE"):
        return False
    for i in range(_HEAD_MIN, len(word) - _TAIL_MIN + 1):  # the longest known last part
        if word[i:].title() in known:
            return not names.is_known_place(word[:i].title())  # "Rhein|metall", "Deutschland|funk"
    return False


def _inhabitant(word: str) -> bool:
    """A German noun for the people of a known place ("Niederösterreicher", "Münchner",
    "Bremerin")."""
    stem = re.sub(r"(?:er|erin|ern|ers)$", "", word)
    if stem == word:
        return False
    return any(names.is_known_place(p) for p in (stem, stem + "en", stem[:-1] + "en" if stem.endswith("n") else ""))


def _without_descriptor(words: list[str]) -> tuple[list[str], bool] | None:
    """A name the model read together with the noun before it that says what it is, and
    whether what is left is a person: "Großsiedlung Ariel" Ariel, "Jihadistenhochburg Raqqa"
    Raqqa, "Niederösterreicher Weiss" (a common surname after an inhabitant noun) Weiss; None
    where the first word is part of the name ("Eintracht Frankfurt", "Hamburger SV",
    "Berliner Zeitung") or the rest is no name ("Volksbanken AG", "PlayStation 4")."""
    first, rest = words[0], words[1:]
    known = _ordinary_words()[2]
    if _compound_noun(first) and all(w[:1].isupper() and not w.isupper() and w not in known for w in rest):
        return rest, False
    if len(rest) == 1 and _inhabitant(first) and names.is_common_surname(rest[0]):
        return rest, True
    return None


# A rule word the model left out is kept where the model gives it at least this probability of
# being part of a name ("Corona" 0.5-0.7 in "... wegen Corona zurück"; "Ungewissen" 0.06,
# "Wochenauftakt" 0.35; benchmarks/experiments/listing_names).
RULE_WORD_SUPPORT = 0.5
# Longer model spans in a title are a misread phrase ("Wird Thore Schölermann allein
# moderieren?"), not a name.
_MAX_NAME_WORDS = 4
# Lower-case words that may stand inside a name ("Science and Technology Daily", "van Gerwen").
_NAME_JOINERS = frozenset("and of the de der des di du la le van von vom zu & y".split())


# The pandemic, by any of its names and in compounds ("Corona-Krise", "Coronakrise", "COVID-19",
# "Covid-Weltordnung", "Anti-Corona-Demo"; not "Coronation"): one topic, listed as one name.
# The NER model, trained on text from before 2020, gives these words little chance of being a
# name, and the rules read each spelling apart (benchmarks/experiments/listing_names).
_PANDEMIC = re.compile(r"(?<![\w])(?:corona(?!tion|do)|covid|sars-cov)", re.I)
PANDEMIC_NAME = "Coronavirus"


def with_topics(title: str, found: list[str]) -> list[str]:
    """A title's names with every spelling of the pandemic as one name, first."""
    if not _PANDEMIC.search(title):
        return found
    return [PANDEMIC_NAME] + [n for n in found if not _PANDEMIC.search(n)]


def headline_names(
    titles: Sequence[str | None], languages: Sequence[str | None], texts: Sequence[str] | None = None,
) -> list[list[str]]:
    """The names of each title, as :func:`rule_names` reads them (with the article's text, where
    given) for titles not in German and
    as the German NER model reads them for German ones (all German titles tagged at once); the
    pandemic under one name (:data:`PANDEMIC_NAME`) in any language."""
    found: list[list[str]] = [[] for _ in titles]
    german: list[int] = []
    model = entities.ner_tagger() is not None
    for i, (title, language) in enumerate(zip(titles, languages, strict=True)):
        if not title:
            continue
        if language == "de" and model:
            german.append(i)
        else:
            found[i] = sorted(rule_names(title, english=language == "en", text=texts[i] if texts else None))
    if german:
        read = _model_names([titles[i] or "" for i in german])
        for i, title_names in zip(german, read, strict=True):
            found[i] = title_names
    return [with_topics(title or "", names_of) for title, names_of in zip(titles, found, strict=True)]


def _model_names(titles: list[str]) -> list[list[str]]:
    tagger = entities.ner_tagger()
    assert tagger is not None, "headline_names checks for the model"
    tokenised = [
        [[Token(start=a, end=b, text=title[a:b], lemma="", sentence=k) for a, b, _ in toks]
         for k, toks in enumerate(token_sentences(title))]
        for title in titles
    ]
    # A title is short; one that is not (a whole text given as title) is read up to the most
    # the tagger takes at once in each sentence.  Titles keep syntok's tokens ("Corona" "Krise"):
    # the tokens of running text (entities.tagging_tokens) read 14 of the 247 semeval-dev
    # listings differently, more for the worse (Zoom, Voestalpine, Sievers lost; Doku, Task
    # gained) than for the better (benchmarks/experiments/listing_names).
    given = [[sent[: tagger.max_tokens] for sent in sents] for sents in tokenised]
    scored = iter(tagger.tag_scored([[t.text for t in sent] for sents in given for sent in sents]))
    out = []
    for title, sents, tagged in zip(titles, tokenised, given, strict=True):
        tags: list[list[str]] = []
        support: dict[int, float] = {}
        for sent in tagged:
            sent_tags, probs = next(scored)
            tags.append(sent_tags)
            # A word derived from a name is no name, however sure the model is ("Norwegischer").
            support.update((t.start, 0.0 if tag.endswith("deriv") else p)
                           for t, tag, p in zip(sent, sent_tags, probs, strict=True))
        spans = entities.completed(title, sents, entities.model_spans(title, tagged, tags))
        out.append(_title_model_names(title, spans, support))
    return out


def _title_model_names(title: str, spans: list[tuple[int, int, str]], support: dict[int, float]) -> list[str]:
    """The model's names in one title, cleaned for a listing, and the rule words it left out
    that it gives even odds; a person by surname ("Carsten Linnemann" Linnemann)."""
    tag = _TAG.match(title)
    _, lower, known = _ordinary_words()
    found: list[str] = []
    covered: list[tuple[int, int]] = []
    for start, end, label in spans:
        surface = title[start:end].strip("+-–|:;,!?'\"„“”‚‘’«»()[] ")
        words = surface.split()
        if len(words) > _MAX_NAME_WORDS or any(w[0].islower() and w not in _NAME_JOINERS for w in words):
            continue  # a phrase, not a name: the rules may still find names in it
        covered.append((start, end))
        if not surface or (tag and start < tag.end()) or entities.is_currency(surface):
            continue
        alias = names.lookup(surface)
        described = _without_descriptor(words) if len(words) > 1 else None
        if described:
            words, person = described
            label, surface = ("PER" if person else label), " ".join(words)
        if alias:
            found.append(alias[1])
        elif len(words) > 1:
            found.append(_nominative(words[-1]) if label == "PER" else (nominative(surface) or surface))
        elif described:
            found.append(_nominative(surface))
        elif surface in known or (label != "PER" and surface.lower() in lower) or surface.endswith("isch"):
            continue  # a noun HanTa knows, an adjective or a language ("Böller: ...", "Deutsche
            # Hochschulen", "auf Kroatisch")
        else:  # a compound about a name gives the name ("Corona-Odyssee" Corona)
            found.extend(_nominative(n) for n in _compound_names(surface))
    # A word right before a person's full name says who the person is ("Altstar Jaromir Jagr").
    people = {start for start, end, label in spans if label == "PER" and " " in title[start:end].strip()}
    for start, name in _rule_reading(title):
        word = title[start:].split(" ", 1)[0]
        role = start + len(word) + 1 in people and names.lookup(word) is None
        if support.get(start, 0.0) >= RULE_WORD_SUPPORT and not role and not any(a <= start < b for a, b in covered):
            found.append(name)
    return list(dict.fromkeys(found))
