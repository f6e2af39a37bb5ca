"""Which mentions does a change to the German entity steps change in running text?

    .venv/bin/python benchmarks/experiments/mention_diff/mention_diff.py --out /tmp/before.json
    (make the change)
    .venv/bin/python benchmarks/experiments/mention_diff/mention_diff.py --out /tmp/after.json
    .venv/bin/python benchmarks/experiments/mention_diff/mention_diff.py --diff /tmp/before.json /tmp/after.json

Every German text of semeval-dev and 10kGNAD (benchmarks/german_texts.py, no NER gold) is
analysed; ``--diff`` prints each text whose mentions differ, with the (text, type) pairs that
went and came, to be read one by one.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from german_texts import german_texts  # noqa: E402

from storylens.ingest.reader import make_article  # noqa: E402
from storylens.nlp.pipeline import analyze  # noqa: E402


def dump(out: Path) -> None:
    found = {}
    for _, where, text, meta in german_texts():
        article = analyze(make_article(text, meta, where))
        found[where] = sorted({(m.start, m.text, m.label) for m in article.mentions})
    out.write_text(json.dumps(found, ensure_ascii=False))


def diff(before: Path, after: Path) -> list[dict[str, object]]:
    a, b = json.loads(before.read_text()), json.loads(after.read_text())
    changed = []
    for where in a:
        old, new = {tuple(m) for m in a[where]}, {tuple(m) for m in b[where]}
        if old != new:
            changed.append({"text": where,
                            "went": sorted({(t, label) for _, t, label in old - new}),
                            "came": sorted({(t, label) for _, t, label in new - old})})
    for c in changed:
        print(str(c["text"])[:60], c["went"], "->", c["came"])
    print(f"{len(changed)} of {len(a)} texts changed")
    return changed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="write every text's mentions here")
    parser.add_argument("--diff", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--save", type=Path, help="with --diff: also write the changes as JSON")
    args = parser.parse_args()
    if args.out:
        dump(args.out)
    if args.diff:
        changes = diff(*args.diff)
        if args.save:
            args.save.write_text(json.dumps(changes, indent=1, ensure_ascii=False) + "\n")
