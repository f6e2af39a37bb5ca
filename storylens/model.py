"""The data model: frozen, slotted dataclasses.

Spans are character offsets into ``Article.text``; the text itself is never copied
into spans except for a short ``text`` convenience field where consumers need it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class _Serialisable:
    def as_dict(self) -> dict[str, Any]:
        return _plain(self)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Dateline(_Serialisable):
    place: str | None = None
    agency: str | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Sentence(_Serialisable):
    start: int
    end: int
    index: int


@dataclass(frozen=True, slots=True)
class Token(_Serialisable):
    start: int
    end: int
    text: str
    lemma: str
    sentence: int


@dataclass(frozen=True, slots=True)
class Mention(_Serialisable):
    start: int
    end: int
    text: str
    label: str  # PER, LOC, ORG, MISC
    entity_id: str
    sentence: int = 0


@dataclass(frozen=True, slots=True)
class Entity(_Serialisable):
    id: str  # normalised key, equal across documents and languages
    name: str  # preferred display name
    type: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Figure(_Serialisable):
    start: int
    end: int
    text: str
    value: float
    unit: str | None  # "km", "%", "EUR", ... or None for plain counts
    counts: str | None  # what is counted: "killed", "arrested", "soldiers", ...
    sentence: int = 0
    approx: str | None = None  # "fast", "rund", "mehr als", ...
    attribution: str | None = None  # who the figure is attributed to
    certainty: str = "stated"  # stated | attributed | unconfirmed | estimated


HEDGED = frozenset({"unconfirmed", "estimated"})


def certainties_disagree(certainties: Iterable[str]) -> bool:
    """Whether texts reporting one figure disagree on how sure it is: one hedges it (unconfirmed,
    an estimate) and another does not. Different sources for one number are normal."""
    found = set(certainties)
    return len(found) > 1 and bool(found & HEDGED)


@dataclass(frozen=True, slots=True)
class DateMention(_Serialisable):
    start: int
    end: int
    text: str
    value: str | None  # ISO date / month / year when resolvable
    granularity: str  # day | week | month | year | weekday | unknown
    sentence: int = 0


@dataclass(frozen=True, slots=True)
class Quote(_Serialisable):
    start: int
    end: int
    text: str
    speaker: str | None
    speaker_id: str | None
    sentence: int = 0


@dataclass(frozen=True, slots=True)
class Article(_Serialisable):
    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    language: str | None = None
    published: str | None = None  # ISO date, possibly partial ("2022-01")
    dateline: Dateline | None = None
    meta: dict[str, str] = field(default_factory=dict)
    sentences: tuple[Sentence, ...] = ()
    tokens: tuple[Token, ...] = ()
    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()
    figures: tuple[Figure, ...] = ()
    dates: tuple[DateMention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    # Set when only the text up to this offset was analysed (``analysis.max_chars``).
    analysed_chars: int | None = None

    @property
    def analysed(self) -> bool:
        return bool(self.sentences)

    def headline(self, limit: int = 80, start: int = 0) -> str:
        """The title, else the text's first line from ``start`` (0: the dateline included)
        where it is short enough, else the text cut at a word boundary, for people to read."""
        if self.title:
            return self.title
        first = self.text[start : start + limit + 40].lstrip().split("\n", 1)[0].strip()
        if len(first.split()) >= 3 and len(first) <= limit:
            return first
        text = " ".join(self.text[start : start + limit + 40].split())
        return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.text[s.start : s.end]

    def sentence_of(self, offset: int) -> int:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s.index
        return max(0, len(self.sentences) - 1)

    def entity(self, entity_id: str) -> Entity | None:
        for e in self.entities:
            if e.id == entity_id:
                return e
        return None

    def replace(self, **changes: Any) -> Article:
        return dataclasses.replace(self, **changes)

    def bare(self) -> Article:
        """The article as read, without its analysis (to analyse it afresh)."""
        return self.replace(dateline=None, sentences=(), tokens=(), mentions=(), entities=(),
                            figures=(), dates=(), quotes=(), analysed_chars=None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        kinds = {
            "sentences": Sentence,
            "tokens": Token,
            "mentions": Mention,
            "figures": Figure,
            "dates": DateMention,
            "quotes": Quote,
        }
        values = dict(data)
        for key, kind in kinds.items():
            values[key] = tuple(kind(**item) for item in values.get(key, ()))
        values["entities"] = tuple(
            Entity(**{**e, "aliases": tuple(e.get("aliases", ()))})
            for e in values.get("entities", ())
        )
        if values.get("dateline"):
            values["dateline"] = Dateline(**values["dateline"])
        return cls(**values)


def fingerprint(text: str) -> str:
    """Content id: whitespace-insensitive, so re-ingesting a re-wrapped copy is a no-op."""
    canonical = " ".join(text.split())
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Similarity(_Serialisable):
    a: str
    b: str
    overall: float
    dimensions: dict[str, float]
    same_story: bool
    confidence: float
    evidence: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Comparison(_Serialisable):
    a: Article
    b: Article
    similarity: Similarity
    alignment: tuple[dict[str, Any], ...]
    entities: dict[str, Any]
    figures: dict[str, Any]
    quotes: dict[str, Any]
    provenance: dict[str, Any]
