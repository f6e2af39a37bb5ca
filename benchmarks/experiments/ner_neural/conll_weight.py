"""Does repeating the CoNLL testa documents in the network's training data (more weight on
newswire) help?  One fold of conll_cv.py: models trained with the even documents tag the odd
ones; the other sets are scored too.  (session 5)

    OMP_NUM_THREADS=1 ../../../.venv/bin/python conll_weight.py /tmp/crf_even \\
        models/conll_even/neural.npz models/rep3_even/neural.npz
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from choose_weight import decode, harmonise, probs, sets  # noqa: E402
from conll_cv import f1, tagger_with  # noqa: E402

from storylens.nlp.ner import CRF_WEIGHT  # noqa: E402
from storylens.nlp.ner.corpora import data_dir, read_conll_docs  # noqa: E402


def main() -> None:
    crf_dir, nets = Path(sys.argv[1]), sys.argv[2:]
    docs = list(read_conll_docs(data_dir() / "conll2003-de" / "deu.testa.txt"))
    odd = docs[1::2]
    others = sets()
    report = {}
    for net in nets:
        tagger = tagger_with(crf_dir, Path(net))
        row = {}
        for w in (CRF_WEIGHT, 0.0):
            pred = []
            for doc in odd:
                toks = [t for t, _ in doc]
                pred += harmonise(toks, [decode(t, w) for t in probs(tagger, toks)])
            row[f"conll_odd w={w}"] = round(f1([g for d in odd for _, g in d], pred, "plo"), 4)
        for name in ("germeval_dev", "europarl_dev", "europarl_test"):
            sents, _, kind = others[name]
            pred = [decode(t, CRF_WEIGHT) for t in probs(tagger, [s for s, _ in sents])]
            row[name] = round(f1([g for _, g in sents], pred, kind), 4)
        report[net] = row
        print(net, json.dumps(row), flush=True)
    Path(__file__).with_name("conll_weight.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
