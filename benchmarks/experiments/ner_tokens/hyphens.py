"""NER on running text: does it matter how the tokenizer cuts hyphenated words?

The gold sets come tokenised: "Bundes-FDP" and "OVKS-Truppen" are one token there, and
`benchmarks/ner.py` tags those tokens. Articles are tokenised by syntok (`nlp/segment.py`), which
cuts such words at the hyphen and drops it ("Bundes" "FDP"), so the tagger sees other tokens
in storylens than in the benchmark. This rebuilds each gold sentence as text (tokens joined by
spaces), tokenises it with syntok as storylens did until session 15 (alone, and with names cut
at a hyphen joined again afterwards, as `entities._rejoin_hyphens` does), with hyphenated words
joined before tagging, and as storylens does now (`entities.tagging_tokens`: hyphenated words,
ordinals, initials and abbreviations one token each), tags it, and scores strict spans by
character offsets against the gold. The abbreviation list was made from the GermEval dev
sentences whose tokens differed from the gold's (a tuning set); Europarl test is held out.

Usage: .venv/bin/python benchmarks/experiments/ner_tokens/hyphens.py > hyphens.json
"""

from __future__ import annotations

import json
import sys
import time

from storylens.model import Token
from storylens.nlp.entities import tagging_tokens
from storylens.nlp.ner import load_tagger
from storylens.nlp.ner.corpora import data_dir, read_conll, read_germeval_tsv, spans
from storylens.nlp.segment import token_sentences

PLAIN = {"PER", "LOC", "ORG"}


def char_spans(tokens: list[str], tags: list[str], offsets: list[tuple[int, int]]) -> set[tuple[int, int, str]]:
    return {(offsets[a][0], offsets[b - 1][1], label) for a, b, label in spans(tags)}


def join_hyphens(text: str, toks: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Tokens that a hyphen alone separates are one token again ("Bundes-FDP")."""
    out = [toks[0]]
    for start, end, value in toks[1:]:
        p_start, p_end, p_value = out[-1]
        if start == p_end + 1 and text[p_end] == "-" and p_value[-1:].isalnum() and value[:1].isalnum():
            out[-1] = (p_start, end, text[p_start:end])
        else:
            out.append((start, end, value))
    return out


def rejoin(text: str, found: set[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for start, end, label in sorted(found):
        if out and out[-1][2] == label and text[out[-1][1] : start] == "-":
            out[-1] = (out[-1][0], end, label)
        else:
            out.append((start, end, label))
    return set(out)


def evaluate(sents: list[tuple[list[str], list[str]]], keep: set[str] | None, tagger) -> dict[str, dict[str, float]]:
    texts, golds = [], []
    for tokens, tags in sents:
        offsets, pos = [], 0
        for t in tokens:
            offsets.append((pos, pos + len(t)))
            pos += len(t) + 1
        texts.append(" ".join(tokens))
        golds.append(char_spans(tokens, tags, offsets))
    result = {}
    for variant in ("syntok", "syntok_spans_rejoined", "hyphens_joined", "tagging_tokens", "gold_tokens"):
        t0 = time.perf_counter()
        tp = fp = fn = 0
        batch_sents, batch_offsets, owners = [], [], []
        for i, (text, (tokens, _)) in enumerate(zip(texts, sents, strict=True)):
            if variant == "gold_tokens":
                pos, offs = 0, []
                for t in tokens:
                    offs.append((pos, pos + len(t)))
                    pos += len(t) + 1
                pieces = [[(a, b, text[a:b]) for a, b in offs]]
            else:
                pieces = list(token_sentences(text))
                if variant == "hyphens_joined":
                    pieces = [join_hyphens(text, p) for p in pieces]
                elif variant == "tagging_tokens":  # what storylens gives the model now
                    pieces = [[(t.start, t.end, t.text) for t in tagging_tokens(text, [
                        Token(start=a, end=b, text=v, lemma="", sentence=0) for a, b, v in p])]
                        for p in pieces]
            for p in pieces:
                batch_sents.append([v for _, _, v in p])
                batch_offsets.append([(a, b) for a, b, _ in p])
                owners.append(i)
        tagged = tagger.tag_sentences(batch_sents)
        predicted: list[set[tuple[int, int, str]]] = [set() for _ in texts]
        for i, toks, tags, offs in zip(owners, batch_sents, tagged, batch_offsets, strict=True):
            found = char_spans(toks, tags, offs)
            if variant == "syntok_spans_rejoined":  # as storylens's entities._rejoin_hyphens
                found = rejoin(texts[i], found)
            predicted[i] |= found
        for gold, pred in zip(golds, predicted, strict=True):
            if keep is not None:
                gold = {s for s in gold if s[2] in keep}
                pred = {s for s in pred if s[2] in keep}
            tp += len(gold & pred)
            fp += len(pred - gold)
            fn += len(gold - pred)
        p = tp / max(tp + fp, 1)
        r = tp / max(tp + fn, 1)
        result[variant] = {"P": round(p, 4), "R": round(r, 4), "F1": round(2 * p * r / max(p + r, 1e-9), 4),
                           "tp": tp, "fp": fp, "fn": fn, "seconds": round(time.perf_counter() - t0, 1)}
    return result


if __name__ == "__main__":
    tagger = load_tagger()
    data = data_dir()
    sets = {
        "germeval_dev (all types, outer)": (
            list(read_germeval_tsv(data / "germeval2014-ner" / "NER-de-dev.tsv")), None),
        "europarl_test (PER/LOC/ORG)": (list(read_conll(data / "europarl-ner-de" / "test.tsv", sep="\t")), PLAIN),
    }
    out = {name: evaluate(sents, keep, tagger) for name, (sents, keep) in sets.items()}
    json.dump(out, sys.stdout, indent=1)
    print()
