"""Readers for the NER gold sets in ../shared/data, shared by training and benchmarks.

Every reader yields (tokens, tags) pairs with tags in BIO.  CoNLL-2003 and Europarl use IOB1
(I- everywhere, B- only where two entities of one type touch), which is converted here so that
span extraction downstream sees one scheme.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

Sentence = tuple[list[str], list[str]]


def shared_dir() -> Path:
    """../shared relative to the repository root, unless STORYLENS_SHARED says otherwise."""
    env = os.environ.get("STORYLENS_SHARED")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[3]
    return (repo / ".." / "shared").resolve()


def data_dir() -> Path:
    return shared_dir() / "data"


def iob1_to_bio(tags: list[str]) -> list[str]:
    out: list[str] = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-"):
            typ = tag[2:]
            if prev == "O" or prev[2:] != typ:
                tag = "B-" + typ
        out.append(tag)
        prev = tag
    return out


def _blocks(path: Path) -> Iterator[list[str]]:
    block: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if block:
                    yield block
                block = []
            else:
                block.append(line)
    if block:
        yield block


def read_germeval_train(path: Path) -> Iterator[Sentence]:
    """token<TAB>outer-tag lines, blank line between sentences."""
    for block in _blocks(path):
        toks, tags = [], []
        for line in block:
            tok, tag = line.split("\t")[:2]
            toks.append(tok)
            tags.append(tag)
        yield toks, tags


def read_germeval_tsv(path: Path) -> Iterator[Sentence]:
    """Official GermEval layout: '#' source line, then idx, token, outer tag, inner tag."""
    for block in _blocks(path):
        toks, tags = [], []
        for line in block:
            if line.startswith("#\t") or line == "#":
                continue
            cols = line.split("\t")
            toks.append(cols[1])
            tags.append(cols[2])
        if toks:
            yield toks, tags


def read_conll(path: Path, *, sep: str | None = None, iob1: bool = True) -> Iterator[Sentence]:
    """CoNLL-style columns (token first, NE tag last); -DOCSTART- lines are skipped."""
    for block in _blocks(path):
        toks, tags = [], []
        for line in block:
            if line.startswith("-DOCSTART-"):
                continue
            cols = line.split(sep)
            toks.append(cols[0])
            tags.append(cols[-1])
        if toks:
            yield toks, (iob1_to_bio(tags) if iob1 else tags)


def read_conll_docs(path: Path, *, sep: str | None = None) -> Iterator[list[Sentence]]:
    """CoNLL-2003 grouped into documents at -DOCSTART- lines (IOB1 converted to BIO)."""
    doc: list[Sentence] = []
    for block in _blocks(path):
        if block[0].startswith("-DOCSTART-"):
            if doc:
                yield doc
            doc = []
            block = block[1:]
        if block:
            cols = [line.split(sep) for line in block]
            doc.append(([c[0] for c in cols], iob1_to_bio([c[-1] for c in cols])))
    if doc:
        yield doc


def read_europeana(path: Path) -> Iterator[Sentence]:
    """'token TAG' lines, BIO; sentence ends are not marked, so split after final punctuation.

    A few lines carry typo tags; anything that is not B-/I- PER/LOC/ORG becomes O.
    """
    toks: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            cols = line.split()
            if len(cols) < 2:
                if toks:
                    yield toks, tags
                toks, tags = [], []
                continue
            tok, tag = cols[0], cols[-1]
            if tag[:2] not in ("B-", "I-") or tag[2:] not in ("PER", "LOC", "ORG"):
                tag = "O"
            toks.append(tok)
            tags.append(tag)
            if tok in (".", "!", "?") and len(toks) > 3:
                yield toks, iob1_to_bio(tags)
                toks, tags = [], []
    if toks:
        yield toks, iob1_to_bio(tags)


def spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Strict chunks (start, end, type) from BIO; a stray I- opens a chunk, as conlleval does."""
    out: set[tuple[int, int, str]] = set()
    start = -1
    typ = ""
    for i, tag in enumerate([*tags, "O"]):
        if tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != typ):
            if start >= 0:
                out.add((start, i, typ))
                start, typ = -1, ""
            if tag != "O":
                start, typ = i, tag[2:]
    return out
