"""Direct quotes in German and English quotation styles, with their speaker.

A speaker is a person mention next to a speech verb ("sagte Putin", "Putin said"); a pronoun
("sagte er", "he said") resolves to the last named speaker; a quote standing alone after a
sentence like "Tokajew sagte, ..." belongs to that sentence's speaker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storylens.model import Entity, Mention, Quote, Sentence

_PAIRS = {"„": "“", "»": "«", "«": "»", "“": "”", "‚": "‘"}
_SPEECH = (
    r"sagte|sagt|sagten|erklärte|erklärt|betonte|betont|meinte|warnte|fügte\s+\w+\s+hinzu|"
    r"schrieb|twitterte|kritisierte|forderte|versicherte|so|said|says|told|added|wrote|warned|stated"
)
_SPEECH_RE = re.compile(r"\b(?:" + _SPEECH + r")\b", re.I)
_PRONOUN = re.compile(r"\b(?:er|sie|he|she)\b", re.I)


def _spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of quoted text, quotation marks excluded."""
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        closer = _PAIRS.get(ch)
        if ch == '"':
            closer = '"'
        if closer is None or ch == "‚":
            i += 1
            continue
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


def _antecedent(text: str, persons: Sequence[Mention], before: int) -> Mention | None:
    """What "er"/"sie" most likely points to: the last person seen speaking, else the last named."""
    earlier = [m for m in persons if m.end <= before]
    for m in reversed(earlier[-6:]):
        window = text[m.start : m.end + 80]
        if _SPEECH_RE.search(window):
            return m
    return earlier[-1] if earlier else None


def _person_near(mentions: Sequence[Mention], start: int, end: int) -> Mention | None:
    near = [m for m in mentions if m.label == "PER" and start <= m.start and m.end <= end]
    return near[0] if near else None


def find_quotes(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    entities: Sequence[Entity],
    min_words: int = 4,
) -> tuple[Quote, ...]:
    names = {e.id: e.name for e in entities}
    persons = sorted((m for m in mentions if m.label == "PER"), key=lambda m: m.start)
    quotes: list[Quote] = []
    last_speaker: Mention | None = None
    for qs, qe in _spans(text):
        body = text[qs:qe].strip()
        if len(body.split()) < min_words:
            continue
        speaker = _speaker(text, qs, qe, persons, sentences, last_speaker)
        if speaker is not None:
            last_speaker = speaker
        idx = next((s.index for s in sentences if s.start <= qs < s.end + 1), 0)
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
    persons: Sequence[Mention],
    sentences: Sequence[Sentence],
    last: Mention | None,
) -> Mention | None:
    # After the quote: ', sagte Putin.' / '", he said'
    after = text[qe : qe + 120]
    clause_end = re.search(r"[.!?\n]", after[1:])
    after_clause = after[: clause_end.start() + 2] if clause_end else after
    verb = _SPEECH_RE.search(after_clause)
    if verb:
        rest_start = qe + verb.end()
        named = _person_near(persons, qe, qe + len(after_clause))
        if named:
            return named
        if _PRONOUN.search(text[rest_start : rest_start + 12]) or _PRONOUN.search(after_clause[: verb.start()]):
            return _antecedent(text, persons, qs) or last
    # Before the quote, same sentence: 'Putin sagte: "…"' / 'sagte er: "…"'
    lead_start = max(0, qs - 160)
    lead = text[lead_start:qs]
    cut = max(lead.rfind(". "), lead.rfind("\n"))
    lead_start += cut + 1 if cut >= 0 else 0
    lead = text[lead_start:qs]
    if _SPEECH_RE.search(lead):
        named = _person_near(persons, lead_start, qs)
        if named:
            return named
        if _PRONOUN.search(lead):
            return _antecedent(text, persons, qs) or last
    # Standing alone: the previous sentence introduced the speaker ('Tokajew sagte, …').
    prev = [s for s in sentences if s.end <= qs]
    if prev:
        s = prev[-1]
        sent = text[s.start : s.end]
        if _SPEECH_RE.search(sent) and qs - s.end < 5:
            named = _person_near(persons, s.start, s.end)
            if named:
                return named
            if _PRONOUN.search(sent):
                return last
    return None
