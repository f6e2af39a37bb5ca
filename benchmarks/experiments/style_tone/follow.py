"""Style and Tone: how many features may their models read? (session 14)

The trained Style and Tone models scored below a plain cosine (benchmarks/semeval_RESULTS.md):
each correlates ~0.3 with half a dozen features, and forward selection or the all-feature fits
chase noise in 175 pairs. This compares their own models with a line in the Overall reading
(``train.FOLLOW_OVERALL``), 10-fold CV on fold seeds 1-3 (not the seed-0 folds the benchmark
reports), every scorer, Pearson per language pair, mean over the fold seeds.

    .venv/bin/python benchmarks/experiments/style_tone/follow.py   # writes follow.json beside it
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from storylens.compare import train
from storylens.compare.similarity import SCORER_FEATURES, SCORERS

CACHE = Path("~/.cache/storylens").expanduser()
SEEDS = (1, 2, 3)
DIMS = ("style", "tone")
# label -> per language group, the dimensions that follow Overall (train.FOLLOW_OVERALL)
VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "own features (before)": {},
    "follow Overall in both groups": {"same": DIMS, "cross": DIMS},
    "follow Overall in the same-language group (shipped)": {"same": DIMS},
}


def run() -> dict:
    rows = train.load_pairs()
    y = train.gold_matrix(rows)
    out: dict = {}
    for scorer in SCORERS:
        feats = train.feature_rows(rows, CACHE, scorer)
        names = list(SCORER_FEATURES[scorer])
        x, groups = train.feature_matrix(feats, names), train.group_vector(feats)
        for label, follow in VARIANTS.items():
            saved = train.FOLLOW_OVERALL
            train.FOLLOW_OVERALL = follow
            try:
                per_seed = []
                for seed in SEEDS:
                    pred, _ = train.cross_validate(
                        x, y, rows, groups, seed=seed, selection=train.SELECTION[scorer],
                        allowed=train.allowed_columns(names),
                    )
                    table = train.pearson_table(pred, y, rows)
                    keys = ("de-de", "de-en", "all")
                    per_seed.append({k: {d: table[k][d] for d in (*DIMS, "overall")} for k in keys})
            finally:
                train.FOLLOW_OVERALL = saved
            mean = {k: {d: round(float(np.mean([s[k][d] for s in per_seed])), 3) for d in per_seed[0][k]}
                    for k in per_seed[0]}
            out.setdefault(scorer, {})[label] = mean
            print(scorer, label, json.dumps(mean), flush=True)
    return out


if __name__ == "__main__":
    result = run()
    Path(__file__).with_name("follow.json").write_text(json.dumps(result, indent=1) + "\n")
