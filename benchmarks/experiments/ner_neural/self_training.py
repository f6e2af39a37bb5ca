"""Self-training the CRF on news: does pseudo-labelled 10kGNAD text lift newswire F1?

The two-fold CoNLL testa models (conll_cv.py: CRF + network trained with GermEval train and the
even, or the odd, testa documents) tag the 1,028 10kGNAD articles (Austrian news, unlabelled
here) as documents, the way storylens tags articles.  Sentences whose every token the ensemble
labels with probability >= --min-prob become extra CRF training data, and a new CRF is trained
per fold (same lexicon, same settings).  Scored as in conll_cv.py: the fold's new CRF with the
fold's network tags the other fold's testa documents, so no testa document is seen.

    python self_training.py --fold even --crf /tmp/crf_even --net models/conll_even/neural.npz --out /tmp/st_even
    python self_training.py --fold odd  --crf /tmp/crf_odd  --net models/conll_odd/neural.npz  --out /tmp/st_odd
    python self_training.py --score /tmp/st_even /tmp/st_odd \\
        --nets models/conll_even/neural.npz models/conll_odd/neural.npz
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from choose_weight import decode, probs, sets  # noqa: E402
from conll_cv import evaluate, tagger_with  # noqa: E402

from storylens.nlp.ner import CRF_WEIGHT, LEXICON_FILE, MODEL_FILE, harmonise  # noqa: E402
from storylens.nlp.ner.corpora import data_dir, read_conll_docs  # noqa: E402
from storylens.nlp.ner.features import Lexicon  # noqa: E402
from storylens.nlp.ner.train import train_crf, training_sentences  # noqa: E402

SHARED = Path(os.environ.get("STORYLENS_SHARED", Path(__file__).resolve().parents[4] / "shared"))


def pseudo_labels(crf: Path, net: Path, min_prob: float) -> list[tuple[list[str], list[str]]]:
    from syntok import segmenter

    tagger = tagger_with(crf, net)
    out: list[tuple[list[str], list[str]]] = []
    seen = kept = 0
    with (SHARED / "data" / "10kGNAD" / "test.csv").open(encoding="utf-8") as f:
        for rec in csv.reader(f, delimiter=";", quotechar="'"):
            sents = [[t.value for t in s] for para in segmenter.analyze(rec[1]) for s in para]
            sents = [s for s in sents if 3 <= len(s) <= 80]
            if not sents:
                continue
            tables = probs(tagger, sents)
            tags = harmonise(sents, [decode(t, CRF_WEIGHT) for t in tables])
            for toks, tg, (pc, pn) in zip(sents, tags, tables, strict=True):
                seen += 1
                mixed = CRF_WEIGHT * pc + (1 - CRF_WEIGHT) * pn
                if float(np.min(mixed.max(axis=1))) >= min_prob:
                    out.append((toks, tg))
                    kept += 1
    print(f"pseudo-labelled {kept} of {seen} sentences (min prob {min_prob})", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fold", choices=("even", "odd"))
    ap.add_argument("--crf", type=Path)
    ap.add_argument("--net", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--min-prob", type=float, default=0.9)
    ap.add_argument("--score", nargs=2, type=Path, help="new CRF folders of the even / odd folds")
    ap.add_argument("--nets", nargs=2, type=Path)
    args = ap.parse_args()
    if args.score:
        docs = list(read_conll_docs(data_dir() / "conll2003-de" / "deu.testa.txt"))
        pair = (tagger_with(args.score[0], args.nets[0]), tagger_with(args.score[1], args.nets[1]))
        report = {"ensemble, CRF self-trained": evaluate("self-trained", pair, CRF_WEIGHT, docs, sets()),
                  "CRF alone, self-trained": evaluate("crf self-trained", pair, 1.0, docs, sets())}
        Path(__file__).with_name("self_training.json").write_text(json.dumps(report, indent=1) + "\n")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copy(args.crf / LEXICON_FILE, args.out / LEXICON_FILE)
    extra = pseudo_labels(args.crf, args.net, args.min_prob)
    sents = training_sentences(data_dir(), [f"conll-{args.fold}"]) + extra
    train_crf(sents, Lexicon.load(args.out / LEXICON_FILE), args.out / MODEL_FILE, c1=0.05, c2=0.01, iterations=150)
    print("done", args.out, flush=True)


if __name__ == "__main__":
    main()
