"""Throughput of the NumPy tagger, batched (tag_sentences), BLAS on 1 thread per process.

    OMP_NUM_THREADS=1 ../../../.venv/bin/python speed.py models/usem3/model.npz [n_procs]

Text: GermEval dev + CoNLL testa + Europarl test sentences (tokens only).  Cold = fresh tagger
(every word type featurised), warm = the same text again.  With n_procs=2 the text is split in
two halves tagged by two processes at once (wall time of the slower one).
"""

from __future__ import annotations

import json
import sys
import time
from multiprocessing import Process, Queue
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the repository
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from neural_tagger import NeuralTagger, cold_warm  # noqa: E402

from storylens.nlp.ner.corpora import data_dir, read_conll, read_germeval_tsv  # noqa: E402


def texts() -> list[list[str]]:
    d = data_dir()
    s = [t for t, _ in read_germeval_tsv(d / "germeval2014-ner" / "NER-de-dev.tsv")]
    s += [t for t, _ in read_conll(d / "conll2003-de" / "deu.testa.txt")]
    s += [t for t, _ in read_conll(d / "europarl-ner-de" / "test.tsv", sep="\t")]
    return s


def work(path: str, sents: list[list[str]], q: Queue, start: float) -> None:
    t = NeuralTagger(path)
    while time.time() < start:
        time.sleep(0.001)
    cold, warm = cold_warm(t, sents)
    q.put((cold, warm))


def main() -> None:
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    sents = texts()
    ntok = sum(map(len, sents))
    q: Queue = Queue()
    start = time.time() + 8
    procs = [Process(target=work, args=(path, sents[i::n], q, start)) for i in range(n)]
    for p in procs:
        p.start()
    res = [q.get() for _ in procs]
    for p in procs:
        p.join()
    cold = max(r[0] for r in res)
    warm = max(r[1] for r in res)
    print(json.dumps({"model": path, "procs": n, "tokens": ntok,
                      "cold_tok_s": round(ntok / cold), "warm_tok_s": round(ntok / warm)}))


if __name__ == "__main__":
    main()
