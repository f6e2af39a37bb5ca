"""The CRF's share in the ensemble, chosen again for models trained with CoNLL-2003 testa.

Same criterion as choose_weight.py (mean F1 over GermEval dev, CoNLL testa and Europarl dev),
with the two-fold CV models of conll_cv.py so that each testa document is tagged by models that
never saw it; GermEval and Europarl figures are the mean of the two fold models.

    OMP_NUM_THREADS=1 ../../../.venv/bin/python weight_after_conll.py NET_EVEN NET_ODD CRF_EVEN_DIR CRF_ODD_DIR \
        > weight_after_conll.txt
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from choose_weight import decode, harmonise, probs, sets  # noqa: E402
from conll_cv import f1, tagger_with  # noqa: E402

from storylens.nlp.ner.corpora import data_dir, read_conll_docs  # noqa: E402

net_even, net_odd, crf_even, crf_odd = (Path(a) for a in sys.argv[1:5])
docs = list(read_conll_docs(data_dir() / "conll2003-de" / "deu.testa.txt"))
even, odd = docs[0::2], docs[1::2]
t_even = tagger_with(crf_even, net_even)  # trained with the even documents: tags the odd ones
t_odd = tagger_with(crf_odd, net_odd)
others = sets()
# probabilities once
conll_tabs = []
for tagger, part in ((t_even, odd), (t_odd, even)):
    for doc in part:
        toks = [t for t, _ in doc]
        conll_tabs.append((toks, [g for _, g in doc], probs(tagger, toks)))
other_tabs = {}
for name in ("germeval_dev", "europarl_dev", "europarl_test"):
    sents, _, kind = others[name]
    other_tabs[name] = [(kind, [g for _, g in sents], probs(tg, [s for s, _ in sents])) for tg in (t_even, t_odd)]
for w in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
    gold, pred = [], []
    for toks, g, tabs in conll_tabs:
        pred += harmonise(toks, [decode(t, w) for t in tabs])
        gold += g
    row = {"conll_cv": f1(gold, pred, "plo")}
    for name, lst in other_tabs.items():
        row[name] = round(sum(f1(g, [decode(t, w) for t in tabs], kind) for kind, g, tabs in lst) / 2, 4)
    row["dev_mean"] = round((row["conll_cv"] + row["germeval_dev"] + row["europarl_dev"]) / 3, 4)
    print(w, json.dumps(row), flush=True)
