"""Who is quoted: every quote storylens finds in the semeval-dev texts (German and English) with
the speaker it names, written to ``build/quote_speakers.json`` (keyed "text index:quote offset";
it holds excerpts of third-party text, so it stays out of the repository), and how many have a
speaker.  Run it before and after a change to the quote attribution and read the quotes whose
speaker changed (session 10 did so; see its note).

    .venv/bin/python benchmarks/experiments/quotes/speakers.py [OUT.json]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from storylens.compare.train import load_pairs
from storylens.ingest import read_text
from storylens.nlp.pipeline import analyze


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build") / "quote_speakers.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    texts: list[tuple[str, str]] = []
    for row in load_pairs():
        for side in "12":
            texts.append((row[f"lang{side}"], f"{row.get(f'title{side}') or ''}\n\n{row[f'text{side}']}"))
    texts = list(dict.fromkeys(texts))
    found = {}
    for i, (lang, text) in enumerate(texts):
        for q in analyze(read_text(text, lang=lang)).quotes:
            found[f"{i}:{q.start}"] = {"lang": lang, "speaker": q.speaker, "quote": q.text[:80], "end": q.end}
    named = sum(1 for v in found.values() if v["speaker"])
    print(f"{len(texts)} texts, {len(found)} quotes, {named} with a speaker")
    out.write_text(json.dumps(found, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
