"""Direct quotes in German and English quotation styles, with their speaker.

A speaker is a person mention next to a speech verb ("sagte Putin", "Putin said"); a pronoun
("sagte er", "he said") resolves to the last named speaker; a quote standing alone after a
sentence like "Tokajew sagte, ..." belongs to that sentence's speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import pairwise

from storylens.model import Entity, Mention, Quote, Sentence
from storylens.nlp.names import is_common_word

_PAIRS = {"„": "“", "»": "«", "«": "»", "“": "”", "‚": "‘"}
_SPEECH = (
    r"sagte|sagt|sagten|erklärte|erklärt|erklärten|betonte|betont|meinte|warnte|"
    r"(?:fügte|setzte)\s+(?:\w+\s+)?hinzu|"
    r"schrieb|schreibt|twitterte|kritisierte|forderte|versicherte|ergänzte|fragte|antwortete|"
    r"bekräftigte|unterstrich|ergänzt|(?<=, )so(?= (?-i:[A-ZÄÖÜ])| (?:die|der|das|ein|eine)\s)|"
    r"said|says|told|tells|added|adds|wrote|writes|warned|stated|"
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


class _Persons:
    """Person mentions in text order, indexed for the questions attribution asks of them.

    Mentions do not overlap (``entities.recognise``), so their ends rise with their starts
    and both answers are binary searches; should the ends not rise, the ends are scanned.
    """

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self.items = sorted((m for m in mentions if m.label == "PER"), key=lambda m: m.start)
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


def _antecedent(text: str, persons: _Persons, before: int) -> Mention | None:
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
    persons = _Persons(mentions)
    sents = _Sentences(sentences)
    quotes: list[Quote] = []
    last_speaker: Mention | None = None
    last_end = -1  # where the last quote with a speaker ended
    for qs, qe in _spans(text):
        body = text[qs:qe].strip()
        if len(body.split()) < min_words:
            continue
        speaker = _speaker(text, qs, qe, persons, sents, last_speaker, last_end)
        if speaker is not None:
            last_speaker, last_end = speaker, qe
        idx = sents.index_at(qs)
        quotes.append(
            Quote(
                start=qs,
                end=qe,
                text=body,
                speaker=names.get(speaker.entity_id, speaker.text) if speaker else None,
                speaker_id=speaker.entity_id if speaker else None,
                sentence=idx,
            )
        )
    return tuple(quotes)


def _speaker(
    text: str,
    qs: int,
    qe: int,
    persons: _Persons,
    sents: _Sentences,
    last: Mention | None,
    last_end: int = -1,
) -> Mention | None:
    # After the quote: ', sagte Putin.' / '", he said'
    after = text[qe : qe + 120]
    clause_end = re.search(r"[.!?\n]", after[1:])
    after_clause = after[: clause_end.start() + 2] if clause_end else after
    # A clause that runs into the next quote introduces that one ('" Jardim explained, "...').
    introduces_next = _INTRODUCES.search(after_clause, 1) is not None
    verb = None if introduces_next else _SPEECH_RE.search(after_clause)
    if verb:
        rest_start = qe + verb.end()
        named = persons.within(qe, qe + len(after_clause), text)
        if named:
            return named
        if _PRONOUN.search(text[rest_start : rest_start + 30]) or _PRONOUN.search(after_clause[: verb.start()]):
            return _antecedent(text, persons, qs) or last
        return None  # '", schrieb die Zeitung.': a speaker who is not a named person
    # Before the quote, same sentence: 'Putin sagte: "…"' / 'sagte er: "…"'
    lead_start = max(0, qs - 160)
    lead = text[lead_start:qs]
    # The sentence before the quote: after the last full stop, line break, or earlier quote that
    # closed a sentence ('... help." AECJ members continued, "When ...').
    closed = [m.end() for m in _CLOSED_QUOTE.finditer(lead, 0, max(0, len(lead) - 1))]
    cut = max(lead.rfind(". "), lead.rfind("\n"), closed[-1] - 1 if closed else -1)
    lead_start += cut + 1 if cut >= 0 else 0
    lead = text[lead_start:qs]
    if _SPEECH_RE.search(lead):
        named = persons.within(lead_start, qs, text)
        if named:
            return named
        if _PRONOUN.search(lead):
            return _antecedent(text, persons, qs) or last
        return None  # 'Ein Sprecher sagte: "…"'
    # Standing alone: the previous sentence introduced the speaker ('Tokajew sagte, …').
    s = sents.last_ending_by(qs)
    if s is not None and qs - s.end < 5:
        sent = text[s.start : s.end]
        verbs = list(_SPEECH_RE.finditer(sent))
        if verbs:
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
                return last
    # Reported speech going on from the last quote ('Schuster sagt: "…" Es gehe darum, "…"'):
    # close after it, with no one named and no other speech verb in between.
    if last is not None and 0 <= qs - last_end <= _GOES_ON:
        gap = text[last_end:qs]
        if persons.within(last_end, qs) is None and not _SPEECH_RE.search(gap) and not _PRONOUN.search(gap):
            return last
    return None
