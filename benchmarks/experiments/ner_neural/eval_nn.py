"""Evaluate a NeuralTagger with benchmarks/ner.py evaluate() (same scorer, same tag_conll path),
plus batched NumPy throughput on GermEval dev (cold = empty type cache, warm = filled), and
optionally the ensemble 'neural where the CRF says O'.

    OMP_NUM_THREADS=2 ../../../.venv/bin/python eval_nn.py models/usem3/model.npz [--ensemble]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the repository
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import ner as bench  # noqa: E402
from neural_tagger import NeuralTagger, cold_warm  # noqa: E402

from storylens.nlp.ner import Tagger, harmonise  # noqa: E402
from storylens.nlp.ner.corpora import data_dir, read_germeval_tsv  # noqa: E402


def speed(path: str) -> dict:
    ge = [t for t, _ in read_germeval_tsv(data_dir() / "germeval2014-ner" / "NER-de-dev.tsv")]
    n = sum(map(len, ge))
    t = NeuralTagger(path)
    cold, warm = cold_warm(t, ge)
    t0 = time.perf_counter()
    for s in ge[:500]:
        t.tag(s)
    one = time.perf_counter() - t0
    n1 = sum(map(len, ge[:500]))
    return {"tokens": n, "cold_tok_s": round(n / cold), "warm_tok_s": round(n / warm),
            "one_by_one_warm_tok_s": round(n1 / one)}


class Ensemble:
    """CRF tags; where the CRF says O over a whole neural span, take the neural span."""

    def __init__(self, nn: NeuralTagger) -> None:
        self.nn, self.crf = nn, Tagger()
        self.model_dir = nn.model_dir

    def _merge(self, c: list[str], n: list[str]) -> list[str]:
        out = list(c)
        for a, b, typ in bench.spans(n):
            if all(x == "O" for x in c[a:b]) and (b >= len(c) or not c[b].startswith("I-")):
                out[a] = "B-" + typ
                for i in range(a + 1, b):
                    out[i] = "I-" + typ
        return out

    def tag_sentences(self, sents, *, document=False):
        sents = [list(s) for s in sents]
        c = self.crf.tag_sentences(sents)
        n = self.nn.tag_sentences(sents)
        tags = [self._merge(a, b) for a, b in zip(c, n, strict=False)]
        return harmonise(sents, tags) if document else tags


def main() -> None:
    path = sys.argv[1]
    bench.measure_speed = lambda model_dir, sents: {}
    tagger = NeuralTagger(path)
    if "--ensemble" in sys.argv:
        tagger = Ensemble(tagger)
    res = bench.evaluate(tagger)
    out = {
        "germeval_dev": res["germeval_dev"]["outer_all_types"]["ALL"]["f1"],
        "conll_testa_doc": res["conll2003_testa"]["per_loc_org"]["ALL"]["f1"],
        "conll_testa_sent": res["conll2003_testa"]["per_loc_org_sentence_mode"]["ALL"]["f1"],
        "europarl_test": res["europarl_test"]["per_loc_org"]["ALL"]["f1"],
        "tag_conll_all_sets_tok_s": res["throughput"]["all_sets_warm_tokens_per_s"],
    }
    if "--ensemble" not in sys.argv:
        out |= speed(path)
        files = [Path(path)]
        out["model_mb"] = round(sum(f.stat().st_size for f in files) / 1e6, 1)
    print(json.dumps(out))
    tag = "ens" if "--ensemble" in sys.argv else "nn"
    Path(path).with_name(f"eval_{tag}.json").write_text(json.dumps({"summary": out, "full": res}, indent=1))


if __name__ == "__main__":
    main()
