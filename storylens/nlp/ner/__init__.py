"""German named-entity recognition trained here on GermEval 2014 (CRF, see ``train.py``).

Tags are GermEval's outer BIO tags: B-/I- over PER, LOC, ORG, OTH, each also as ``...deriv``
(words derived from a name: "kasachische" is B-LOCderiv) and ``...part`` (compounds that
contain a name: "OVKS-Truppen" is B-ORGpart).  :func:`coarse` maps them to the four types the
rest of storylens uses.

    >>> tagger = load_tagger()
    >>> tagger.tag(["Putin", "sprach", "in", "Almaty", "."])
    ['B-PER', 'O', 'O', 'B-LOC', 'O']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from storylens.nlp.ner.features import FeatureExtractor, Lexicon

__all__ = ["Tagger", "coarse", "load_tagger", "tag_conll", "tag_text"]

MODEL_DIR = Path(__file__).resolve().parent / "model"

_COARSE = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC"}


def coarse(label: str) -> str | None:
    """Map a GermEval tag or type to PER, LOC, ORG, MISC, or None for 'O'.

    Accepts 'B-PER', 'I-LOCpart', 'ORG', ...  Decisions:

    - ``OTH`` (works, events, products, ...) -> MISC.
    - ``*deriv`` -> MISC, whatever the base type: "kasachische" or "deutschen" is not a place
      mention but an adjective about one; CoNLL-2003 annotates such words MISC too.  Callers
      that want to link it to the place can look at the fine label themselves.
    - ``*part`` -> MISC as well: "OVKS-Truppen" or "SPD-Fraktion" is a compound that contains
      a name, and CoNLL-2003 newswire annotates exactly these as MISC; mapping them to the base
      type cost 1.5 F1 points (PER/LOC/ORG) on CoNLL testa.  Entity linking that wants the
      embedded name ("OVKS") should use the fine label (ORGpart) and strip the compound tail.
    """
    if label in ("O", ""):
        return None
    typ = label[2:] if label[:2] in ("B-", "I-") else label
    if typ.endswith(("deriv", "part")):
        return "MISC"
    return _COARSE.get(typ)


class Tagger:
    """A loaded CRF model; ``tag`` and ``tag_sentences`` take pre-tokenised sentences."""

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        import pycrfsuite

        self.model_dir = model_dir
        self._features = FeatureExtractor(Lexicon.load(model_dir / "lexicon.tsv.gz"))
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_dir / "ner.crfsuite"))
        self.labels: tuple[str, ...] = tuple(sorted(self._tagger.labels()))

    def tag(self, tokens: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        return list(self._tagger.tag(self._features.sentence(tokens)))

    def tag_sentences(self, sents: Iterable[Sequence[str]]) -> list[list[str]]:
        return [self.tag(s) for s in sents]


@lru_cache(maxsize=1)
def load_tagger() -> Tagger:
    """The shipped model, loaded once per process."""
    return Tagger()


def tag_conll(lines: Iterable[str], tagger: Tagger | None = None) -> Iterator[str]:
    """The ``storylens ner FILE`` contract, line in, line out (without newlines).

    Token = first whitespace-separated column; a blank line ends a sentence; lines starting
    with '#' or '-DOCSTART-' pass through unchanged (in place, also inside a sentence).
    """
    tagger = tagger or load_tagger()
    pending: list[tuple[str, str | None]] = []  # (raw line, token or None for pass-through)

    def flush() -> Iterator[str]:
        tokens = [tok for _, tok in pending if tok is not None]
        tags = iter(tagger.tag(tokens))
        for raw, tok in pending:
            yield raw if tok is None else f"{tok}\t{next(tags)}"
        pending.clear()

    for line in lines:
        line = line.rstrip("\r\n")
        if line.startswith("#") or line.startswith("-DOCSTART-"):
            pending.append((line, None))
        elif not line.strip():
            yield from flush()
            yield ""
        else:
            pending.append((line, line.split()[0]))
    yield from flush()


def tag_text(text: str, tagger: Tagger | None = None) -> list[tuple[int, int, str]]:
    """Entity spans in running text: (start, end, GermEval type) with offsets into ``text``.

    Sentences and tokens come from syntok, as elsewhere in storylens; a span runs from its
    first token's start to its last token's end, so 'Kassym-Schomart Tokajew' keeps its hyphen.
    """
    from syntok import segmenter

    tagger = tagger or load_tagger()
    out: list[tuple[int, int, str]] = []
    for para in segmenter.analyze(text):
        for sent in para:
            toks = list(sent)
            tags = tagger.tag([t.value for t in toks])
            start = -1
            typ = ""
            for i, tag in enumerate([*tags, "O"]):
                if tag == "O" or tag.startswith("B-") or tag[2:] != typ:
                    if start >= 0:
                        last = toks[i - 1]
                        out.append((toks[start].offset, last.offset + len(last.value), typ))
                        start, typ = -1, ""
                    if tag != "O":
                        start, typ = i, tag[2:]
    return out
