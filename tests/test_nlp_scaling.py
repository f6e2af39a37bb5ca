"""Analysis of large or unusual input: what the taggers are given stays bounded, and the
overlap checks that replaced scans of every earlier match give the same answers.

Speed is not timed here but measured apart, e.g. ``/usr/bin/time -v .venv/bin/storylens
analyze big.txt --json > /dev/null`` on texts of 0.25 to 19 MB made by repeating the bodies
of examples/*.txt.  These tests check the properties that keep memory bounded and the work
near-linear, and that results do not change.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from itertools import pairwise

import pytest

from storylens.ingest import read_text
from storylens.model import Mention
from storylens.nlp import figures as figures_mod
from storylens.nlp.dates import find_dates
from storylens.nlp.entities import _by_sentence, _gazetteer_spans
from storylens.nlp.intervals import Intervals
from storylens.nlp.ner import MAX_TOKENS, Tagger, load_tagger, pieces, tag_conll, tag_text
from storylens.nlp.ner.corpora import data_dir, read_conll, read_conll_docs, read_germeval_tsv
from storylens.nlp.pipeline import analyze
from storylens.nlp.quotes import _Named, _Sentences, _spans
from storylens.nlp.segment import _ORDINAL_END, _ends_with_ordinal, segment

# A sentence that never ends: names, commas now and then, no full stop.
_CLAUSE = "Bundeskanzlerin Angela Merkel traf in Paris den Präsidenten Emmanuel Macron und"


def _endless(words: int) -> list[str]:
    out: list[str] = []
    k = 0
    while len(out) < words:
        out += _CLAUSE.split()
        k += 1
        if k % 7 == 0:
            out.append(",")
    return out[:words]


# --------------------------------------------------------------------------- pieces


def test_pieces_keep_a_sentence_within_the_limit_whole() -> None:
    assert pieces([]) == [(0, 0)]
    assert pieces(["Wort"] * MAX_TOKENS) == [(0, MAX_TOKENS)]
    assert len(pieces(["Wort"] * (MAX_TOKENS + 1))) == 2


def test_pieces_cover_the_sentence_in_order_and_within_the_limit() -> None:
    rng = random.Random(7)
    for limit in (1, 2, 3, 10, 50, MAX_TOKENS):
        for n in (limit + 1, 3 * limit + 2, 1000):
            toks = [rng.choice(["a", "b", "c", ",", ";", ":", "."]) for _ in range(n)]
            cuts = pieces(toks, limit)
            assert cuts[0][0] == 0 and cuts[-1][1] == n
            assert all(a < b <= a + limit for a, b in cuts), (limit, n, cuts)
            assert all(p[1] == q[0] for p, q in pairwise(cuts))


def test_pieces_cut_after_the_last_break_in_the_second_half() -> None:
    toks = ["w"] * 45
    toks[4] = ","  # first half of the first window: not used
    toks[13] = ";"
    toks[16] = ","
    toks[30] = ":"
    assert pieces(toks, 20) == [(0, 17), (17, 31), (31, 45)]
    toks = ["w"] * 45
    toks[5] = ","
    assert pieces(toks, 20) == [(0, 20), (20, 40), (40, 45)]


def test_pieces_cut_as_the_tokens_arrive() -> None:
    """A cut depends only on the tokens before it: a prefix of a sentence is cut the same way
    up to its last piece."""
    rng = random.Random(3)
    toks = [rng.choice(["a", "b", ",", ";"]) for _ in range(400)]
    whole = pieces(toks, 30)
    for m in range(1, len(toks) + 1, 7):
        assert whole[: len(pieces(toks[:m], 30)) - 1] == pieces(toks[:m], 30)[:-1]


def test_benchmark_sentences_are_never_cut() -> None:
    """MAX_TOKENS sits well above the sentences of the NER benchmark sets, so the benchmark
    (and normal text) is tagged exactly as without pieces."""
    data = data_dir()
    sets = {
        "germeval_dev": [t for t, _ in read_germeval_tsv(data / "germeval2014-ner" / "NER-de-dev.tsv")],
        "conll_testa": [t for d in read_conll_docs(data / "conll2003-de" / "deu.testa.txt") for t, _ in d],
        "europarl": [t for part in ("dev", "test")
                     for t, _ in read_conll(data / "europarl-ner-de" / f"{part}.tsv", sep="\t")],
    }  # fmt: skip
    for name, sents in sets.items():
        assert sents, name
        assert max(map(len, sents)) <= MAX_TOKENS, name
        assert all(len(pieces(s)) == 1 for s in sents)


# --------------------------------------------------------------------------- the tagger


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return load_tagger()


@pytest.fixture
def longest(tagger: Tagger, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The longest token sequence each model has been given (the CRF always runs; the network
    where the shipped model has it)."""
    seen = {"crf": 0, "net": 0}

    def spy(name: str, model: object) -> None:
        scores = model.scores  # type: ignore[attr-defined]

        def wrapped(sents):  # type: ignore[no-untyped-def]
            seen[name] = max([seen[name], *map(len, sents)])
            return scores(sents)

        monkeypatch.setattr(model, "scores", wrapped)

    spy("crf", tagger.crf)
    if tagger.net is not None:
        spy("net", tagger.net)
    return seen


def _check_bounded(tagger: Tagger, seen: dict[str, int]) -> None:
    assert 0 < seen["crf"] <= tagger.max_tokens
    if tagger.net is not None:
        assert 0 < seen["net"] <= tagger.max_tokens


def test_tagger_never_sees_more_than_max_tokens(tagger: Tagger, longest: dict[str, int]) -> None:
    toks = _endless(4 * MAX_TOKENS + 17)
    tags = tagger.tag_sentences([toks, ["Merkel", "lacht", "."]], document=True)
    assert [len(t) for t in tags] == [len(toks), 3]
    _check_bounded(tagger, longest)
    assert longest["crf"] > MAX_TOKENS // 2  # it was given pieces, not single words


def test_long_sentence_is_tagged_as_its_pieces(tagger: Tagger) -> None:
    toks = _endless(3 * MAX_TOKENS + 40)
    got = tagger.tag_sentences([toks])[0]
    want = [tag for a, b in pieces(toks) for tag in tagger.tag(toks[a:b])]
    assert got == want
    # ... and the pieces are tagged properly: the names are found throughout.
    persons = [toks[i] for i, t in enumerate(got) if t == "B-PER"]
    assert persons.count("Angela") > 0.9 * toks.count("Angela")


def test_small_limit_tags_pieces_and_harmonises_the_whole(tagger: Tagger, monkeypatch: pytest.MonkeyPatch) -> None:
    toks = "Putin traf am Montag in Almaty den Präsidenten Tokajew , der in Astana lebt , und sprach lange".split()
    monkeypatch.setattr(tagger, "max_tokens", 6)
    got = tagger.tag_sentences([toks])[0]
    want = [tag for a, b in pieces(toks, 6) for tag in tagger.tag(toks[a:b])]
    assert got == want
    assert len(pieces(toks, 6)) > 2


def test_tag_conll_on_a_sentence_without_end(tagger: Tagger, longest: dict[str, int]) -> None:
    toks = _endless(2 * MAX_TOKENS + 5)
    out = list(tag_conll(toks, tagger))
    assert len(out) == len(toks)
    assert [line.split("\t")[0] for line in out] == toks
    assert [line.split("\t")[1] for line in out] == tagger.tag_sentences([toks])[0]
    _check_bounded(tagger, longest)


def test_tag_text_on_text_without_sentence_breaks(tagger: Tagger, longest: dict[str, int]) -> None:
    text = " ".join(_endless(3 * MAX_TOKENS))
    found = tag_text(text, tagger)
    assert sum(1 for s, e, typ in found if text[s:e] == "Angela Merkel" and typ == "PER") > 10
    _check_bounded(tagger, longest)


def test_pipeline_on_text_without_sentence_breaks(tagger: Tagger, longest: dict[str, int]) -> None:
    text = "Passau (dpa) - Das Hochwasser in Passau " + "Wort " * (5 * MAX_TOKENS)
    art = analyze(read_text(text, lang="de"))
    longest_sentence = max(sum(1 for t in art.tokens if t.sentence == s.index) for s in art.sentences)
    assert longest_sentence > 5 * MAX_TOKENS  # syntok ends a sentence after the dateline only
    assert {m.text for m in art.mentions if m.label == "LOC"} == {"Passau"}
    _check_bounded(tagger, longest)


# --------------------------------------------------------------------------- overlap checks


def _random_spans(rng: random.Random, n: int) -> Iterator[tuple[int, int]]:
    for _ in range(n):
        s = rng.randrange(0, 200)
        yield s, s + rng.randrange(-3, 25)  # empty and reversed spans too


def test_intervals_answer_as_the_scan_over_every_span() -> None:
    rng = random.Random(11)
    for _ in range(40):
        first = list(_random_spans(rng, rng.randrange(0, 5)))
        spans = Intervals(first)
        kept = list(first)
        for s, e in _random_spans(rng, 60):
            if rng.random() < 0.5:
                spans.add(s, e)
                kept.append((s, e))
            a = rng.randrange(-5, 230)
            b = a + rng.randrange(-2, 30)
            assert spans.overlaps(a, b) == any(x < b and a < y for x, y in kept), (a, b, kept)
        assert len(spans) == len(kept)


_DATED = (
    "Am 3. März 2026 begann die Flut, am 4. März stieg der Pegel, und seit Montag sinkt er. "
    "Vor zwei Jahren, im Jahr 2024, war es schlimmer; 2000 Menschen flohen am 12.05.2024. "
    "Next Monday, on March 9, 2026, the city will reopen. Heute und gestern regnete es. "
)


def test_dates_of_a_text_are_the_dates_of_its_sentences() -> None:
    """Date mentions may not overlap; sentences do not overlap either, so the check against
    all earlier mentions gives the same as one sentence at a time."""
    text = _DATED * 30
    sentences, _ = segment(text, "de")
    whole = find_dates(text, sentences, "2026-03-05")
    one_by_one = sorted((d for s in sentences for d in find_dates(text, [s], "2026-03-05")), key=lambda d: d.start)
    assert whole == tuple(one_by_one)
    assert len(whole) >= 30 * 10
    assert all(a.end <= b.start for a, b in pairwise(whole))


def test_gazetteer_spans_skip_exactly_the_windows_that_overlap_model_spans() -> None:
    text = "Die OVKS schickte Truppen nach Kasachstan, Almaty und Nur-Sultan. Russland und China schwiegen. " * 20
    _, tokens = segment(text, "de")
    sents = _by_sentence(tokens)
    free = _gazetteer_spans(text, sents, [])
    assert len(free) >= 20 * 5
    rng = random.Random(5)
    for _ in range(5):
        taken = []
        for _ in range(40):
            s = rng.randrange(0, len(text))
            taken.append((s, s + rng.randrange(1, 30), "ORG"))
        got = _gazetteer_spans(text, sents, taken)
        assert got == [g for g in free if not any(s < g[1] and g[0] < e for s, e, _ in taken)]


# --------------------------------------------------------------------------- segmenter


def test_ordinal_check_reads_only_the_end_but_answers_as_the_whole() -> None:
    rng = random.Random(2)
    alphabet = "IVX.. 0123456789abQ\n"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 60)))
        start = rng.randrange(0, len(text))
        end = rng.randrange(start, len(text) + 1)
        assert _ends_with_ordinal(text, start, end) == bool(_ORDINAL_END.search(text[start:end])), (
            text, start, end)  # fmt: skip


def test_segment_glues_a_long_chain_of_ordinals() -> None:
    text = "Die Flut kam am 3. März und wich am 4. März, " * 150 + "dann war es vorbei. Danach wurde gezählt."
    sentences, tokens = segment(text, "de")
    assert [text[s.start : s.end] for s in sentences] == [text[: text.index(" Danach")], "Danach wurde gezählt."]
    assert all(text[t.start : t.end] == t.text for t in tokens)


# --------------------------------------------------------------------------- quotes and figures


def test_quote_spans_in_one_long_paragraph() -> None:
    text = "Er sagte: „Wir kommen morgen wieder her.“ " * 300 + "Sie rief: „Das bleibt offen\nNeuer Absatz."
    spans = _spans(text)
    assert len(spans) == 301
    assert all(text[a:b] == "Wir kommen morgen wieder her." for a, b in spans[:300])
    assert text[spans[-1][0] : spans[-1][1]] == "Das bleibt offen"  # unclosed: to the line break


def test_sentence_lookups_answer_as_a_scan() -> None:
    text = "Er kam. Sie ging!  Dann regnete es lange.\n\nNeuer Absatz hier. Ende." * 5
    sentences, _ = segment(text, "de")
    index = _Sentences(sentences)
    for pos in range(-2, len(text) + 3):
        assert index.index_at(pos) == next((s.index for s in sentences if s.start <= pos < s.end + 1), 0)
        before = [s for s in sentences if s.end <= pos]
        assert index.last_ending_by(pos) == (before[-1] if before else None)
    shuffled = list(sentences)
    random.Random(1).shuffle(shuffled)
    index = _Sentences(shuffled)
    for pos in range(0, len(text), 3):
        assert index.index_at(pos) == next((s.index for s in shuffled if s.start <= pos < s.end + 1), 0)


@pytest.mark.parametrize("label", ["PER", "ORG"])
def test_mention_lookups_answer_as_a_scan(label: str) -> None:
    rng = random.Random(4)
    mentions = []
    pos = 0
    for i in range(80):
        pos += rng.randrange(0, 12)
        end = pos + rng.randrange(1, 15)
        kind = rng.choice(["PER", "ORG", "LOC"])
        mentions.append(Mention(pos, end, f"N{i}", kind, f"n{i}", 0))
        pos = end
    persons = _Named(mentions, label)
    ordered = sorted((m for m in mentions if m.label == label), key=lambda m: m.start)
    for _ in range(500):
        a = rng.randrange(-5, pos + 5)
        b = a + rng.randrange(0, 60)
        near = [m for m in ordered if a <= m.start and m.end <= b]
        assert persons.within(a, b) == (near[0] if near else None)
        assert persons.ending_by(a, 6) == [m for m in ordered if m.end <= a][-6:]


def test_clause_of_a_number_is_as_split_at_commas() -> None:
    sent = "Nach Angaben der Polizei wurden 12 Menschen verletzt, 3 starben; 40 flohen in 2 Dörfer"
    clauses = figures_mod._Clauses(sent)
    for m in re.finditer(r"\d+", sent):
        left = re.split(r"[,;]", sent[: m.start()])[-1]
        want = left + re.split(r"[,;]", sent[m.end() :], maxsplit=1)[0]
        left_at, right_at = clauses.span(m.start(), m.end())
        assert sent[left_at : m.start()] + sent[m.end() : right_at] == want
    long = "Wort " * 2000 + "42 " + "Wort " * 2000
    at = long.index("42")
    left_at, right_at = figures_mod._Clauses(long).span(at, at + 2)
    assert (at - left_at, right_at - (at + 2)) == (figures_mod.CLAUSE_CHARS, figures_mod.CLAUSE_CHARS)


def test_figures_on_a_long_sentence_with_many_numbers() -> None:
    """Each number keeps what it counts and its attribution (computed once per sentence)."""
    text = "Nach Angaben der Polizei starben " + ", ".join(f"{n} Menschen" for n in range(10, 1210)) + "."
    sentences, _ = segment(text, "de")
    figs = figures_mod.find_figures(text, sentences, "de")
    assert len(figs) == 1200
    assert all(f.counts == "people" or f.counts == "killed" for f in figs)
    assert {f.attribution for f in figs} == {"Polizei"}


# --------------------------------------------------------------------------- syntok


def _syntok_reference(text: str) -> list[list[tuple[int, int, str]]]:
    from syntok import segmenter

    return [[(t.offset, t.offset + len(t.value), t.value) for t in sent]
            for para in segmenter.analyze(text) for sent in para]  # fmt: skip


def test_syntok_sentences_are_syntoks_own() -> None:
    from storylens.nlp.segment import syntok_sentences

    rng = random.Random(9)
    parts = ["Wort", "der", "Berlin", ".", ",", "(", ")", "„", "“", "\n", "\n\n", "\r\n\r\n", " ", "  ",
             "-", "\n \n", "3.", "Mai", "U.S.", "don't", "Haus-\nboot", "\u200b", "?", "!", "[", "]", "\t"]  # fmt: skip
    texts = ["", "\n\n", _DATED, "Passau (dpa) - Das Hochwasser.\n\nZweiter Absatz (mit Klammer). Ende"]
    texts += ["".join(rng.choice(parts) + rng.choice(["", " "]) for _ in range(rng.randrange(1, 80)))
              for _ in range(500)]  # fmt: skip
    for text in texts:
        assert list(syntok_sentences(text)) == _syntok_reference(text), text


def test_syntok_tokenizer_reads_each_paragraph_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """syntok's own analyze() has the tokenizer read as many characters again as the offset of
    each paragraph (quadratic in the number of paragraphs); here it reads the text once."""
    from syntok.tokenizer import Tokenizer

    read = []
    tokenize = Tokenizer.tokenize

    def counting(self, text, base_offset=0):  # type: ignore[no-untyped-def]
        read.append(len(text) + base_offset)
        return tokenize(self, text, base_offset)

    monkeypatch.setattr(Tokenizer, "tokenize", counting)
    text = "Ein kurzer Absatz mit einem Satz.\n\n" * 400
    sentences, _ = segment(text, "de")
    assert len(sentences) == 400
    assert len(read) == 401 and sum(read) <= len(text)


def test_only_the_first_max_chars_are_analysed(tmp_path, monkeypatch, examples):
    """A text longer than analysis.max_chars is analysed up to the last paragraph break
    before the limit; the article keeps its whole text, and the CLI says where it stopped."""
    import json
    import subprocess
    import sys

    from storylens import config
    from storylens.model import Article

    limit = 1500
    conf = tmp_path / "cap.toml"
    conf.write_text(f"[analysis]\nmax_chars = {limit}\n", "utf-8")
    monkeypatch.setenv("STORYLENS_CONFIG", str(conf))
    config.settings.cache_clear()
    try:
        body = (examples / "flood_b.txt").read_text("utf-8").split("\n", 3)[3].strip()
        text = "\n\n".join([body] * 6)
        article = analyze(read_text(text))
        cut = article.analysed_chars
        assert cut is not None and limit // 2 <= cut <= limit and text[cut - 1] == "\n"
        assert article.text == text and article.sentences[-1].end <= cut
        assert all(f.end <= cut for f in article.figures) and article.figures
        assert Article.from_dict(article.as_dict()).analysed_chars == cut  # as the store keeps it
        whole = analyze(read_text(body))
        assert whole.analysed_chars is None
        path = tmp_path / "long.txt"
        path.write_text(text, "utf-8")
        run = [sys.executable, "-m", "storylens", "analyze", str(path)]
        shown = subprocess.run(run, capture_output=True, text=True, timeout=120)
        assert f"analysed the first {cut:,} of {len(text):,} characters" in shown.stdout
        as_json = subprocess.run([*run, "--json"], capture_output=True, text=True, timeout=120)
        assert json.loads(as_json.stdout)["analysed_chars"] == cut
    finally:
        config.settings.cache_clear()
