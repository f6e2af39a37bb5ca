"""Two-fold cross-validation of adding CoNLL-2003 testa (newswire) to the network's training data.

The 201 testa documents are split by index parity.  A network trained on GermEval train + the
even documents tags the odd ones, and one trained with the odd documents tags the even ones, so
every testa document is scored by a model that never saw it.  Each fold model is also scored on
GermEval dev and Europarl dev/test.  All scores are of the ensemble with the shipped CRF at the
shipped weight, decoded and measured as in choose_weight.py.

    python -m storylens.nlp.ner.train_neural --conll even --out models/conll_even/neural.npz
    python -m storylens.nlp.ner.train_neural --conll odd --out models/conll_odd/neural.npz
    OMP_NUM_THREADS=1 ../../../.venv/bin/python conll_cv.py models/conll_even/neural.npz \
        models/conll_odd/neural.npz [baseline.npz]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from choose_weight import ROOT, bench, decode, harmonise, probs, sets  # noqa: E402

from storylens.nlp.ner import CRF_WEIGHT, Tagger  # noqa: E402
from storylens.nlp.ner.corpora import data_dir, read_conll_docs  # noqa: E402
from storylens.nlp.ner.neural import Network  # noqa: E402

PLO = ("PER", "LOC", "ORG")


def tagger_with(path: str) -> Tagger:
    tagger = Tagger(weight=CRF_WEIGHT)
    tagger.net = Network(Path(path), tagger.crf.features.lexicon)
    return tagger


def tag_docs(tagger: Tagger, docs: list[list]) -> list[list[str]]:
    out = []
    for doc in docs:
        toks = [t for t, _ in doc]
        pred = [decode(t, CRF_WEIGHT) for t in probs(tagger, toks)]
        out += harmonise(toks, pred)
    return out


def main() -> None:
    even_model, odd_model = sys.argv[1], sys.argv[2]
    baseline = sys.argv[3] if len(sys.argv) > 3 else str(ROOT / "storylens/nlp/ner/model/neural.npz")
    docs = list(read_conll_docs(data_dir() / "conll2003-de" / "deu.testa.txt"))
    even, odd = docs[0::2], docs[1::2]
    report: dict[str, dict] = {}
    for name, (model_for_odd, model_for_even) in {
        "baseline (no CoNLL in training)": (baseline, baseline),
        "with CoNLL testa, 2-fold": (even_model, odd_model),
    }.items():
        t_odd, t_even = tagger_with(model_for_odd), tagger_with(model_for_even)
        gold = [g for d in odd + even for _, g in d]
        pred = tag_docs(t_odd, odd) + tag_docs(t_even, even)
        row = {"conll_testa": bench.score(gold, [bench.to_coarse(p) for p in pred], lambda t: t in PLO)}
        others = sets()
        for set_name in ("germeval_dev", "europarl_dev", "europarl_test"):
            sents, _, kind = others[set_name]
            f1s = []
            for tg in {model_for_odd: t_odd, model_for_even: t_even}.values():
                p = [decode(t, CRF_WEIGHT) for t in probs(tg, [s for s, _ in sents])]
                g = [x for _, x in sents]
                if kind == "all":
                    f1s.append(bench.score(g, p, lambda t: True)["ALL"]["f1"])
                else:
                    f1s.append(bench.score(g, [bench.to_coarse(x) for x in p], lambda t: t in PLO)["ALL"]["f1"])
            row[set_name] = round(sum(f1s) / len(f1s), 4)
        report[name] = row
        print(name, json.dumps({k: (v["ALL"] if k == "conll_testa" else v) for k, v in row.items()}), flush=True)
    Path(__file__).with_name("conll_cv.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
