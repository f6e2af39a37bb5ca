"""Which names does the genitive cut (`entities._split_genitives`) change in running text?

    .venv/bin/python benchmarks/experiments/genitives/cuts.py

Every German text of semeval-dev and 10kGNAD is analysed twice, with the cut and without it;
each text whose mentions differ is printed with the mentions that went and came, to be read.
Output: cuts.json next to this file.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from german_texts import german_texts  # noqa: E402

from storylens.ingest.reader import make_article  # noqa: E402
from storylens.nlp import entities  # noqa: E402
from storylens.nlp.pipeline import analyze  # noqa: E402


def mentions(text: str, meta: dict[str, str], where: str) -> set[tuple[int, str, str]]:
    article = analyze(make_article(text, meta, where))
    return {(m.start, m.text, m.label) for m in article.mentions}


def main() -> None:
    cut = entities._split_genitives
    changed = []
    items = german_texts()
    for _, where, text, meta in items:
        with_cut = mentions(text, meta, where)
        entities._split_genitives = lambda text, spans: spans  # type: ignore[assignment]
        try:
            without = mentions(text, meta, where)
        finally:
            entities._split_genitives = cut
        if with_cut != without:
            changed.append({"text": where,
                            "went": sorted({(t, label) for _, t, label in without - with_cut}),
                            "came": sorted({(t, label) for _, t, label in with_cut - without})})
    for c in changed:
        print(c["text"][:60], c["went"], "->", c["came"])
    print(f"{len(changed)} of {len(items)} texts changed")
    Path(__file__).with_name("cuts.json").write_text(
        json.dumps({"texts": len(items), "changed": changed}, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
