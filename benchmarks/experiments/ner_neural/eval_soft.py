"""Soft ensemble: p = w * p_crf + (1-w) * p_nn per token (CRF = pycrfsuite marginals of the
shipped Tagger
NN = forward-backward marginals of the BiLSTM-CRF output layer), decoded with a
BIO-constrained Viterbi over log p.  Scored with benchmarks/ner.py evaluate().

    OMP_NUM_THREADS=2 ../../../.venv/bin/python eval_soft.py models/usem3_e5_crf/model.npz 0.3 0.5 0.7
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]  # the repository
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import ner as bench  # noqa: E402
from neural_tagger import LABELS, NeuralTagger, constrained_viterbi  # noqa: E402

from storylens.nlp.ner import Tagger, harmonise  # noqa: E402


def _lse(x: np.ndarray, axis: int) -> np.ndarray:
    m = x.max(axis, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis, keepdims=True))).squeeze(axis)


class NNMarginals(NeuralTagger):
    def marginals(self, sents: list[list[str]]) -> list[np.ndarray]:
        """Per sentence (len, L) posteriors, LABELS order."""
        lg, lens = self.emissions(sents)
        lg = lg.astype(np.float64)
        B, T, n = lg.shape
        if "crf_trans" not in self.p:  # softmax of emissions
            pr = np.exp(lg - _lse(lg, 2)[..., None])
            return [pr[k, : lens[k]] for k in range(B)]
        tr = self.p["crf_trans"].astype(np.float64)  # (n+1, n), row n = start
        start, tt = tr[n], tr[:n][None]
        alpha = np.zeros((B, T, n))
        alpha[:, 0] = lg[:, 0] + start
        for i in range(1, T):
            new = _lse(alpha[:, i - 1][:, :, None] + tt, 1) + lg[:, i]
            alpha[:, i] = np.where((i < lens)[:, None], new, alpha[:, i - 1])
        beta = np.zeros((B, T, n))
        for i in range(T - 2, -1, -1):
            new = _lse(tt + (lg[:, i + 1] + beta[:, i + 1])[:, None, :], 2)
            beta[:, i] = np.where((i + 1 < lens)[:, None], new, 0.0)
        logz = _lse(alpha[np.arange(B), lens - 1], 1)
        post = np.exp(alpha + beta - logz[:, None, None])
        return [post[k, : lens[k]] for k in range(B)]


class SoftEnsemble:
    def __init__(self, nn: NNMarginals, w: float) -> None:
        self.nn, self.crf, self.w = nn, Tagger(), w
        self.model_dir = nn.model_dir
        self.trans = nn.trans
        self.cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def _crf_marg(self, toks: list[str]) -> np.ndarray:
        t = self.crf._tagger
        t.set(self.crf._features.sentence(toks))
        return np.array([[t.marginal(y, i) for y in LABELS] for i in range(len(toks))])

    def _probs(self, sents: list[list[str]]) -> None:
        todo = list(dict.fromkeys(tuple(s) for s in sents if s and tuple(s) not in self.cache))
        todo.sort(key=len)
        for a in range(0, len(todo), 128):
            chunk = [list(s) for s in todo[a : a + 128]]
            for s, pn in zip(chunk, self.nn.marginals(chunk), strict=False):
                self.cache[tuple(s)] = (self._crf_marg(s), pn)

    def tag_sentences(self, sents, *, document=False):
        sents = [list(s) for s in sents]
        self._probs(sents)
        out = []
        for s in sents:
            if not s:
                out.append([])
                continue
            pc, pn = self.cache[tuple(s)]
            p = self.w * pc + (1 - self.w) * pn
            logp = np.log(np.maximum(p, 1e-12))[None].astype(np.float32)
            path = constrained_viterbi(logp, np.array([len(s)]), self.trans)[0]
            out.append([LABELS[j] for j in path])
        return harmonise(sents, out) if document else out

    def tag(self, tokens):
        return self.tag_sentences([list(tokens)])[0] if tokens else []


def main() -> None:
    path, ws = sys.argv[1], [float(x) for x in sys.argv[2:]] or [0.3, 0.5, 0.7]
    bench.measure_speed = lambda model_dir, sents: {}
    ens = SoftEnsemble(NNMarginals(path), 0.5)
    rows = {}
    for w in ws:
        ens.w = w
        t0 = time.perf_counter()
        res = bench.evaluate(ens)
        rows[w] = {
            "germeval_dev": res["germeval_dev"]["outer_all_types"]["ALL"]["f1"],
            "conll_testa_doc": res["conll2003_testa"]["per_loc_org"]["ALL"]["f1"],
            "conll_testa_sent": res["conll2003_testa"]["per_loc_org_sentence_mode"]["ALL"]["f1"],
            "europarl_test": res["europarl_test"]["per_loc_org"]["ALL"]["f1"],
            "europarl_prf": res["europarl_test"]["per_loc_org"],
            "sec": round(time.perf_counter() - t0, 1),
        }
        print(w, json.dumps({k: v for k, v in rows[w].items() if k != "europarl_prf"}), flush=True)
    Path(path).with_name("eval_soft.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
