"""How often does storylens call an original German report a translation from English?

    .venv/bin/python benchmarks/experiments/translation_signals/scan.py

The 1,028 10kGNAD articles are reports of one Austrian paper (derStandard.at) written in
German; the German texts of semeval-dev come from many German-language sites. Neither set is
labelled for translation, so every article flagged ("likely translation from en", score >= 0.5)
and every signal is printed for reading. Output: scan.json next to this file.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from german_texts import german_texts  # noqa: E402

from storylens.compare.provenance import provenance  # noqa: E402
from storylens.ingest.reader import make_article  # noqa: E402
from storylens.nlp.pipeline import analyze  # noqa: E402


def main() -> None:
    counts: Counter[tuple[str, str]] = Counter()
    articles: Counter[str] = Counter()
    flagged = []
    for group, _, text, meta in german_texts():
        article = analyze(make_article(text, meta, meta["url"]))
        if article.language != "de":
            continue
        articles[group] += 1
        prov = provenance(article)
        for s in prov["translation_signals"]:
            counts[(group, s["kind"])] += 1
        if prov["likely_translation_from"]:
            flagged.append({"set": group, "url": meta["url"], "score": prov["translation_score"],
                            "signals": [[s["kind"], s["text"]] for s in prov["translation_signals"]]})
    result = {
        "articles": dict(articles),
        "flagged": {g: sum(f["set"] == g for f in flagged) for g in articles},
        "signals": {f"{g} {k}": n for (g, k), n in sorted(counts.items())},
        "flagged_articles": flagged,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "flagged_articles"}, indent=1))
    Path(__file__).with_name("scan.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
