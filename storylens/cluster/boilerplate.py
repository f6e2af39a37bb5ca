"""Sentences that unrelated articles share (disclaimers, teaser stubs, share prompts) are left
out of the clustering vector.

A feed's boilerplate stands in the lead of many articles: 10kGNAD holds twelve teasers that
each end "Der Volltext dieses auf Agenturmeldungen basierenden Artikels steht aus rechtlichen
Gründen nicht mehr zur Verfügung." Half of each one's lead vector was that sentence, so the
twelve (on Guantanamo, Brexit polls, Maggi noodles, ...) made one "story", the second largest
of the stream. Wire copies share sentences too, but they share most of them, and those must
stay: the sentences are what tells the copies belong together.

So a sentence counts as boilerplate once it has stood in the leads of ``after`` articles whose
other lead sentences have nothing in common (its *contexts*). An article's context for one of
its sentences is the few smallest hashes of its other lead sentences (a bottom-k sketch); two
contexts are one when they share a hash, which two copies of one report nearly always do and
two different reports almost never. The store keeps at most ``after`` contexts per sentence
(table ``lead_sentences``), written in the chunk's own transaction; contexts of chunks read but
not yet written are held in memory, so a sentence is known as boilerplate from its ``after``-th
context on, whatever the chunking. The articles themselves are stored as they came: only what
is embedded for clustering leaves the sentence out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

from storylens.cluster.embedding import lead_sentences

#: hashes of the other lead sentences that make a context
SKETCH = 4

Lead = tuple[str | None, str]
Context = frozenset[int]


def sentence_key(sentence: str) -> int:
    """A signed 64-bit hash of the sentence, case and spacing ignored (both databases' BIGINT)."""
    digest = hashlib.blake2b(" ".join(sentence.lower().split()).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def context_text(context: Context) -> str:
    return " ".join(str(k) for k in sorted(context))


def parse_context(text: str) -> Context:
    return frozenset(int(k) for k in text.split())


def _contexts(keys: list[int], title: str | None) -> dict[int, Context]:
    """Per sentence key of one lead, the sketch of the lead's other sentences; a lead of one
    sentence is known by its title, if any (else its context is empty: it tells nothing)."""
    ordered = sorted(set(keys))
    out: dict[int, Context] = {}
    for key in keys:
        others = [k for k in ordered if k != key][:SKETCH]
        if not others and title:
            others = [sentence_key(title)]
        out[key] = frozenset(others)
    return out


def _new_context(known: Iterable[Context], context: Context) -> bool:
    """Whether ``context`` is unrelated to every one in ``known`` (shares no sentence)."""
    return bool(context) and not any(context & seen for seen in known)


#: the (sentence key, context) rows one chunk of articles adds, written with the chunk
LeadRows = list[tuple[int, str]]


class BoilerplateFilter:
    """Strips boilerplate sentences from the leads of a chunk before they are embedded.

    ``stored(keys)``: the contexts the store holds for these sentence keys, as written.
    ``after``: how many unrelated contexts make a sentence boilerplate (0: never).
    ``sentences``/``chars``: the lead the clusterer embeds (:class:`~storylens.cluster.embedding.Recipe`).
    """

    def __init__(
        self, stored: Callable[[Sequence[int]], dict[int, list[str]]], *, after: int,
        sentences: int, chars: int,
    ) -> None:
        self.stored = stored
        self.after = after
        self.sentences = sentences
        self.chars = chars
        self._pending: dict[int, list[Context]] = {}  # contexts of chunks not yet written

    def strip(self, leads: Sequence[Lead]) -> tuple[list[Lead], LeadRows]:
        """The leads without their boilerplate sentences, and the rows the chunk adds."""
        rows: LeadRows = []
        if self.after <= 0:
            return list(leads), rows
        pieces = [lead_sentences(text, self.sentences, self.chars) for _, text in leads]
        keys = [[sentence_key(p) for p in ps] for ps in pieces]
        wanted = sorted({k for ks in keys for k in ks})
        stored = self.stored(wanted)
        known = {k: [parse_context(c) for c in stored.get(k, [])] + self._pending.get(k, []) for k in wanted}
        out: list[Lead] = []
        for (title, text), ps, ks in zip(leads, pieces, keys, strict=True):
            dropped: set[int] = set()
            for key, context in _contexts(ks, title).items():
                seen = known[key]
                if len(seen) < self.after and _new_context(seen, context):
                    seen.append(context)
                    self._pending.setdefault(key, []).append(context)
                    rows.append((key, context_text(context)))
                if len(seen) >= self.after:
                    dropped.add(key)
            kept = [p for p, k in zip(ps, ks, strict=True) if k not in dropped]
            out.append((title, _without(text, ps, kept)) if dropped and (kept or title) else (title, text))
        return out, rows

    def settle(self, rows: LeadRows) -> None:
        """The chunk's rows are written (or rolled back): they are no longer pending."""
        for key, text in rows:
            contexts = self._pending.get(key)
            if contexts:
                context = parse_context(text)
                if context in contexts:
                    contexts.remove(context)
                if not contexts:
                    del self._pending[key]

    def forget_pending(self) -> None:
        """No chunk is in flight any more (an ingest run ended, however)."""
        self._pending.clear()


def _without(text: str, pieces: list[str], kept: list[str]) -> str:
    """The text for embedding with the dropped lead sentences left out: the kept lead sentences,
    then the rest of the text after the lead, so that the next sentences move up into it."""
    body = " ".join(text.split())
    last = pieces[-1] if pieces else ""
    end = body.find(last) + len(last) if last and last in body else 0
    return " ".join([*kept, body[end:].strip()]).strip()
