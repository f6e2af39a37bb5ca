"""Sentences and tokens with character offsets (syntok), with German fixes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import simplemma
from syntok import segmenter
from syntok.tokenizer import Tokenizer

from storylens.model import Sentence, Token

MONTHS_DE = ("Januar Jänner Februar März April Mai Juni Juli August September Oktober November Dezember").split()
_ORDINAL_END = re.compile(r"(?:\b\d{1,2}|\b[IVX]+)\.\s*$")
_CONTINUES = re.compile(r"\s*(?:" + "|".join(MONTHS_DE) + r"|[a-zäöüß])")  # at a sentence's start
# What an ordinal at the end of a sentence is made of ('3.', 'XIV.', trailing space).
_ORDINAL_CHARS = frozenset("IVX.")


def syntok_sentences(text: str) -> Iterator[list[tuple[int, int, str]]]:
    """syntok's sentences of ``text`` as lists of (start, end, token) tuples.

    The sentences and tokens of ``syntok.segmenter.analyze(text)``, made the way it makes
    them (paragraphs, then tokens, then sentences) except for one step: ``analyze`` has the
    tokenizer give text offsets by putting as many spaces as the paragraph's offset in front
    of each paragraph, so that its cost grows with the number of paragraphs times the length
    of the text.  Here each paragraph is tokenized alone and its offsets are shifted (the
    sentence splitter only compares offsets within a paragraph).
    """
    tokenizer = Tokenizer(replace_not_contraction=False)  # as analyze() has it
    for offset, paragraph in segmenter.preprocess_with_offsets(text):
        for sent in segmenter.segment(tokenizer.tokenize(paragraph)):
            toks = [(offset + t.offset, offset + t.offset + len(t.value), t.value) for t in sent]
            if toks:
                yield toks


def token_sentences(text: str) -> Iterator[list[tuple[int, int, str]]]:
    """:func:`syntok_sentences` with words syntok cut at an inner capital joined again."""
    for toks in syntok_sentences(text):
        yield _join_camel_case(toks)


def _join_camel_case(toks: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """syntok cuts words at a capital inside them ("PiS" -> "Pi" "S", "McDonald", "iPhone"):
    letters that touch are one word again."""
    out = [toks[0]]
    for start, end, value in toks[1:]:
        prev_start, prev_end, prev_value = out[-1]
        if start == prev_end and value.isalpha() and prev_value.isalpha():
            out[-1] = (prev_start, end, prev_value + value)
        else:
            out.append((start, end, value))
    return out


def _ends_with_ordinal(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` ends with an ordinal (``_ORDINAL_END``), reading only its end.

    A match is made of digits, 'I', 'V', 'X', '.' and white space, so it cannot reach back past
    a character of any other kind: the search starts at the nearest one before the end
    (searching the whole sentence, which grows with each merge, was quadratic in its length).
    """
    lo = max(start, end - 16)
    while lo > start and (text[lo] in _ORDINAL_CHARS or text[lo].isdigit() or text[lo].isspace()):
        lo = max(start, lo - 16)
    if lo == start:  # the sentence's start, where '\b' sees the start of the string
        return _ORDINAL_END.search(text[start:end]) is not None
    return _ORDINAL_END.search(text, lo, end) is not None


def _merge_ordinals(text: str, sents: Iterable[list[tuple[int, int, str]]]) -> Iterator[list[tuple[int, int, str]]]:
    """syntok ends a sentence at German ordinals ("am 3. Januar"): glue those back.

    Sentences stream through: only the sentence being glued is held."""
    prev: list[tuple[int, int, str]] | None = None
    for toks in sents:
        if prev is not None:
            same_paragraph = "\n" not in text[prev[-1][1] : toks[0][0]]
            if (
                same_paragraph
                and _ends_with_ordinal(text, prev[0][0], prev[-1][1])
                and _CONTINUES.match(text, toks[0][0], toks[-1][1])
            ):
                prev.extend(toks)
                continue
            yield prev
        prev = list(toks)
    if prev is not None:
        yield prev


def lemma(word: str, lang: str | None) -> str:
    code = lang if lang in ("de", "en", "fr", "es", "it", "nl", "pl") else "de"
    return str(simplemma.lemmatize(word, lang=code))


def segment(text: str, lang: str | None = "de") -> tuple[tuple[Sentence, ...], tuple[Token, ...]]:
    sentences: list[Sentence] = []
    tokens: list[Token] = []
    for index, toks in enumerate(_merge_ordinals(text, token_sentences(text))):
        sentences.append(Sentence(start=toks[0][0], end=toks[-1][1], index=index))
        for start, end, value in toks:
            word = text[start:end]
            lem = lemma(word, lang) if value[:1].isalpha() else word
            tokens.append(Token(start=start, end=end, text=word, lemma=lem, sentence=index))
    return tuple(sentences), tuple(tokens)
