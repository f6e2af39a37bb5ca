"""Direct quotes in German and English quotation styles, with their speaker.

A speaker is a person mention next to a speech verb ("sagte Putin", "Putin said") or before a
colon that opens the quote ("Gewessler: „…“"); a pronoun ("sagte er", "he said") resolves to the
last named speaker; a quote standing alone after a sentence like "Tokajew sagte, ..." belongs to
that sentence's speaker. Where no person is named, the noun phrase that speaks is the speaker
("schrieb die Zeitung", "Ein Sprecher sagte", "the ministry said", "heißt es bei Stora Enso"):
a source an analyst wants to see, though without an entity id, so it never matches a quote of
another article by speaker alone. An organisation the analysis knows by name ("erklärte die
OVKS") is that entity.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import pairwise

from storylens.model import Entity, Mention, Quote, Sentence
from storylens.nlp.intervals import Intervals
from storylens.nlp.names import OPENING_COLON, in_title_case, is_common_word, title_words

_PAIRS = {"„": "“", "»": "«", "«": "»", "“": "”", "‚": "‘"}
_SPEECH = (
    r"sagte|sagt|sagten|sagen|gesagt|erklärte|erklärt|erklärten|erklären|betonte|betont|betonten|"
    r"meinte|meint|warnte|warnt|warnten|gewarnt|erläuterte|erläutert|"
    r"(?:fügte|setzte)\s+(?:\w+\s+)?hinzu|"
    r"schrieb|schreibt|schrieben|schreiben|geschrieben|twitterte|twittert|kritisierte|kritisiert|"
    r"kritisierten|forderte|fordert|forderten|versicherte|versichert|ergänzte|ergänzt|fragte|fragt|"
    r"antwortete|antwortet|bekräftigte|bekräftigt|unterstrich|unterstreicht|"
    r"teilten?(?=\s[^.!?\n]{0,80}\bmit\b)|hie(?:ß|ss) es|hei(?:ß|ss)t es|"
    r"(?<=, )so(?= (?-i:[A-ZÄÖÜ])| (?:die|der|das|ein|eine)\s)|"
    r"said|says|say|told|tells|added|adds|wrote|writes|warned|stated|"
    r"tweeted|explained|continued|noted|argued|insisted|claimed|commented|asked|replied|"
    r"declared|stressed|urged|posted"
)
_SPEECH_RE = re.compile(r"\b(?:" + _SPEECH + r")\b", re.I)
# Pronouns, and the roles that stand for a person named before ("sagte der Präsident weiter").
_PRONOUN = re.compile(
    r"\b(?:er|sie|he|she|(?:der|die|the)\s+(?:\w+\s+)?(?:präsident|präsidentin|kanzler|kanzlerin|"
    r"minister|ministerin|ministerpräsident|ministerpräsidentin|bürgermeister|bürgermeisterin|chef|chefin|"
    r"president|chancellor|minister|mayor|senator|governor))\b",
    re.I,
)
# How far after a quote with a speaker the next one may start and still be that speaker's.
_GOES_ON = 200
# Quoted text, up to its closing mark or the end (an unclosed quote runs on).
_QUOTED = re.compile(r"[\"“„»«][^\"”“«»]*(?:[\"”“«»]|$)")
# An opening quotation mark after a comma or colon: the clause before it introduces that quote.
_INTRODUCES = re.compile(r"[,:]\s*[“„«»\"]")
# A quotation mark that closes a sentence, and the space after it.
_CLOSED_QUOTE = re.compile(r"[.!?][\"“”«»]\s")


def _spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of quoted text, quotation marks excluded."""
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(text)
    para_end = -1  # the first line break at or after i (n for none), found once per paragraph
    while i < n:
        ch = text[i]
        closer = _PAIRS.get(ch)
        if ch == '"':
            closer = '"'
        if closer is None or ch == "‚":
            i += 1
            continue
        if para_end < i:
            para_end = text.find("\n", i)
            para_end = n if para_end < 0 else para_end
        j = text.find(closer, i + 1, para_end)
        if ch == "„" and j < 0:
            j = text.find('"', i + 1, para_end)  # „…" mixed styles in scraped text
        if j < 0:
            # An unclosed quote runs to the end of its paragraph (common in wire copy).
            spans.append((i + 1, para_end))
            i = para_end
            continue
        spans.append((i + 1, j))
        i = j + 1
    return spans


# Who speaks when no person is named: a German noun phrase with its article, lower-case
# adjectives before capitalised words, a genitive or a "von"/"für"/"bei" after them ("das
# kasachische Außenministerium", "ein Sprecher des Auswärtigen Amtes", "ein Sprecher von Amazon");
# an English one with its determiner ("the ministry", "a spokesman for the company"), or a body
# named by a bare plural ("Police said").
_CAPS = r"[A-ZÄÖÜ][\wäöüß&-]*(?:\s+[A-ZÄÖÜ][\wäöüß&-]*){0,3}"
_GERMAN_ADJECTIVES = r"(?:[a-zäöüß][\wäöüß-]*(?:e|en|er|es|em)\s+){0,2}"
_GERMAN_PHRASE = (
    r"(?:[Dd]er|[Dd]ie|[Dd]as|[Ee]in|[Ee]ine|[Ss]eine?|[Ii]hre?)\s+" + _GERMAN_ADJECTIVES + _CAPS
    + r"(?:\s+(?:des|der)\s+" + _GERMAN_ADJECTIVES + _CAPS + r")?"
    + r"(?:\s+(?:von|für|bei)\s+" + _CAPS + r")?"
)
_ENGLISH_PHRASE = (
    r"(?:[Tt]he|[Aa]n?)\s+(?:[a-z][\w'-]*\s+){0,3}(?:[\w'-]+)(?:\s+(?:of|for|at)\s+(?:the\s+)?" + _CAPS + r")?"
    r"|(?:Police|Officials|Authorities|Prosecutors|Witnesses|Experts|Analysts|Researchers|Scientists)\b"
)
_PHRASE = r"(?<![\w-])(?P<who>" + _GERMAN_PHRASE + "|" + _ENGLISH_PHRASE + r")"
# The phrase right after the speech verb (an adverb between: "sagte zudem ein Sprecher").
_ADVERB = r"(?:(?:zudem|dazu|weiter|außerdem|auch|später|damals|jedoch|dann|nun|bereits)\s+)?"
_PHRASE_AFTER_VERB = re.compile(r"\s+" + _ADVERB + _PHRASE + r"(?=\s|[,.;:!?]|$)")
# The phrase that opens a sentence and then speaks ("Das Ministerium erklärte", "The ministry
# said", "Die Forscher haben geschrieben").
_PHRASE_BEFORE_VERB = re.compile(
    r"[\s,„“”\"»«'’]*" + _PHRASE + r"\s+(?:(?:hat|hatte|haben|hatten|has|have|had)\s+)?$")
# In the sentence that opens a quote, a phrase after the verb is its subject only where it runs
# to the colon or comma before the quote ("Am Montag erklärte das Ministerium: „…“"), not an
# object ("betont die Bedeutung der Tiere als Bestäuber: „…“", "tweeted a response: “…”").
_GERMAN_SUBJECT_AFTER_VERB = re.compile(
    r"\s+" + _ADVERB + r"(?<![\w-])(?P<who>" + _GERMAN_PHRASE + r")\s*[:,]\s*[„“\"»«]?$")
# ', wie die „New York Times“ schrieb': the source stands between "wie" and its verb.
_AS = re.compile(r"\W*wie\s+")
_QUOTE_MARKS = re.compile(r"[„“”\"»«]")
# A word that goes on past a name ("SPD-Politiker", "Amazon-Chef"): a role, not the body itself.
_WORD_GOES_ON = re.compile(r"[\w-]")
# The source of "heißt es": after "bei", "aus", "von" ("heißt es bei Stora Enso", "hieß es aus
# dem Ministerium"); "heißt es in der Vorlage" names a document, not who speaks.
_HEARSAY_SOURCE = re.compile(
    r"\s+" + _ADVERB + r"(?:bei|aus|von|vom)\s+(?:dem\s+|der\s+)?(?P<who>" + _GERMAN_ADJECTIVES + _CAPS
    + r")(?=\s|[,.;:!?]|$)"
)
# A quote that ends its sentence, and the next sentence; a speech verb that brings content of
# its own (a clause after a comma, "that", "dass").
_NEW_SENTENCE = re.compile(r"\.[\"“”»«'’]\s+[A-ZÄÖÜ]")
_OWN_CONTENT = re.compile(r"\s*(?:mit\s*)?,|\s+(?:that|dass)\b")
_OPENS_WITH_PRONOUN = re.compile(r"\s*(?:Er|He|She)\s")
_ROLE_GOES_ON = re.compile(r"^\s*(?:der|die)\s+\w+\s+weiter\s*:\s*[„“\"»«]?$", re.I)


# A quoted name of a work, a programme or a slogan is no speech: the noun that names it stands
# right before the opening mark ("die Krimikomödie „Knives Out – …“", "im Fachjournal
# „Proceedings of …“", "unter dem Motto „…“", "eine Gruppe namens „…“", "the film “…”"), the
# closing mark joins a compound ("des „Raus aus dem Öl“-Bonus"), an author follows ("„Das Glück
# in diesem Leben“ von Papst Franziskus"), or the quote is a gloss in parentheses ("(„Aus den
# Tiefen unserer Herzen“)"). The nouns: heads that name a work inside a compound too
# ("Krimikomödie", "Castingshow", "Fachjournal", "Volksinitiative"), and words that do so only
# standing alone ("Aktion", not "Reaktion").
_WORK_HEADS = (
    r"film|komödie|tragödie|drama|krimi|thriller|serie|show|sendung|magazin|zeitung|zeitschrift|"
    r"journal|buch|roman|album|song|musical|podcast|dokumentation|doku|kolumne|studie|initiative|"
    r"kampagne|programm|veranstaltung|ausstellung|festival|regiearbeit|motto"
)
_WORK_WORDS = (
    r"reihe|band|blatt|werk|hit|lied|single|stück|oper|rubrik|report|index|aktion|projekt|titel|"
    r"slogan|parole|grundsatz|namens|bestseller|"
    r"movie|book|novel|series|episode|newspaper|magazine|programme|program|campaign|titled|entitled|named"
)
_WORK_BEFORE = re.compile(
    r"(?i:(?:" + _WORK_HEADS + r")|\b(?:" + _WORK_WORDS + r"))(?:e?s)?\s*[„“\"»«]$")
_WORK_AFTER = re.compile(r"[”“\"«»]?(?:-[\wÄÖÜäöüß]|\s+von\s+[A-ZÄÖÜ])")
_GLOSS = re.compile(r"\(\s*[„“\"»«]$")
_ENGLISH_TITLE_BEFORE = re.compile(r"\b(?:[Tt]he|[Aa]n?|his|her|their|its)\s+[“\"]$")
_SMALL_WORDS = frozenset("a an and as at by for from in is it of on or the to with".split())


def _names_a_work(text: str, qs: int, qe: int, body: str) -> bool:
    """Whether the quote from ``qs`` to ``qe`` (marks excluded) names a work, a programme or a
    slogan rather than reporting speech."""
    if body.endswith((".", "!", "?", ",")):
        return False
    before = text[max(0, qs - 40) : qs]
    if _WORK_BEFORE.search(before) or _WORK_AFTER.match(text, qe):
        return True
    if _GLOSS.search(before) and text[qe + 1 : qe + 3].lstrip().startswith(")"):
        return True
    # English title case: every word capitalised but the small ones ("A Star is Born", "Jim Crow
    # Museum of Racist Memorabilia"), after a determiner or anywhere not opened by a colon (a
    # headline's "Sarah: “I Don't Say A Single Word …”" is speech).
    words = title_words(body)
    title_case = sum(w[0].isupper() for w in words) >= 2 and in_title_case(words, _SMALL_WORDS)
    return title_case and (_ENGLISH_TITLE_BEFORE.search(before) is not None or not OPENING_COLON.search(before))


_ENGLISH_POSSESSIVE = re.compile(r"['’]s\s+[a-z]")
_NOUN_AFTER = re.compile(r"\s+([A-ZÄÖÜ][a-zäöüß]+)\b")


def _possessor(text: str, m: Mention) -> bool:
    """Whether the person mention ``m`` owns the noun after it ("Putins Sprecher", "Trump's
    lawyer"): a German genitive in -s before an ordinary noun, or an English 's."""
    if _ENGLISH_POSSESSIVE.match(text, m.end):
        return True
    if not text[m.start : m.end].endswith("s"):
        return False
    noun = _NOUN_AFTER.match(text, m.end)
    return noun is not None and is_common_word(noun.group(1))


class _Named:
    """Mentions of one type (persons unless told) in text order, indexed for the questions
    attribution asks of them.

    Mentions do not overlap (``entities.recognise``), so their ends rise with their starts
    and both answers are binary searches; should the ends not rise, the ends are scanned.
    """

    def __init__(self, mentions: Sequence[Mention], label: str = "PER") -> None:
        self.items = sorted((m for m in mentions if m.label == label), key=lambda m: m.start)
        self.starts = [m.start for m in self.items]
        ends = [m.end for m in self.items]
        self.ends = ends if all(a <= b for a, b in pairwise(ends)) else None

    def ending_by(self, before: int, last: int) -> list[Mention]:
        """The last ``last`` mentions (in text order) of those that end at or before ``before``."""
        if self.ends is None:
            earlier = [m for m in self.items if m.end <= before]
            return earlier[-last:]
        k = bisect_right(self.ends, before)
        return self.items[max(0, k - last) : k]

    def within(self, start: int, end: int, text: str | None = None) -> Mention | None:
        """The first mention that lies in [start, end]; with ``text``, the first that is no
        possessor: in 'Neles Vater Benjamin Strube sagte' or "Trump's lawyer said" the father
        and the lawyer speak, not Nele or Trump."""
        for j in range(bisect_left(self.starts, start), len(self.items)):
            m = self.items[j]
            if m.start > end:  # and so are the later ones: none ends by ``end``
                break
            if m.end <= end and not (text is not None and _possessor(text, m)):
                return m
        return None


class _Sentences:
    """Sentences in text order; lookups by offset are binary searches (linear scans made the
    attribution of every quote cost the whole article).  Sentences out of order are scanned."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.items = list(sentences)
        self.starts = [s.start for s in self.items]
        self.ends = [s.end for s in self.items]
        self.ordered = all(a <= b for a, b in pairwise(self.starts)) and all(a <= b for a, b in pairwise(self.ends))

    def index_at(self, pos: int) -> int:
        """Index of the first sentence with start <= pos <= end, else 0."""
        if not self.ordered:
            return next((s.index for s in self.items if s.start <= pos < s.end + 1), 0)
        i = bisect_left(self.ends, pos)  # the first sentence that ends at or after pos
        return self.items[i].index if i < len(self.items) and self.starts[i] <= pos else 0

    def last_ending_by(self, pos: int) -> Sentence | None:
        """The last sentence that ends at or before ``pos``."""
        if not self.ordered:
            prev = [s for s in self.items if s.end <= pos]
            return prev[-1] if prev else None
        k = bisect_right(self.ends, pos)
        return self.items[k - 1] if k else None


# Who speaks: a person or organisation mention, or the noun phrase that speaks where none is named.
Speaker = Mention | str


def _antecedent(text: str, persons: _Named, before: int) -> Mention | None:
    """What "er"/"sie" most likely points to: the last person seen speaking, else the last named."""
    earlier = persons.ending_by(before, 6)
    for m in reversed(earlier):
        window = text[m.start : m.end + 80]
        if _SPEECH_RE.search(window):
            return m
    return earlier[-1] if earlier else None


def find_quotes(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    entities: Sequence[Entity],
    min_words: int = 4,
) -> tuple[Quote, ...]:
    names = {e.id: e.name for e in entities}
    spans = _spans(text)
    said = _Said(text, _Named(mentions), _Named(mentions, "ORG"), _Sentences(sentences), Intervals(spans))
    quotes: list[Quote] = []
    last_speaker: Speaker | None = None
    last_end = -1  # where the last quote with a speaker ended
    for qs, qe in spans:
        body = text[qs:qe].strip()
        if len(body.split()) < min_words or _names_a_work(text, qs, qe, body):
            continue
        speaker = said.speaker(qs, qe, last_speaker, last_end)
        if speaker is not None:
            last_speaker, last_end = speaker, qe
        who: str | None = speaker if isinstance(speaker, str) else None
        who_id = None
        if isinstance(speaker, Mention):
            who, who_id = names.get(speaker.entity_id, speaker.text), speaker.entity_id
        quotes.append(Quote(start=qs, end=qe, text=body, speaker=who, speaker_id=who_id,
                            sentence=said.sentences.index_at(qs)))
    return tuple(quotes)


class _Said:
    """Who says the quotes of one text: its person and organisation mentions and sentences."""

    def __init__(
        self, text: str, persons: _Named, bodies: _Named, sentences: _Sentences, quoted: Intervals
    ) -> None:
        self.text = text
        self.persons = persons
        self.bodies = bodies
        self.sentences = sentences
        self.quoted = quoted  # the quotes' spans: a sentence said inside one names no source

    def phrase(self, m: re.Match[str] | None) -> Speaker | None:
        """The speaking noun phrase a pattern matched in the text: the organisation it names
        where it is nothing more ("die OVKS"), else the phrase as written, its determiner in
        lower case ("das kasachische Außenministerium")."""
        if m is None:
            return None
        words = m.group("who").split()
        determined = words[0].lower() in _DETERMINERS
        body = self.bodies.within(m.start("who"), m.end("who"))
        if body is not None and _QUOTE_MARKS.sub("", " ".join(words[determined:])) == body.text:
            return body
        return " ".join([words[0].lower(), *words[1:]]) if determined else " ".join(words)

    def _body_alone(self, start: int, end: int, body: Mention | None) -> bool:
        """Whether ``body`` stands in ``start``..``end`` with at most an article (or quotation
        marks) before it and nothing after it."""
        return (body is not None and not self.text[start : body.start].strip(_MARKS).split()[1:]
                and not self.text[body.end : end].strip())

    def after_verb(self, at: int, end: int, pattern: re.Pattern[str] = _PHRASE_AFTER_VERB) -> Speaker | None:
        """Who speaks right after a speech verb that ends at ``at`` (clause up to ``end``): an
        organisation named there ("teilte Siemens mit", "erklärte die OVKS"; not "der
        SPD-Politiker"), else the noun phrase ``pattern`` finds there."""
        body = self.bodies.within(at, min(end, at + 40))
        if body is not None and self._body_alone(at, body.end, body) and not _WORD_GOES_ON.match(self.text, body.end):
            return body
        return self.phrase(pattern.match(self.text, at, end))

    def subject_before(self, start: int, verb_at: int) -> Speaker | None:
        """The organisation or noun phrase that opens ``start``..``verb_at`` and speaks with the
        verb there ("Greenpeace USA tweeted", "Das Ministerium erklärte")."""
        body = self.bodies.within(start, verb_at)
        if self._body_alone(start, verb_at, body):
            return body
        return self.phrase(_PHRASE_BEFORE_VERB.match(self.text, start, verb_at))

    def speaker(self, qs: int, qe: int, last: Speaker | None, last_end: int = -1) -> Speaker | None:
        """Who says the quote at ``qs``..``qe``: the clause after it, else the sentence that
        opens it, else the sentence before it, else the last speaker where the quote goes on from
        the last one (``last``, which ended at ``last_end``)."""
        for reading in (self._after_quote, self._opening, self._sentence_before):
            found = reading(qs, qe, last)
            if not isinstance(found, _On):
                return found
        # Reported speech going on from the last quote ('Schuster sagt: "…" Es gehe darum, "…"'):
        # close after it, with no one named and no other speech verb in between.
        if last is not None and 0 <= qs - last_end <= _GOES_ON:
            gap = self.text[last_end:qs]
            if self.persons.within(last_end, qs) is None and not _SPEECH_RE.search(gap) and not _PRONOUN.search(gap):
                return last
        return None

    def _after_quote(self, qs: int, qe: int, last: Speaker | None) -> Speaker | None | _On:
        """', sagte Putin.' / '", he said' / '", schrieb die Zeitung.'; ``_ON`` where that
        clause does not decide."""
        text, persons = self.text, self.persons
        after = text[qe : qe + 120]
        clause_end = re.search(r"[.!?\n]", after[1:])
        after_clause = after[: clause_end.start() + 2] if clause_end else after
        # A clause that runs into the next quote introduces that one ('" Jardim explained, "...').
        if _INTRODUCES.search(after_clause, 1) is not None:
            return _ON
        verb = _SPEECH_RE.search(after_clause)
        if verb is None or (_NEW_SENTENCE.match(text, qe - 1) and _OWN_CONTENT.match(text, qe + verb.end())):
            # (A quote that ended its sentence, and a new one whose verb brings its own content:
            # that sentence reports something else: '„…Lage.“ Mitsotakis teilte mit, sein Land …'.)
            return _ON
        rest_start, verb_at, clause_stop = qe + verb.end(), qe + verb.start(), qe + len(after_clause)
        if _hearsay(verb):  # '", heißt es bei Stora Enso.' (not "in der Vorlage")
            return self.after_verb(rest_start, clause_stop, _HEARSAY_SOURCE)
        before_verb = after_clause[: verb.start()]
        as_source = _AS.match(before_verb)
        if as_source:  # ', wie die „New York Times“ schrieb'
            found = persons.within(qe, verb_at, text) or self.bodies.within(qe, verb_at)
            return found or self.phrase(_PHRASE_AFTER_VERB.match(text, qe + as_source.end() - 1, verb_at))
        named = persons.within(qe, clause_stop, text)
        if named:
            return named
        pronoun = _PRONOUN.search(text, rest_start, min(rest_start + 30, clause_stop)) or _PRONOUN.search(before_verb)
        if pronoun and not _plural(verb):
            return _antecedent(text, persons, qs) or last
        # '", schrieb die Zeitung.' / '", the ministry said.' (an unnamed source only where the
        # clause goes on from the quote: not after a quote that ended its sentence, nor from
        # inside the next quote)
        if not _QUOTE_MARKS.search(text, qe + 1, verb_at) and (
                text[qe - 1 : qe] not in ".!?" or before_verb.lstrip(_MARKS.replace(",", "")).startswith(",")):
            speaks = self.after_verb(rest_start, clause_stop) or self.subject_before(qe, verb_at)
            if speaks is not None:
                return speaks
        if not before_verb.strip(_MARKS):
            return None  # '", sagte ein 43-Jähriger.': said right after the quote, by no one named
        # The verb of a later clause ('„…“ Diese Noten könnten …, sagte sie.') reports that
        # clause; the sentence before the quote may name its speaker ('Hoffmann erläuterte:').
        return _ON

    def _opening(self, qs: int, qe: int, last: Speaker | None) -> Speaker | None | _On:
        """The sentence that opens the quote: 'Putin sagte: "…"' / 'sagte er: "…"' /
        'Gewessler: „…“'; ``_ON`` where it does not decide."""
        text, persons = self.text, self.persons
        lead_start = max(0, qs - 160)
        lead = text[lead_start:qs]
        # The sentence before the quote: after the last full stop, line break, or earlier quote that
        # closed a sentence ('... help." AECJ members continued, "When ...').
        closed = [m.end() for m in _CLOSED_QUOTE.finditer(lead, 0, max(0, len(lead) - 1))]
        cut = max(lead.rfind(". "), lead.rfind("\n"), closed[-1] - 1 if closed else -1)
        lead_start += cut + 1 if cut >= 0 else 0
        lead = text[lead_start:qs]
        verb = _SPEECH_RE.search(lead)
        if verb and _hearsay(verb):  # 'In den Dokumenten heißt es dazu: "…"'
            return self.after_verb(lead_start + verb.end(), qs, _HEARSAY_SOURCE)
        if verb:
            named = persons.within(lead_start, qs, text)
            if named:
                return named
            if _PRONOUN.search(lead):  # 'sagte er: „…“' ('Sie schrieben: „…“' is a group: no one)
                return None if _plural(verb) else _antecedent(text, persons, qs) or last
            # 'Ein Sprecher sagte: "…"' / 'Am Montag erklärte das Ministerium: "…"'
            return self.subject_before(lead_start, lead_start + verb.start()) or self.after_verb(
                lead_start + verb.end(), qs, _GERMAN_SUBJECT_AFTER_VERB)
        colon = OPENING_COLON.search(lead)
        if colon:  # 'Gewessler: „…“' / 'Die Ministerin weiter: „…“'
            named = persons.within(lead_start, qs, text)
            if named is not None and not lead[named.end - lead_start : colon.start()].strip():
                return named
            if _ROLE_GOES_ON.search(lead) or _OPENS_WITH_PRONOUN.match(lead):  # 'He called for unity: "…"'
                return _antecedent(text, persons, qs) or last
        return _ON

    def _sentence_before(self, qs: int, qe: int, last: Speaker | None) -> Speaker | None | _On:
        """A quote standing alone after the sentence that introduced its speaker ('Tokajew
        sagte, …'); ``_ON`` where that sentence does not decide."""
        text, persons = self.text, self.persons
        s = self.sentences.last_ending_by(qs)
        if s is None or qs - s.end >= 5:
            return _ON
        sent = text[s.start : s.end]
        verbs = [v for v in _SPEECH_RE.finditer(sent) if not _hearsay(v)]
        if not verbs:
            return _ON
        # '..., sagte Lindner.': the person right after the last speech verb, else the first.
        # ('Casado told Sánchez.': after "told" stands who was told.)
        after_verb = s.start + verbs[-1].end()
        told = verbs[-1].group().lower() in ("told", "tells")
        right_after = None if told else persons.within(after_verb, after_verb + 40, text)
        if right_after is not None and right_after.start - after_verb > 2:
            right_after = None  # 'Pitt said of Cooper': only a name right after the verb
        named = right_after or persons.within(s.start, s.end, text)
        if named:
            return named
        if _PRONOUN.search(_QUOTED.sub(" ", sent)):  # "he said", not a "he" inside a quote
            return None if _plural(verbs[-1]) else last
        # 'Das Ministerium erklärte, …. „…“' / '…, schreiben die Wissenschaftler. „…“'
        said_at = s.start + verbs[0].start()
        if self.quoted.overlaps(said_at, said_at + 1):
            return _ON  # said inside another quote
        speaks = self.subject_before(s.start, said_at) or (None if told else self.after_verb(after_verb, s.end))
        return _ON if speaks is None else speaks


class _On:
    """What a reading of one place answers when it does not decide who speaks: the next is asked."""


_ON = _On()
# Quotation marks and the comma around a quote, stripped where attribution reads around one.
_MARKS = " ,„“”\"»«'’"
_DETERMINERS = frozenset("der die das ein eine sein seine ihr ihre the a an".split())


def _hearsay(verb: re.Match[str]) -> bool:
    """ "heißt es", "hieß es": a source only where one is named after it."""
    return verb.group()[:3].lower() in ("hei", "hie")


def _plural(verb: re.Match[str]) -> bool:
    """A German speech verb in the plural ("sagten", "schrieben"): its "sie" is a group."""
    word = verb.group().lower()
    return word.endswith("en") and not word.startswith("ge")
