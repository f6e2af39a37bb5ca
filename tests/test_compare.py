"""The reference case: the two seed articles about Kazakhstan (read from ../shared/seeds)."""

from __future__ import annotations

from storylens.compare import compare
from storylens.ingest import read, read_text
from storylens.nlp import names


def _shared_ids(c):
    return {e["id"] for e in c.entities["shared"]}


def test_compare_seeds_same_story(seed_comparison):
    sim = seed_comparison.similarity
    assert sim.same_story
    assert sim.overall <= 1.5
    assert set(sim.dimensions) == {"overall", "geography", "entities", "time", "narrative", "style", "tone"}
    assert all(1.0 <= v <= 4.0 for v in sim.dimensions.values())


def test_compare_seeds_shared_entities_are_unified(seed_comparison):
    shared = _shared_ids(seed_comparison)
    for name, label in [
        ("Tokajew", "PER"),
        ("Putin", "PER"),
        ("Nasarbajew", "PER"),
        ("Almaty", "LOC"),
        ("Kasachstan", "LOC"),
        ("OVKS", "ORG"),
        ("Kirgistan", "LOC"),
    ]:
        assert names.entity_key(name, label) in shared, name
    # Kirgistan (A) and Kirgisistan (B) are one shared entity, and so are the two spellings of Tokajew.
    by_id = {e["id"]: e for e in seed_comparison.entities["shared"]}
    kirg = by_id[names.entity_key("Kirgistan", "LOC")]
    assert {m["text"] for m in kirg["a"]} == {"Kirgistan"}
    assert {m["text"] for m in kirg["b"]} == {"Kirgisistan"}
    toka = by_id[names.entity_key("Tokajew", "PER")]
    assert any("Schomart" in m["text"] for m in toka["a"]) and any("Jomart" in m["text"] for m in toka["b"])
    only = {e["id"] for e in seed_comparison.entities["only_a"] + seed_comparison.entities["only_b"]}
    assert not ({names.entity_key("Kirgistan", "LOC"), names.entity_key("Tokajew", "PER")} & only)


def test_compare_seeds_variants_are_spellings_not_cases(seed_comparison):
    """The variants shown for a shared entity are its name first and the spellings that differ,
    not the same name in another case ("Tokajews", "Kasachstans")."""
    by_id = {e["id"]: e for e in seed_comparison.entities["shared"]}
    toka = by_id[names.entity_key("Tokajew", "PER")]
    assert toka["variants"][0] == toka["entity"]
    assert {"Kassym-Schomart Tokajew", "Kassym-Jomart Tokajew"} <= set(toka["variants"])
    assert "Tokajews" not in toka["variants"]
    kasach = by_id[names.entity_key("Kasachstan", "LOC")]
    assert kasach.get("variants", [kasach["entity"]]) == ["Kasachstan"]


def _values(items):
    return {(f["value"], f["counts"]) for f in items}


def test_compare_seeds_figures(seed_comparison):
    figs = seed_comparison.figures
    assert (164, "killed") in _values(figs["shared"])
    assert (8000, "arrested") in _values(figs["only_a"])
    assert any(f["value"] == 1770 and f["unit"] == "km" for f in figs["only_a"])
    assert (2030, "soldiers") in _values(figs["only_b"])
    assert (250, "equipment") in _values(figs["only_b"])
    (conflict,) = [c for c in figs["conflicts"] if "164" in c["what"]]
    assert conflict["kind"] == "attribution"
    assert "Regierung und Polizei" in conflict["a"]["attribution"]
    assert conflict["b"]["certainty"] == "unconfirmed"


def test_compare_seeds_tokajew_quote_shared(seed_comparison):
    matches = [q for q in seed_comparison.quotes["shared"] if q["a"]["text"].startswith("Unter dem Deckmantel")]
    assert matches
    q = matches[0]
    assert q["b"]["text"].startswith("Unter dem Deckmantel")
    assert "Tokajew" in q["a"]["speaker"] and "Tokajew" in q["b"]["speaker"]
    assert q["same_speaker"]


def test_compare_seeds_provenance(seed_comparison):
    prov = seed_comparison.provenance
    assert prov["a"]["wire_agency"] == "Reuters"
    assert prov["a"]["likely_translation_from"] is None
    assert prov["b"]["likely_translation_from"] == "en"
    kinds = {s["kind"] for s in prov["b"]["translation_signals"]}
    assert "english_subheading" in kinds
    assert any(s["text"] == "TAKEOVER" for s in prov["b"]["translation_signals"])


def test_provenance_english_transliteration_but_not_native_german_names():
    from storylens.compare.provenance import translation_signals
    from storylens.nlp.pipeline import analyze

    native = analyze(
        read_text(
            "In Niederbayern und Bayern trat die Donau über die Ufer, sagte Bürgermeister Meyer am Montag.", lang="de"
        )
    )
    assert [s for s in translation_signals(native)[1] if s["kind"] == "english_transliteration"] == []
    # Names German writes so itself, names from other languages, compounds, abbreviations
    # (each once read as English spelling in original German reports of 10kGNAD and semeval-dev).
    others = analyze(read_text(
        "Josef Ostermayer traf Xi Jinping im Jordantal. Jamie Lee Curtis und Peter Soroye sprachen mit "
        "Hermann Schickhofer und Anna Holzhauser. Der Kanton ZH stimmte zu.\n\nKREDITLINIEN DES ESM\n\n"
        "Die Minister berieten lange.", lang="de"))
    assert translation_signals(others) == (0.0, []), translation_signals(others)
    english = analyze(read_text("Präsident Kassym-Jomart Tokayev sprach am Montag in Almaty.", lang="de"))
    flagged = {s["text"] for s in translation_signals(english)[1] if s["kind"] == "english_transliteration"}
    assert any("Tokayev" in t or "Jomart" in t for t in flagged), flagged
    russian = analyze(read_text("Akezhan Kazhegeldin und Mikhail Litvinov sprachen.\n\nTAKEOVER\n\nDanach.", lang="de"))
    signals = {(s["kind"], s["text"]) for s in translation_signals(russian)[1]}
    assert ("english_subheading", "TAKEOVER") in signals and len(signals) == 3, signals


def test_compare_seeds_alignment_points_to_matching_sentences(seed_comparison):
    c = seed_comparison
    assert len(c.alignment) >= 5
    best = max(c.alignment, key=lambda p: p["score"])
    a_text, b_text = c.a.sentence_text(best["a"]), c.b.sentence_text(best["b"])
    assert set(a_text.split()) & set(b_text.split())


def test_compare_unrelated_article_is_not_the_same_story(seeds, gnad_article_text):
    c = compare(seeds[0], read_text(gnad_article_text))
    assert not c.similarity.same_story
    assert c.similarity.overall >= 3.0
    assert not c.quotes["shared"]


def _translation_pair():
    de = read_text(
        "Die Regierung in Berlin hat am Mittwoch ein Hilfspaket von 200 Millionen Euro für die "
        "Hochwassergebiete beschlossen. Finanzminister Lindner sagte, das Geld solle noch in diesem "
        "Monat fließen. In Bayern stehen weiterhin mehrere Dörfer unter Wasser.",
        lang="de",
    )
    en = read_text(
        "The German government in Berlin on Wednesday approved an aid package of 200 million euros "
        "for the flooded regions. Finance Minister Lindner said the money should flow this month. "
        "Several villages in Bavaria remain under water.",
        lang="en",
    )
    return compare(de, en)


def test_compare_german_english_pair_aligns():
    c = _translation_pair()
    assert [(p["a"], p["b"]) for p in c.alignment] == [(0, 0), (1, 1), (2, 2)]
    assert any(f["counts"] == "money" for f in c.figures["shared"])


def test_compare_short_translation_pair_is_same_story():
    assert _translation_pair().similarity.same_story


def test_compare_german_english_report_shares_quote_places_and_people(examples):
    from storylens.ingest import read

    c = compare(read(str(examples / "flood_a.txt")), read(str(examples / "flood_en.txt")))
    assert c.similarity.same_story
    shared = _shared_ids(c)
    for name, label in [("Donau", "LOC"), ("Niederbayern", "LOC"), ("Söder", "PER"), ("Dupper", "PER")]:
        assert names.entity_key(name, label) in shared, name
    quotes = c.quotes["shared"]
    assert len(quotes) == 1 and quotes[0]["same_speaker"], quotes
    assert quotes[0]["b"]["text"].startswith("We are experiencing")
    assert {f["value"] for f in c.figures["shared"]} >= {9.8, 1200, 150, 5000}
    assert any(f["value"] == 2 and f["counts"] == "injured" for f in c.figures["shared"])  # "suffered injuries"


def test_value_disagreements_name_who_gives_each_figure(examples):
    c = compare(read(str(examples / "flood_a.txt")), read(str(examples / "flood_b.txt")))
    injured = [x["why"] for x in c.figures["conflicts"] if x["what"] == "injured"]
    # A: two injured per the police; B: three per the police and four per the Red Cross.
    assert "A says 2 injured (per Polizei), B says 3 injured (per Polizei)" in injured
    assert "A says 2 injured (per Polizei), B says 4 injured (per Rotes Kreuz)" in injured


# --- figures that disagree ------------------------------------------------------------------


def _figure(text, value, approx=None):
    from storylens.model import Figure

    return Figure(0, len(text), text, value, None, "killed", approx=approx)


def test_figures_agree_as_written_approximations_and_precision():
    from storylens.compare.figures import values_agree

    agree = [
        (("2,1 Millionen Dollar", 2.1e6), ("zwei Millionen Dollar", 2e6)),  # one significant digit
        (("1,114 Prozent", 1.114), ("1,11 Prozent", 1.11)),
        (("342.000 Euro", 342000, "rund"), ("300.000 Euro", 300000, "über")),
        (("8000 Menschen", 8000, "fast"), ("7.939 Menschen", 7939)),
        (("Hunderte Menschen", 100, "vague"), ("350 Menschen", 350)),
    ]
    differ = [
        (("150 Soldaten", 150), ("200 Soldaten", 200)),  # written integers are exact
        (("zwei Menschen", 2), ("drei Verletzte", 3)),
        (("8000 Menschen", 8000, "fast"), ("8.100 Menschen", 8100)),
        (("1,114 Prozent", 1.114), ("1,3 Prozent", 1.3)),
        (("200 Millionen Euro", 200e6, "knapp"), ("206 Millionen Euro", 206e6)),
    ]
    for x, y in agree:
        assert values_agree(_figure(*x), _figure(*y)), (x, y)
        assert values_agree(_figure(*y), _figure(*x)), (y, x)
    for x, y in differ:
        assert not values_agree(_figure(*x), _figure(*y)), (x, y)


def _conflicts(text_a, text_b, *, lang="de", same_story=True, dates=(None, None)):
    from storylens.compare.figures import compare_figures
    from storylens.nlp.pipeline import analyze

    a, b = (analyze(read_text(t, lang=lang, date=d)) for t, d in zip((text_a, text_b), dates, strict=True))
    return compare_figures(a, b, same_story)["conflicts"]


def test_tolls_that_differ_are_a_disagreement_and_numbers_of_other_things_are_not():
    a = "Bei dem Zugunglück in Sachsen sind nach Angaben der Polizei zwölf Menschen ums Leben gekommen."
    b = "Bei dem Zugunglück in Sachsen starben 15 Menschen, teilte die Bahn mit."
    (c,) = _conflicts(a, b)
    assert c["kind"] == "value" and c["what"] == "killed" and "12" in c["why"] and "15" in c["why"]
    # The same reports on different days: the toll was updated, not disputed.
    (c,) = _conflicts(a, b, dates=("2026-03-02", "2026-03-03"))
    assert c["kind"] == "update" and "2026-03-02" in c["why"]
    # Two different stories do not disagree about their tolls.
    assert not _conflicts(a, b, same_story=False)
    # A report giving a second toll of another event (without a source of its own) counts
    # two things: no disagreement is read into it.
    b2 = b + " Im vergangenen Jahr waren auf derselben Strecke fünf Menschen gestorben."
    assert not _conflicts(a, b2)
    # Tolls that share a value agree; the other numbers of the kind are sub-counts.
    b3 = "Zwölf Menschen kamen ums Leben. Unter den Toten sind nach Angaben der Feuerwehr drei Kinder."
    assert not _conflicts(a, b3)
    # Three soldiers wounded and 750 sent are two counts, not a disagreement about one.
    assert not _conflicts(
        "Bei dem Angriff wurden drei Soldaten verletzt.",
        "Die USA schicken weitere 750 Soldaten in die Region.",
    )


def test_turnouts_per_police_and_per_organisers_disagree_however_far_apart():
    (c,) = _conflicts(
        "Nach Angaben der Polizei zogen 5000 Demonstranten durch die Innenstadt.",
        "Laut den Veranstaltern gingen 30.000 Demonstranten auf die Straße.",
    )
    assert c["what"] == "protesters" and "per Polizei" in c["why"] and "30,000" in c["why"]
    # Without a source for each, numbers that far apart count different things.
    assert not _conflicts(
        "In Leipzig zogen 5000 Demonstranten durch die Innenstadt.",
        "Bundesweit gingen 30.000 Demonstranten auf die Straße.",
    )


def test_a_sentence_repeated_with_another_number_is_a_disagreement():
    a = "Der Konzern steigerte seinen Umsatz im vergangenen Quartal deutlich auf 4,2 Milliarden Euro."
    b = "Der Konzern steigerte seinen Umsatz im vergangenen Quartal deutlich auf 4,5 Milliarden Euro."
    (c,) = _conflicts(a, b)
    assert c["what"] == "money (EUR)"
    # The same amounts in sentences about different things are two figures.
    assert not _conflicts(a, "Für das Werk in Ungarn gab der Konzern 4,5 Milliarden Euro aus.")
    # Rounded in one report: the same figure.
    assert not _conflicts(a, a.replace("4,2 Milliarden", "rund vier Milliarden"))


def test_story_figure_table_gives_a_row_per_quantity_not_per_kind():
    """Percentages of one story count many things: the share two reports give is a row of its
    own, the shares each report alone gives are one row of different things."""
    from storylens.compare.figures import figure_table
    from storylens.nlp.pipeline import analyze

    a = ("Der Umsatz von Ströer sank um 16 Prozent. Die Aktie fiel um 2,5 Prozent. "
         "Die Werbeerlöse machen 44 Prozent des Geschäfts aus.")
    b = ("Ströer meldete einen Umsatzrückgang um 16 Prozent. Der Dax schloss 1,1 Prozent fester. "
         "Die Zahl der Beschäftigten sank um mehr als 2 Prozent.")
    table = figure_table([analyze(read_text(t, lang="de", date="2026-03-02")) for t in (a, b)])
    shares = [row for row in table if row["what"] == "share"]
    shared = [row for row in shares if not row["separate"]]
    assert [sorted(r["text"] for r in row["reports"]) for row in shared] == [["16 Prozent", "16 Prozent"]]
    assert shared[0]["sources"] == 2 and not shared[0]["conflict"]
    (separate,) = [row for row in shares if row["separate"]]
    texts = {r["text"] for r in separate["reports"]}
    assert {"2,5 Prozent", "44 Prozent", "1,1 Prozent"} <= texts and "16 Prozent" not in texts
    assert table.index(shared[0]) < table.index(separate)  # what sources share comes first


def test_story_figure_table_marks_conflicts_and_updates_across_days():
    from storylens.compare.figures import figure_table
    from storylens.nlp.pipeline import analyze

    a = "Bei dem Zugunglück in Sachsen sind nach Angaben der Polizei zwölf Menschen ums Leben gekommen."
    b = "Bei dem Zugunglück in Sachsen starben 15 Menschen, teilte die Bahn mit."
    c = "Die Strecke verbindet zwei Kreise. Im Kreis Meißen leben 240.000 Menschen."
    a += " Die Strecke wird täglich von 90.000 Menschen genutzt."

    def killed(dates):
        arts = [analyze(read_text(t, lang="de", date=d)) for t, d in zip((a, b, c), dates, strict=True)]
        table = {row["what"]: row for row in figure_table(arts)}
        assert not table["people"]["conflict"]  # 90,000 passengers and 240,000 residents
        return table["killed"]

    row = killed(("2026-03-02", "2026-03-02", "2026-03-02"))
    assert row["conflict"] and not row["updated"] and row["why"] == "different values"
    row = killed(("2026-03-02", "2026-03-03", "2026-03-03"))
    assert row["updated"] and not row["conflict"]
