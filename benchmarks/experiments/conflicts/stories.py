"""Every figure conflict the story view reports, story by story, with the sentences of the
figures in conflict, for reading and labelling by hand.

Usage: .venv/bin/python benchmarks/experiments/conflicts/stories.py DB OUT.json
(DB: a store an ingest of the semeval-dev articles wrote.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from storylens.cluster.pipeline import list_stories, story_view
from storylens.store import open_store


def main() -> None:
    store = open_store(sys.argv[1])
    out = []
    for s in list_stories(store, min_size=2):
        view = story_view(store, s["id"])
        for row in view["figures"]:
            if row["conflict"]:
                out.append({"story": s["id"], "what": row["what"], "unit": row["unit"],
                            "why": row["why"],
                            "reports": [{"article": r["article"][:8], "text": r["text"],
                                         "sentence": r.get("sentence")} for r in row["reports"]]})
    Path(sys.argv[2]).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(len(out), "conflicts in", len({c["story"] for c in out}), "stories")


if __name__ == "__main__":
    main()
