"""Sentences and tokens with character offsets (syntok), with German fixes."""

from __future__ import annotations

import re

import simplemma
from syntok import segmenter

from storylens.model import Sentence, Token

MONTHS_DE = ("Januar Jänner Februar März April Mai Juni Juli August September Oktober November Dezember").split()
_ORDINAL_END = re.compile(r"(?:\b\d{1,2}|\b[IVX]+)\.\s*$")
_CONTINUES = re.compile(r"^\s*(?:" + "|".join(MONTHS_DE) + r"|[a-zäöüß])")


def _raw_sentences(text: str) -> list[list[tuple[int, int, str]]]:
    sentences: list[list[tuple[int, int, str]]] = []
    for paragraph in segmenter.analyze(text):
        for sent in paragraph:
            toks = [(t.offset, t.offset + len(t.value), t.value) for t in sent]
            if toks:
                sentences.append(toks)
    return sentences


def _merge_ordinals(text: str, sents: list[list[tuple[int, int, str]]]) -> list[list[tuple[int, int, str]]]:
    """syntok ends a sentence at German ordinals ("am 3. Januar"): glue those back."""
    merged: list[list[tuple[int, int, str]]] = []
    for toks in sents:
        if merged:
            prev = merged[-1]
            head = text[prev[0][0] : prev[-1][1]]
            nxt = text[toks[0][0] : toks[-1][1]]
            same_paragraph = "\n" not in text[prev[-1][1] : toks[0][0]]
            if same_paragraph and _ORDINAL_END.search(head) and _CONTINUES.match(nxt):
                prev.extend(toks)
                continue
        merged.append(list(toks))
    return merged


def lemma(word: str, lang: str | None) -> str:
    code = lang if lang in ("de", "en", "fr", "es", "it", "nl", "pl") else "de"
    return str(simplemma.lemmatize(word, lang=code))


def segment(text: str, lang: str | None = "de") -> tuple[tuple[Sentence, ...], tuple[Token, ...]]:
    sentences: list[Sentence] = []
    tokens: list[Token] = []
    for index, toks in enumerate(_merge_ordinals(text, _raw_sentences(text))):
        sentences.append(Sentence(start=toks[0][0], end=toks[-1][1], index=index))
        for start, end, value in toks:
            word = text[start:end]
            lem = lemma(word, lang) if value[:1].isalpha() else word
            tokens.append(Token(start=start, end=end, text=word, lemma=lem, sentence=index))
    return tuple(sentences), tuple(tokens)
