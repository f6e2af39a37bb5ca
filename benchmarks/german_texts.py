"""The German news texts of ../shared that carry no gold for the experiment at hand: the German
articles of semeval-dev (each once) and the 10kGNAD test articles (derStandard.at)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

SHARED = Path(os.environ.get("STORYLENS_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def german_texts() -> list[tuple[str, str, str, dict[str, str]]]:
    """(set, where, text, metadata) for every German text, semeval-dev first."""
    out, seen = [], set()
    with (SHARED / "data" / "semeval-dev" / "pairs.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            for side in ("1", "2"):
                if row[f"lang{side}"] == "de" and row[f"url{side}"] not in seen:
                    seen.add(row[f"url{side}"])
                    out.append(("semeval-dev", row[f"url{side}"], row[f"text{side}"],
                                {"title": row[f"title{side}"], "url": row[f"url{side}"], "lang": "de"}))
    with (SHARED / "data" / "10kGNAD" / "test.csv").open(encoding="utf-8") as f:
        for i, rec in enumerate(csv.reader(f, delimiter=";", quotechar="'")):
            out.append(("10kGNAD", f"10kGNAD #{i}", rec[1], {"url": f"10kGNAD #{i}", "lang": "de"}))
    return out
