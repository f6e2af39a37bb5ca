"""Tests for the shipped German NER model (no training here: the committed model is used)."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import SEED_ENTITIES

from storylens.ingest import read
from storylens.nlp.ner import MODEL_DIR, Tagger, chain, coarse, harmonise, load_tagger, tag_conll
from storylens.nlp.ner.corpora import read_germeval_tsv, shared_dir, spans
from storylens.nlp.ner.crf import CRF, export_weights
from storylens.nlp.ner.features import FeatureExtractor, Lexicon

SEEDS = shared_dir() / "seeds"


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return load_tagger()


def entities(tokens: list[str], tags: list[str]) -> set[tuple[str, str | None]]:
    return {(" ".join(tokens[s:e]), coarse(t)) for s, e, t in spans(tags)}


def test_ner_load_tagger_is_cached() -> None:
    assert load_tagger() is load_tagger()


def test_ner_labels_are_germeval(tagger: Tagger) -> None:
    for label in ("O", "B-PER", "I-PER", "B-LOC", "B-ORG", "B-OTH", "B-LOCderiv", "B-ORGpart"):
        assert label in tagger.labels
    assert all(lab == "O" or lab[:2] in ("B-", "I-") for lab in tagger.labels)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("O", None),
        ("B-PER", "PER"),
        ("I-LOC", "LOC"),
        ("B-ORG", "ORG"),
        ("B-OTH", "MISC"),
        ("B-LOCderiv", "MISC"),
        ("I-ORGpart", "MISC"),
        ("PER", "PER"),
    ],
)
def test_ner_coarse_mapping(label: str, expected: str | None) -> None:
    assert coarse(label) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Bundeskanzlerin Angela Merkel traf am Montag in Paris den französischen "
            "Präsidenten Emmanuel Macron .",
            # GermEval annotates 'französischen' as LOCderiv, which coarse() maps to MISC.
            {("Angela Merkel", "PER"), ("Paris", "LOC"), ("französischen", "MISC"),
             ("Emmanuel Macron", "PER")},
        ),
        (
            "Die Deutsche Bank hat ihren Sitz in Frankfurt am Main .",
            {("Deutsche Bank", "ORG"), ("Frankfurt am Main", "LOC")},
        ),
        (
            "Nach Angaben der Vereinten Nationen flohen Tausende Menschen aus Syrien in die "
            "Türkei .",
            {("Vereinten Nationen", "ORG"), ("Syrien", "LOC"), ("Türkei", "LOC")},
        ),
        (
            "Der Stürmer wechselt vom FC Bayern München zu Borussia Dortmund , sagte "
            "Trainer Thomas Tuchel .",
            {("FC Bayern München", "ORG"), ("Borussia Dortmund", "ORG"), ("Thomas Tuchel", "PER")},
        ),
        ("Das Wetter war am Wochenende kühl und regnerisch .", set()),
    ],
)
def test_ner_own_sentences(tagger: Tagger, sentence: str, expected: set[tuple[str, str]]) -> None:
    tokens = sentence.split()
    assert entities(tokens, tagger.tag(tokens)) == expected


def test_ner_derived_adjective_is_locderiv(tagger: Tagger) -> None:
    tokens = "Die kasachische Regierung bestätigte die Zahl .".split()
    assert tagger.tag(tokens)[1] == "B-LOCderiv"


def test_ner_typographic_quotes_and_syntok_hyphens(tagger: Tagger) -> None:
    # syntok drops the hyphen of 'Kassym-Schomart' and keeps „ “ as tokens.
    tokens = ["Präsident", "Kassym", "Schomart", "Tokajew", "sprach", "von", "„",
              "Terroristen", "“", "in", "Almaty", "."]
    assert entities(tokens, tagger.tag(tokens)) == {
        ("Kassym Schomart Tokajew", "PER"),
        ("Almaty", "LOC"),
    }


def test_ner_tag_text_offsets(tagger: Tagger) -> None:
    from storylens.nlp.ner import tag_text

    text = "Präsident Kassym-Schomart Tokajew sprach am Montag in Almaty."
    found = {(text[s:e], typ) for s, e, typ in tag_text(text, tagger)}
    assert found == {("Kassym-Schomart Tokajew", "PER"), ("Almaty", "LOC")}


def test_ner_harmonise_one_type_per_document() -> None:
    sents = [["Almaty", "liegt", "im", "Süden"], ["In", "Almaty", "."], ["Von", "Almaty", "."],
             ["Petra", "Almaty", "lacht"]]
    tags = [["B-LOC", "O", "O", "O"], ["O", "B-LOC", "O"], ["O", "B-PER", "O"],
            ["B-PER", "I-PER", "O"]]
    out = harmonise(sents, tags)
    assert out[2] == ["O", "B-LOC", "O"]
    # Inside a longer entity the token keeps its label.
    assert out[3] == ["B-PER", "I-PER", "O"]
    assert out[:2] == tags[:2]


def test_ner_harmonise_surname_after_full_name() -> None:
    sents = [["Peter", "Vogel", "sprach", "."], ["Vogel", "lachte", "."],
             ["Vogels", "Hund", "bellt", "."], ["Ein", "Vogel", "sang", "."],
             ["Anna", "Vogel", "kam", "."]]
    tags = [["B-PER", "I-PER", "O", "O"], ["O", "O", "O"], ["O", "O", "O", "O"],
            ["O", "O", "O", "O"], ["B-PER", "I-PER", "O", "O"]]
    out = harmonise(sents, tags)
    assert out[1] == ["B-PER", "O", "O"]
    assert out[2] == ["B-PER", "O", "O", "O"]
    # Tokens inside the full names are untouched.
    assert out[0] == tags[0]
    assert out[4] == tags[4]


def test_ner_harmonise_a_party_after_a_genitive_is_no_surname_and_the_genitive_stays_a_person() -> None:
    sents = [["Benjamin", "Netanjahu", "führt", "."], ["Das", "Lager", "besteht", "aus", "Netanjahus", "Kadima", "."],
             ["Gewonnen", "hat", "der", "Kadima", "."], ["Mit", "dem", "Kadima", "nicht", "."],
             ["Die", "Führung", "Netanjahus", "wankt", "."], ["Netanjahus", "Rede", "."], ["Netanjahus", "Amt", "."]]
    tags = [["B-PER", "I-PER", "O", "O"], ["O", "O", "O", "O", "B-PER", "I-PER", "O"],
            ["O", "O", "O", "B-PER", "O"], ["O", "O", "B-ORG", "O", "O"],
            ["O", "O", "B-LOC", "O", "O"], ["B-LOC", "O", "O"], ["B-PER", "O", "O"]]
    out = harmonise(sents, tags)
    assert out[2][3] == "B-ORG"  # "der Kadima": an article, and the model called it ORG elsewhere
    assert out[4][2] == "B-PER" and out[5][0] == "B-PER"  # the surname's genitive, though LOC twice
    assert out[1] == tags[1]  # inside the longer span: left for the genitive cut of the entity step


def test_ner_harmonise_an_article_alone_does_not_unmake_a_person() -> None:
    sents = [["Weihnachten", "fragte", "der", "Ferdl", "."],
             ["Man", "weiß", ",", "woher", "der", "Ferdl", "kommt", "."],
             ["Ursula", "von", "der", "Leyen", "spricht", "."], ["Das", "sagt", "von", "der", "Leyen", "."],
             ["Leyen", "lacht", "."], ["Die", "Krempel-Gruppe", "kauft", "."], ["Krempel", "zahlt", "."],
             ["Krempel", "schweigt", "."]]
    tags = [["O", "O", "O", "B-PER", "O"], ["O", "O", "O", "O", "O", "B-PER", "O", "O"],
            ["B-PER", "I-PER", "I-PER", "I-PER", "O", "O"], ["O", "O", "B-PER", "I-PER", "I-PER", "O"],
            ["B-ORG", "O", "O"], ["O", "B-ORGpart", "O", "O"], ["B-PER", "O", "O"], ["B-PER", "O", "O"]]
    out = harmonise(sents, tags)
    assert out[0][3] == out[1][5] == "B-PER"  # "der Ferdl" of a feature page, a person throughout
    assert out[4][0] == "B-PER"  # von der Leyen's surname
    assert out[6][0] == out[7][0] == "B-ORG"  # "Krempel-Gruppe": a firm


def test_ner_tag_sentences_matches_tag(tagger: Tagger) -> None:
    sents = [["Putin", "sprach", "."], [], ["In", "Berlin", "regnet", "es", "."]]
    assert tagger.tag_sentences(sents) == [tagger.tag(s) for s in sents]
    assert tagger.tag([]) == []


def test_ner_tag_conll_contract(tagger: Tagger) -> None:
    lines = [
        "-DOCSTART- -X- O",
        "",
        "# sent 1",
        "Putin\tNN\tO",
        "besuchte x y",
        "Almaty",
        "",
        "",
        "Reuters",
        ".",
    ]
    out = list(tag_conll(lines, tagger))
    assert out[0] == "-DOCSTART- -X- O"
    assert out[1] == ""
    assert out[2] == "# sent 1"
    assert out[3] == "Putin\tB-PER"
    assert out[4].startswith("besuchte\t")
    assert out[5].startswith("Almaty\t")
    assert out[6:8] == ["", ""]
    assert out[8].startswith("Reuters\t")
    assert out[9].startswith(".\t")
    assert len(out) == len(lines)
    assert all("\t" in line for line in out if line and line[0] not in "#-")


# --------------------------------------------------------------------------- the seed articles

SEED_EXPECTED = SEED_ENTITIES  # the names issue 4 lists, shared with test_nlp through conftest


@pytest.fixture(scope="module")
def seed_mentions(tagger: Tagger) -> dict[str, list[str | None]]:
    """For each seed name: the coarse type of every standalone occurrence in the seeds.

    Tokenised with syntok as the rest of storylens does; hyphen-joined pieces are glued back
    to compare with names such as 'Nur-Sultan', and compounds such as 'OVKS-Truppen' are left
    out (they are GermEval '...part' mentions, not the name itself).
    """
    from syntok import segmenter
    from syntok.tokenizer import Token

    found: dict[str, list[str | None]] = {name: [] for name in [*SEED_EXPECTED, "TAKEOVER"]}
    files = sorted(SEEDS.glob("*.txt"))
    assert files, f"no seed articles in {SEEDS}"
    for path in files:
        sent_tokens: list[list[Token]] = []
        sent_tags: list[list[str]] = []
        # The article as storylens reads it: the leading metadata line ('date 2022-01') is
        # not part of the text.
        for para in segmenter.process(read(path).text):
            for sent in para:
                toks = list(sent)
                tags = tagger.tag([t.value for t in toks])
                sent_tokens.append(toks)
                sent_tags.append(tags)
        # Tagged as storylens tags an article: one document, names harmonised across it.
        sent_tags = harmonise([[t.value for t in s] for s in sent_tokens], sent_tags)
        for toks, tags in zip(sent_tokens, sent_tags, strict=True):
            i = 0
            while i < len(toks):
                j = i + 1
                while j < len(toks) and toks[j].spacing == "-":
                    j += 1
                word = "-".join(t.value for t in toks[i:j])
                if word in found:
                    types = {coarse(tag) for tag in tags[i:j]}
                    found[word].append(types.pop() if len(types) == 1 else None)
                i = j
    return found


# Known misses of the model, kept visible.  syntok splits 'Nur-Sultan' (it occurs once, opening
# the dateline) into 'Nur' 'Sultan', and the model tags both O; the analysis recovers the
# place from the gazetteer after recognition (entities._gazetteer_spans).  ('OVKS', an acronym
# the training data never shows, was a miss of the CRF alone; the ensemble tags it ORG.)
KNOWN_MISSES = {"Nur-Sultan": "split by syntok at the sentence start: tagged O"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(name, typ, marks=pytest.mark.xfail(reason=KNOWN_MISSES[name], strict=True))
        if name in KNOWN_MISSES
        else (name, typ)
        for name, typ in sorted(SEED_EXPECTED.items())
    ],
)
def test_ner_seed_entities(
    seed_mentions: dict[str, list[str | None]], name: str, expected: str
) -> None:
    got = seed_mentions[name]
    assert got, f"{name} does not occur in the seeds"
    assert all(t == expected for t in got), f"{name}: {got}"


def test_ner_seed_takeover_is_not_an_entity(seed_mentions: dict[str, list[str | None]]) -> None:
    assert seed_mentions["TAKEOVER"] == [None]


# --- the ensemble's arithmetic ------------------------------------------------------------


def _random_chain(rng: np.random.Generator, length: int) -> tuple[np.ndarray, np.ndarray]:
    scores = rng.normal(0, 2, size=(1, length, len(chain.LABELS))).astype(np.float32)
    trans = (rng.normal(0, 1, size=(len(chain.LABELS) + 1, len(chain.LABELS))) + chain.bio_mask())
    return scores, trans.astype(np.float32)


def _all_paths(scores: np.ndarray, trans: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every label path of a short sentence and its total score, by enumeration."""
    n = len(chain.LABELS)
    length = scores.shape[1]
    paths = np.array(list(itertools.product(range(n), repeat=length)))
    total = trans[n, paths[:, 0]] + scores[0, 0, paths[:, 0]]
    for i in range(1, length):
        total = total + trans[paths[:, i - 1], paths[:, i]] + scores[0, i, paths[:, i]]
    return paths, total.astype(np.float64)


def test_chain_marginals_and_viterbi_match_enumeration() -> None:
    rng = np.random.default_rng(3)
    for length in (1, 2, 3):
        scores, trans = _random_chain(rng, length)
        paths, total = _all_paths(scores, trans)
        weight = np.exp(total - total.max())
        weight /= weight.sum()
        expected = np.zeros((length, len(chain.LABELS)))
        for i in range(length):
            np.add.at(expected[i], paths[:, i], weight)
        got = chain.marginals(scores, np.array([length]), trans)[0]
        assert np.allclose(got, expected, atol=1e-9)
        assert chain.viterbi(scores, np.array([length]), trans)[0] == list(paths[total.argmax()])


def test_chain_padding_does_not_leak_into_shorter_sentences() -> None:
    rng = np.random.default_rng(5)
    long_scores, trans = _random_chain(rng, 5)
    short = long_scores[:, :2]
    batch = np.concatenate([long_scores, np.pad(short, ((0, 0), (0, 3), (0, 0)))])
    lens = np.array([5, 2])
    both = chain.marginals(batch, lens, trans)
    assert np.allclose(both[1, :2], chain.marginals(short, np.array([2]), trans)[0])
    assert not both[1, 2:].any()
    assert chain.viterbi(batch, lens, trans)[1] == chain.viterbi(short, np.array([2]), trans)[0]


def test_chain_bio_mask_forbids_inside_without_begin() -> None:
    scores = np.zeros((1, 2, len(chain.LABELS)), dtype=np.float32)
    scores[0, :, chain.INDEX["I-PER"]] = 50.0  # a model that 'wants' I-PER everywhere
    path = chain.viterbi(scores, np.array([2]), chain.bio_mask())[0]
    assert [chain.LABELS[j] for j in path] == ["B-PER", "I-PER"]


def test_crf_in_numpy_gives_crfsuites_tags_and_marginals(tmp_path: Path) -> None:
    """A small crfsuite model trained here, exported, and run by crf.CRF: same tags and the
    same marginal probabilities as crfsuite itself."""
    pycrfsuite = pytest.importorskip("pycrfsuite")
    sents = list(read_germeval_tsv(shared_dir() / "data" / "germeval2014-ner" / "NER-de-dev.tsv"))
    train, test = sents[:300], sents[300:360]
    shutil.copy(MODEL_DIR / "lexicon.tsv.gz", tmp_path / "lexicon.tsv.gz")
    trainer = pycrfsuite.Trainer(verbose=False)
    fx = FeatureExtractor(Lexicon.load(tmp_path / "lexicon.tsv.gz"))
    for toks, tags in train:
        trainer.append(fx.sentence(toks), tags)
    trainer.set_params({"c1": 0.05, "c2": 0.01, "max_iterations": 30, "feature.possible_transitions": True})
    trainer.train(str(tmp_path / "small.crfsuite"))
    export_weights(tmp_path / "small.crfsuite", tmp_path / "small.npz")
    crf_numpy = CRF(tmp_path / "small.npz", tmp_path / "lexicon.tsv.gz")
    ref = pycrfsuite.Tagger()
    ref.open(str(tmp_path / "small.crfsuite"))
    seen = set(ref.labels())
    for toks, _ in test:
        items = fx.sentence(toks)
        assert crf_numpy.tag(toks) == list(ref.tag(items))
        scores, lens = chain.pad(crf_numpy.scores([toks]), len(chain.LABELS))
        got = chain.marginals(scores, lens, crf_numpy.transitions)[0]
        ref.set(items)
        want = np.array([[ref.marginal(lab, i) if lab in seen else 0.0 for lab in chain.LABELS]
                         for i in range(len(toks))])
        assert np.abs(got - want).max() < 1e-4


def test_crf_scores_are_the_sums_of_the_sentence_features(tagger: Tagger) -> None:
    """crf.CRF adds weights per word type and feature group; the result must equal the sum
    over the feature strings that FeatureExtractor.sentence (the training features) emits."""
    crf = tagger.crf
    sents = [t for t, _ in read_germeval_tsv(shared_dir() / "data" / "germeval2014-ner" / "NER-de-dev.tsv")][:80]
    sents.append(["Kassym-Schomart", "Tokajew", "sprach", "in", "Nur-Sultan", "."])
    for toks, got in zip(sents, crf.scores(sents), strict=True):
        for i, feats in enumerate(crf.features.sentence(toks)):
            ids = [crf.attrs[f] for f in feats if f in crf.attrs]
            assert np.allclose(got[i], crf.state[ids].sum(0), atol=1e-4)


def test_ensemble_weight_one_is_the_crf_alone(tagger: Tagger) -> None:
    crf_only = Tagger(weight=1.0)
    assert crf_only.net is None
    sents = [t for t, _ in read_germeval_tsv(shared_dir() / "data" / "germeval2014-ner" / "NER-de-dev.tsv")][:50]
    assert crf_only.tag_sentences(sents) == [tagger.crf.tag(s) for s in sents]


def test_ensemble_beats_each_part_on_germeval_dev_sample() -> None:
    """The reason the ensemble ships: on GermEval dev it finds more entities correctly than
    either model alone (benchmarks/ner.py has the full figures)."""
    gold = list(read_germeval_tsv(shared_dir() / "data" / "germeval2014-ner" / "NER-de-dev.tsv"))[:1000]

    def f1(tg: Tagger) -> float:
        pred = tg.tag_sentences([t for t, _ in gold])
        g = [{s for s in spans(tags)} for _, tags in gold]
        p = [set(spans(tags)) for tags in pred]
        tp = sum(len(a & b) for a, b in zip(g, p, strict=True))
        return 2 * tp / (sum(map(len, g)) + sum(map(len, p)))

    ens, crf, net = f1(load_tagger()), f1(Tagger(weight=1.0)), f1(Tagger(weight=0.0))
    assert ens > crf + 0.01 and ens > net


@pytest.mark.parametrize("weight", [0.4, 1.0])  # the shipped mix, and the CRF alone
def test_ner_tag_scored_gives_the_tags_and_how_sure_the_models_are(weight: float) -> None:
    tagger = load_tagger() if weight == 0.4 else Tagger(weight=weight)
    sents = [["Putin", "sprach", "in", "Almaty", "."], [], ["Die", "Lage", "bleibt", "ruhig"]]
    scored = tagger.tag_scored(sents)
    assert [len(tags) for tags, _ in scored] == [len(s) for s in sents]
    (putin_tags, putin_p), (empty, _), (_, calm_p) = scored
    assert putin_tags[0] == "B-PER" and putin_tags[3] == "B-LOC" and empty == []
    assert min(putin_p[0], putin_p[3]) > 0.9 and max(putin_p[1], putin_p[2], *calm_p) < 0.1
    assert all(0.0 <= p <= 1.0 + 1e-6 for _, ps in scored for p in ps)
    if weight == 0.4:
        assert [t for t, _ in scored] == tagger.tag_sentences(sents), "the same decoding as tagging"
    with pytest.raises(ValueError, match="at most"):
        tagger.tag_scored([["Wort"] * (tagger.max_tokens + 1)])
