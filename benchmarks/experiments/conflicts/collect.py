"""Every figure conflict `compare` reports on the semeval-dev pairs with gold Overall up to a
bound (1.5: the pairs the gold calls one story), with both sentences, for reading and
labelling by hand.

Usage: .venv/bin/python benchmarks/experiments/conflicts/collect.py OUT.json [BOUND]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from storylens.compare.compare import compare
from storylens.ingest.reader import make_article

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "semeval-dev" / "pairs.jsonl"


def main() -> None:
    out = []
    bound = float(sys.argv[2]) if len(sys.argv) > 2 else 1.5
    for line in DATA.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["gold"]["Overall"] > bound:
            continue
        a, b = (make_article(r[f"text{i}"], {"title": r[f"title{i}"], "lang": r[f"lang{i}"]},
                             r["pair_id"]) for i in "12")
        c = compare(a, b)
        for k in c.figures["conflicts"]:
            out.append({"pair": r["pair_id"], "gold": r["gold"]["Overall"], "kind": k["kind"], "what": k["what"],
                        "why": k["why"], "a": k["a"]["sentence"], "b": k["b"]["sentence"],
                        "a_text": k["a"]["text"], "b_text": k["b"]["text"]})
    Path(sys.argv[1]).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(len(out), "conflicts")


if __name__ == "__main__":
    main()
