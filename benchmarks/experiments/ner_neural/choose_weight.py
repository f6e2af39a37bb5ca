"""Choose the CRF's share w in the soft ensemble on a dev set of three domains.

For each network model given, label probabilities of the CRF and the network are computed once
per sentence; every w in the grid is then decoded and scored (strict span F1, as
benchmarks/ner.py) on GermEval dev (Wikipedia + news), CoNLL-2003 testa (newswire, tagged by
document) and Europarl dev (parliament).  Europarl test is scored too and reported, never used
for the choice.  The criterion is the mean F1 of the three dev sets.

    OMP_NUM_THREADS=1 ../../../.venv/bin/python choose_weight.py models/s1/model.npz models/s2/model.npz ...
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import ner as bench  # noqa: E402

from storylens.nlp.ner import BIO, Tagger, chain, harmonise  # noqa: E402
from storylens.nlp.ner.corpora import data_dir, read_conll, read_conll_docs, read_germeval_tsv  # noqa: E402
from storylens.nlp.ner.neural import Network  # noqa: E402

GRID = [0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0]


def sets() -> dict[str, tuple[list, list[list[int]] | None, str]]:
    data = data_dir()
    docs = list(read_conll_docs(data / "conll2003-de" / "deu.testa.txt"))
    groups, conll, k = [], [], 0
    for d in docs:
        groups.append(list(range(k, k + len(d))))
        conll += d
        k += len(d)
    return {
        "germeval_dev": (list(read_germeval_tsv(data / "germeval2014-ner" / "NER-de-dev.tsv")), None, "all"),
        "conll_testa": (conll, groups, "plo"),
        "europarl_dev": (list(read_conll(data / "europarl-ner-de" / "dev.tsv", sep="\t")), None, "plo"),
        "europarl_test": (list(read_conll(data / "europarl-ner-de" / "test.tsv", sep="\t")), None, "plo"),
    }


def probs(tagger: Tagger, sents: list[list[str]]) -> list[tuple[np.ndarray, np.ndarray]]:
    out: list = [None] * len(sents)
    order = sorted((i for i, s in enumerate(sents) if s), key=lambda i: len(sents[i]))
    for a in range(0, len(order), 128):
        idx = order[a : a + 128]
        batch = [sents[i] for i in idx]
        cs, lens = chain.pad(tagger.crf.scores(batch), len(chain.LABELS))
        pc = chain.marginals(cs, lens, tagger.crf.transitions)
        ns, _ = tagger.net.scores(batch)
        pn = chain.marginals(ns, lens, tagger.net.transitions)
        for k, i in enumerate(idx):
            out[i] = (pc[k, : lens[k]], pn[k, : lens[k]])
    return out


def decode(table, w: float) -> list[str]:
    pc, pn = table
    p = w * pc + (1 - w) * pn
    logp = np.log(np.maximum(p, 1e-12)).astype(np.float32)[None]
    return [chain.LABELS[j] for j in chain.viterbi(logp, np.array([len(p)]), BIO)[0]]


def main() -> None:
    data = sets()
    report = {}
    for path in sys.argv[1:]:
        tagger = Tagger(weight=0.5)
        tagger.net = Network(Path(path), tagger.crf.features.lexicon)
        t0 = time.perf_counter()
        tables = {name: probs(tagger, [s for s, _ in sents]) for name, (sents, _, _) in data.items()}
        rows = {}
        for w in GRID:
            row = {}
            for name, (sents, groups, kind) in data.items():
                toks = [s for s, _ in sents]
                pred = [decode(t, w) for t in tables[name]]
                if groups:
                    for g in groups:
                        new = harmonise([toks[i] for i in g], [pred[i] for i in g])
                        for i, tg in zip(g, new, strict=True):
                            pred[i] = tg
                gold = [g for _, g in sents]
                if kind == "all":
                    row[name] = bench.score(gold, pred, lambda t: True)["ALL"]["f1"]
                else:
                    pc = [bench.to_coarse(p) for p in pred]
                    row[name] = bench.score(gold, pc, lambda t: t in ("PER", "LOC", "ORG"))["ALL"]["f1"]
            row["dev_mean"] = round((row["germeval_dev"] + row["conll_testa"] + row["europarl_dev"]) / 3, 4)
            rows[w] = row
            print(path, w, json.dumps(row), flush=True)
        report[path] = rows
        print(f"{time.perf_counter() - t0:.0f}s", flush=True)
    Path(__file__).with_name("choose_weight.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
