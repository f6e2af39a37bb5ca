"""Two-fold cross-validation of adding CoNLL-2003 testa (newswire) to the training data.

The 201 testa documents are split by index parity.  Models trained on GermEval train + the
even documents tag the odd ones, and models trained with the odd documents tag the even ones,
so every testa document is scored by models that never saw it.  The fold models are also
scored on GermEval dev and Europarl dev/test (mean of the two folds).  Ensembles use the
shipped weight and are decoded and measured as in choose_weight.py.

    python -m storylens.nlp.ner.train_neural --conll even --out models/conll_even/neural.npz
    python -m storylens.nlp.ner.train_neural --conll odd --out models/conll_odd/neural.npz
    python -m storylens.nlp.ner.train --reuse-lexicon --extra conll-even --out /tmp/crf_even   # (lexicon copied in)
    python -m storylens.nlp.ner.train --reuse-lexicon --extra conll-odd --out /tmp/crf_odd
    OMP_NUM_THREADS=1 ../../../.venv/bin/python conll_cv.py --nets models/conll_even/neural.npz \\
        models/conll_odd/neural.npz --crfs /tmp/crf_even /tmp/crf_odd --baseline-net models/s1/model16.npz \\
        --baseline-crf DIR   # the models trained without testa (before session 4's CoNLL commit)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from choose_weight import bench, decode, harmonise, probs, sets  # noqa: E402

from storylens.nlp.ner import CRF_WEIGHT, MODEL_DIR, NEURAL_FILE, Tagger  # noqa: E402
from storylens.nlp.ner.corpora import data_dir, read_conll_docs  # noqa: E402
from storylens.nlp.ner.neural import Network  # noqa: E402

PLO = ("PER", "LOC", "ORG")


def tagger_with(crf_dir: Path, net: Path) -> Tagger:
    tagger = Tagger(crf_dir, weight=CRF_WEIGHT)
    tagger.net = Network(net, tagger.crf.features.lexicon)
    return tagger


def f1(gold: list[list[str]], pred: list[list[str]], kind: str) -> float:
    if kind == "all":
        return bench.score(gold, pred, lambda t: True)["ALL"]["f1"]
    return bench.score(gold, [bench.to_coarse(p) for p in pred], lambda t: t in PLO)["ALL"]["f1"]


def evaluate(name: str, pair: tuple[Tagger, Tagger], w: float, docs: list, others: dict) -> dict:
    """pair: (tagger for the odd documents, tagger for the even ones)."""
    even, odd = docs[0::2], docs[1::2]
    pred: list[list[str]] = []
    for tagger, part in ((pair[0], odd), (pair[1], even)):
        for doc in part:
            toks = [t for t, _ in doc]
            pred += harmonise(toks, [decode(t, w) for t in probs(tagger, toks)])
    gold = [g for d in odd + even for _, g in d]
    row = {"conll_testa": f1(gold, pred, "plo")}
    for set_name in ("germeval_dev", "europarl_dev", "europarl_test"):
        sents, _, kind = others[set_name]
        scores = [f1([g for _, g in sents], [decode(t, w) for t in probs(tg, [s for s, _ in sents])], kind)
                  for tg in dict.fromkeys(pair)]
        row[set_name] = round(sum(scores) / len(scores), 4)
    print(name, json.dumps(row), flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nets", nargs=2, type=Path, required=True, help="networks trained with the even / odd documents")
    ap.add_argument("--crfs", nargs=2, type=Path, help="CRF folders trained with the even / odd documents")
    ap.add_argument("--baseline-net", type=Path, default=MODEL_DIR / NEURAL_FILE,
                    help="the network trained without testa")
    ap.add_argument("--baseline-crf", type=Path, default=MODEL_DIR,
                    help="folder with the CRF (crf.npz, lexicon.tsv.gz) trained without testa")
    args = ap.parse_args()
    docs = list(read_conll_docs(data_dir() / "conll2003-de" / "deu.testa.txt"))
    others = sets()
    base = tagger_with(args.baseline_crf, args.baseline_net)
    net_even, net_odd = args.nets
    report = {
        "CRF alone, no CoNLL": evaluate("crf", (base, base), 1.0, docs, others),
        "ensemble, no CoNLL": evaluate("ensemble", (base, base), CRF_WEIGHT, docs, others),
        "ensemble, network with CoNLL": evaluate(
            "ensemble+net", (tagger_with(args.baseline_crf, net_even), tagger_with(args.baseline_crf, net_odd)),
            CRF_WEIGHT, docs, others),
    }
    if args.crfs:
        crf_even, crf_odd = args.crfs
        pair = (tagger_with(crf_even, net_even), tagger_with(crf_odd, net_odd))
        report["CRF alone with CoNLL"] = evaluate("crf+conll", pair, 1.0, docs, others)
        report["ensemble, both with CoNLL"] = evaluate("ensemble+both", pair, CRF_WEIGHT, docs, others)
    Path(__file__).with_name("conll_cv.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
