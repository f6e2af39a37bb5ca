"""Does the centroid link let loose stories grow into topics?  The story link by centroid share.

    .venv/bin/python benchmarks/experiments/linkage/sizes.py

With average linkage the clusterer joins a story when the article's link to it clears the join
threshold.  Until session 7 that link was the cosine to the story's centroid, S.v / |S| for the
sum S of its n members.  For a loose story |S| is far below n, so a story that has grown into a
topic (a football season, the refugee crisis) draws every article on the topic.  The link is now
S.v / (|S|^share * n^(1 - share)), the weighted geometric mean of the centroid cosine (share 1,
as before) and the mean cosine to the members (share 0): ``stories.centroid_share``.

For each share: pair precision/recall/F1 on the semeval-dev gold at three join thresholds, the
pairs of 10kGNAD distractors put in one story (topic drift: nearly all are two reports of one
topic), the largest stories, and the cross-validated F1 with threshold and margin chosen per fold
as in benchmarks/stories.py.  Writes sizes.json.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import stories  # noqa: E402

from storylens.cluster.score import TraitVerifier  # noqa: E402
from storylens.config import settings  # noqa: E402

SHARES = (1.0, 0.75, 0.5, 0.25, 0.0)


def main() -> None:
    stream, gold, seeds, _ = stories.load_stream()
    _, _, vectors = stories.run(stream)
    distractors = {a.id for a in stream if a.source == "10kGNAD"}
    by_id = {a.id: a for a in stream}
    margin = settings().stories.cross_language_margin
    rows = []
    for share in SHARES:
        for threshold in (0.4, 0.45, 0.5):
            story_of = stories.recluster(
                vectors, TraitVerifier(lambda k: by_id[vectors[k][0]]), threshold=threshold,
                merge_threshold=threshold + 0.14, verify_from=round(threshold - margin, 3),
                centroid_share=share)
            ev = stories.evaluate(story_of, gold, seeds, distractors)
            row = {"share": share, "threshold": threshold,
                   **{k: ev[k] for k in ("precision", "recall", "f1", "tp", "fp", "fn", "seeds_one_story",
                                         "distractor_pairs_in_one_story", "largest_stories")},
                   "semeval_with_distractor": ev["semeval_articles_sharing_a_story_with_a_distractor"]}
            rows.append(row)
            print(json.dumps(row), flush=True)
        cv = stories.cross_validate(vectors, gold, seeds, stream, centroid_share=share)
        rows.append({"share": share, "cv": cv})
        print("cv", share, json.dumps(cv), flush=True)
    Path(__file__).with_name("sizes.json").write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
