"""Does averaging several networks (different seeds) beat one?  (session 5)

The shipped CRF plus the mean of the label probabilities of 1, 2 or 3 networks trained with
seeds 1-3 (without CoNLL testa), mixed at w = 0.4 and decoded as the tagger does.  Scored on
GermEval dev, Europarl dev and Europarl test (CoNLL testa is left out: the shipped CRF has
seen it).

    OMP_NUM_THREADS=1 ../../../.venv/bin/python seed_ensemble.py \\
        models/s1/model16.npz models/s2/model16.npz models/s3/model16.npz
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np
from choose_weight import decode, probs, sets  # type: ignore[import-not-found]
from conll_cv import f1  # type: ignore[import-not-found]

from storylens.nlp.ner import Tagger
from storylens.nlp.ner.neural import Network

W = 0.4


def main() -> None:
    data = {k: v for k, v in sets().items() if k != "conll_testa"}
    paths = sys.argv[1:]
    tables: dict[str, dict[str, list]] = {}
    for path in paths:
        tagger = Tagger(weight=0.5)
        tagger.net = Network(Path(path), tagger.crf.features.lexicon)
        t0 = time.perf_counter()
        tables[path] = {name: probs(tagger, [s for s, _ in sents]) for name, (sents, _, _) in data.items()}
        print(path, f"{time.perf_counter() - t0:.0f}s", flush=True)
    report = {}
    for k in range(1, len(paths) + 1):
        for combo in itertools.combinations(paths, k):
            row = {}
            for name, (sents, _, kind) in data.items():
                pred = []
                for i in range(len(sents)):
                    pc = tables[combo[0]][name][i][0]
                    pn = np.mean([tables[p][name][i][1] for p in combo], axis=0)
                    pred.append(decode((pc, pn), W))
                row[name] = f1([g for _, g in sents], pred, kind)
            key = "+".join(Path(p).parent.name for p in combo)
            report[key] = row
            print(key, json.dumps(row), flush=True)
    Path(__file__).with_name("seed_ensemble.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
