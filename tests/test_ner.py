"""Tests for the shipped German NER model (no training here: the committed model is used)."""

from __future__ import annotations

import pytest
from conftest import SEED_ENTITIES

from storylens.nlp.ner import Tagger, coarse, harmonise, load_tagger, tag_conll
from storylens.nlp.ner.corpora import shared_dir, spans

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
        for para in segmenter.process(path.read_text(encoding="utf-8")):
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


# Known misses of the shipped model, kept visible: 'OVKS' is an acronym the training data
# never shows (unknown all-caps words are mostly not names in GermEval, e.g. 'DVD'), and
# 'Nur-Sultan' occurs once, in the dateline glued to the metadata line 'date 2022-01'.
KNOWN_MISSES = {
    "OVKS": "unknown acronym: the CRF tags it O",
    "Nur-Sultan": "dateline on the metadata line: tagged O",
}


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
