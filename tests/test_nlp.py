"""Analysis components on German (and some English) sentences written for these tests."""

from __future__ import annotations

import pytest

from storylens.ingest import read_text
from storylens.model import Article
from storylens.nlp import names
from storylens.nlp.dateline import find_dateline
from storylens.nlp.dates import find_dates
from storylens.nlp.figures import find_figures, parse_number
from storylens.nlp.pipeline import analyze
from storylens.nlp.segment import segment


def labelled(text: str, lang: str) -> tuple[Article, dict[str, str]]:
    """``text`` analysed as ``lang``, and each mention's text and type in it."""
    art = analyze(read_text(text, lang=lang))
    return art, {m.text: m.label for m in art.mentions}


def mention_labels(text: str, lang: str) -> dict[str, str]:
    """Each mention's text and type in ``text`` analysed as ``lang``."""
    return labelled(text, lang)[1]


def test_segment_offsets_and_german_ordinals():
    text = "Die Wahl findet am 3. März 2026 statt. Danach wird gezählt. Am 5. Mai ist alles vorbei."
    sentences, tokens = segment(text)
    assert [text[s.start : s.end] for s in sentences] == [
        "Die Wahl findet am 3. März 2026 statt.",
        "Danach wird gezählt.",
        "Am 5. Mai ist alles vorbei.",
    ]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_segment_lemmas():
    _, tokens = segment("Die Soldaten wurden festgenommen.")
    lemmas = {t.text: t.lemma for t in tokens}
    assert lemmas["Soldaten"] == "Soldat"
    assert lemmas["festgenommen"] == "festnehmen"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kassym-Schomart Tokajew", "Kassym-Jomart Tokayev"),
        ("Nasarbajew", "Nazarbayev"),
        ("Kirgistan", "Kyrgyzstan"),
        ("Kirgisistan", "Kirgistan"),
        ("OVKS", "CSTO"),
        ("Weißrussland", "Belarus"),
        ("Kasachstans", "Kasachstan"),
        ("Präsident Wladimir Putin", "Putin"),
        ("Selenskyj", "Selenskij"),
        ("Markus Soeder", "Markus Söder"),
        ("Bürgermeister Jürgen Dupper", "Mayor Juergen Dupper"),
        ("Vereinigten Staaten", "United States"),
        ("Internationalen Währungsfonds", "IMF"),
        ("Europäischen Union", "EU"),
        ("Unser Haus Israel", "Yisrael Beiteinu"),
        ("Nato", "NATO"),
    ],
)
def test_names_variants_share_a_key(a, b):
    label = "LOC" if names.lookup(a) else "PER"
    assert names.entity_key(a, label) == names.entity_key(b, label)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Donau", "Danube"), ("Niederbayern", "Lower Bavaria"), ("Mailand", "Milan"), ("Breslau", "Wrocław"),
     ("Danzig", "Gdańsk"), ("Lemberg", "Lviv"), ("Saloniki", "Thessaloniki")],
)
def test_names_places_across_languages(a, b):
    """Alias table for regions and rivers, GeoNames alternate names for large cities."""
    assert names.entity_key(a, "LOC") == names.entity_key(b, "LOC")


@pytest.mark.parametrize(
    ("word", "city"),
    [("Kölns", "Köln"), ("Moskau", "Moscow"), ("Neapel", "Naples"), ("Essen", "Essen"), ("Tokio", "Tokyo")],
)
def test_city_of_knows_exonyms_and_inflections(word, city):
    assert names.city_of(word) == city


@pytest.mark.parametrize("word", ["Wenn", "Dabei", "Dort", "Gerät", "Liga", "Medien", "Rest", "Gold"])
def test_city_of_ignores_ordinary_words(word):
    """GeoNames alternate names and transliteration folds once made these Vienna, Dubai,
    Dordrecht, Herat, Riga, Madinah, Rasht and Gold Coast."""
    assert names.city_of(word) is None


@pytest.mark.parametrize("word", ["Julia", "Karin", "Saul", "George", "Jackson", "Van", "Jan"])
def test_city_of_ignores_first_names_and_name_particles(word):
    """GeoNames made these Plovdiv, Erzurum, Seoul (alternate names), George (South Africa),
    Jackson (Mississippi), Van (Turkey: 'Van der Bellen') and Jaén."""
    assert names.city_of(word) is None


@pytest.mark.parametrize(
    ("word", "city"),
    [("Odessa", "Odesa"), ("Sophia", "Sofia"), ("Denver", "Denver"), ("Jena", "Jena"), ("Paris", "Paris")],
)
def test_city_of_keeps_cities_named_like_people(word, city):
    """First names that spell the city's own name, big cities and German-speaking ones stay."""
    assert names.city_of(word) == city


def test_soeder_is_a_person_not_a_stockholm_district():
    from storylens.compare.similarity import prepare

    doc = prepare(None, "In München sagte Ministerpräsident Söder am Montag, Bayern werde helfen.")
    assert "soder" not in " ".join(doc.places)
    assert doc.places  # München still counts


@pytest.mark.parametrize(
    ("german", "other"),
    [("Lombardei", "Lombardy"), ("Venetien", "Veneto"), ("Kalifornien", "California"), ("Zürich", "Zurich"),
     ("Hubei", "Hubei"), ("Katalonien", "Catalunya")],
)
def test_regions_are_places_one_entity_across_languages(german, other):
    """The first-level regions of every country (ISO 3166-2): an English report's Lombardy is a
    German one's Lombardei."""
    assert names.lookup(german)[0] == "LOC"
    assert names.entity_key(german, "LOC") == names.entity_key(other, "LOC")


@pytest.mark.parametrize("word", ["Darin", "Zoll", "Risse", "Letztes", "Neunburg", "Victoria", "Unity", "Plateau",
                                  "Jura", "Western", "Herrera", "Batman"])
def test_words_towns_and_people_named_like_regions_are_no_regions(word):
    """Folded like the alias table's names, regions took German words and a Bavarian town (Darién,
    Sool, Rize, Leste, Neuenburg); first names, English words, German nouns and surnames stay what
    they are."""
    assert names.lookup(word) is None


def test_the_region_table_is_kept_between_processes_and_rebuilt_when_damaged(tmp_path, monkeypatch):
    """Building the region table costs most of a second at start-up; it is read from the cache
    folder afterwards, and a damaged cache file is built again, not trusted."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = names.region_table()
    names.region_table.cache_clear()
    try:
        names.region_table()  # builds into the empty cache folder
        [kept] = (tmp_path / "storylens").glob("regions-*.json")
        names.region_table.cache_clear()
        assert names.region_table() == built  # read back
        kept.write_text("{not json", "utf-8")
        names.region_table.cache_clear()
        assert names.region_table() == built  # rebuilt
        assert kept.read_text("utf-8").startswith("{\"")
    finally:
        names.region_table.cache_clear()


def test_an_english_report_names_its_regions_as_places():
    text = ("The outbreak spread from Lombardy and Veneto to the rest of Italy, while Zhejiang "
            "reported new cases. Officials in New South Wales said schools stay open.")
    doc = analyze(Article(id="r", title=None, text=text, language="en"))
    places = {e.name for e in doc.entities if e.type == "LOC"}
    assert {"Lombardei", "Venetien", "Zhejiang", "New South Wales"} <= places


@pytest.mark.parametrize(("a", "b"), [("Berlin", "Bern"), ("Schulz", "Scholz"), ("Österreich", "Australien")])
def test_names_different_names_stay_apart(a, b):
    assert names.entity_key(a, "LOC") != names.entity_key(b, "LOC")


@pytest.mark.parametrize(
    ("acronym", "other"), [("SS", "SZ"), ("TV", "THW"), ("DVD", "DWD"), ("FTTH", "FT"), ("SDF", "ZDF")]
)
def test_acronyms_are_matched_by_their_letters(acronym, other):
    """Folding spelling variants made these one: SS and SZ both fold to "s", TV and THW to "tv"
    (th -> t, w -> v), so an article about the SS listed the Süddeutsche Zeitung."""
    assert names.entity_key(acronym, "ORG") != names.entity_key(other, "ORG")
    assert names.lookup(acronym) is None or names.lookup(acronym) != names.lookup(other)


def test_ordinary_words_and_capitals_find_their_alias_as_before():
    assert names.lookup("App") is None  # folded, it was AP
    assert names.lookup("Nato") == names.lookup("NATO") == ("ORG", "NATO")
    assert names.lookup("ROM") == ("LOC", "Rom")  # a dateline in capitals
    assert names.lookup("Taiwan") == ("LOC", "Taiwan")  # not pycountry's "Taiwan, Chinesische Provinz"
    assert names.lookup("Venezuelas") == ("LOC", "Venezuela")
    # A span that takes in the article at the start of a sentence.
    assert names.lookup("Die Vereinten Nationen") == names.lookup("Vereinte Nationen") == ("ORG", "UN")
    assert names.lookup("Die Zeit") is None  # "Zeit" alone names nothing
    assert names.lookup("The Who") is None  # a band, no WHO
    # An article before an adjective is no name: "Das türkische (Parlament)" is no Türkei.
    assert names.lookup("türkische") == ("LOC", "Türkei")
    assert names.lookup("Das türkische") is None and names.lookup("Der grüne") is None


def test_a_known_name_after_the_article_that_opens_its_sentence_is_the_name_alone():
    text = ("Das Nationale Sicherheitskomitee, der Nachfolger des KGB, schweigt. Das türkische "
            "Parlament tagt. Die Türkei schweigt.")
    shown = [(m.text, m.label) for m in analyze(read_text(text, lang="de")).mentions]
    assert ("Nationale Sicherheitskomitee", "ORG") in shown, shown
    assert ("Türkei", "LOC") in shown and not any(t.startswith(("Das", "Die")) for t, _ in shown), shown


@pytest.mark.parametrize(
    ("written", "nominative"),
    [
        ("Zweiten Weltkriegs", "Zweiter Weltkrieg"),
        ("Palästinensischen Befreiungsorganisation", "Palästinensische Befreiungsorganisation"),
        ("Interdisziplinären Zentrum", "Interdisziplinäres Zentrum"),
        ("Frankfurter Allgemeinen Sonntagszeitung", "Frankfurter Allgemeine Sonntagszeitung"),
        ("Deutsche Zentrum für Luft- und Raumfahrt", "Deutsches Zentrum für Luft- und Raumfahrt"),
        ("Oberste Gerichtshof", "Oberster Gerichtshof"),
        ("Vereinigten Arabischen Emirate", "Vereinigte Arabische Emirate"),
        ("Schwarzen Meeres", "Schwarzes Meer"),
        ("Deutschen Presse-Agentur", "Deutsche Presse-Agentur"),
        # Plurals in -n: a feminine plural is the same in every case, a masculine in -er takes
        # the -n in the dative only, a neuter's -en is the dative of a plural in -e.
        ("Kanarischen Inseln", "Kanarische Inseln"),
        ("Freien Wählern", "Freie Wähler"),
        ("Olympischen Spielen", "Olympische Spiele"),
        ("Vereinigten Arabischen Emiraten", "Vereinigte Arabische Emirate"),
    ],
)
def test_names_that_begin_with_adjectives_in_the_nominative(written, nominative):
    from storylens.nlp.inflection import nominative as to_nominative

    assert to_nominative(written) == nominative
    assert names.entity_key(written, "ORG") == names.entity_key(nominative, "ORG")


@pytest.mark.parametrize(
    "name",
    [
        "Vereinigten Staaten",  # a masculine plural in -en: a weak noun's or a dative of "Staate"?
        "Freien Wähler",  # "Wähler" is singular and plural alike
        "Kronen Zeitung",  # a noun, not an adjective
        "Jihadistengruppe Islamischer Staat",  # HanTa guesses an adjective, without an adjective's suffix
        "Golden State Warriors",
        "Wiener Neustadt",  # a place adjective never changes
    ],
)
def test_names_whose_case_cannot_be_told_keep_their_form(name):
    from storylens.nlp.inflection import nominative

    assert nominative(name) is None


def test_one_entity_for_a_name_in_every_case_listed_in_the_nominative():
    text = (
        "Berlin - Die Europäische Investitionsbank gibt 50 Millionen Euro. Ein Sprecher der "
        "Europäischen Investitionsbank sagte am Montag, die Gedenkstätte erinnere an die Opfer "
        "des Zweiten Weltkriegs. Die Zeitung berichtete über die Palästinensische "
        "Befreiungsorganisation."
    )
    article = analyze(read_text(text, lang="de"))
    bank = [e for e in article.entities if "Investitionsbank" in e.name]
    assert len(bank) == 1 and bank[0].name == "Europäische Investitionsbank"
    assert set(bank[0].aliases) == {"Europäische Investitionsbank", "Europäischen Investitionsbank"}
    assert "Zweiter Weltkrieg" in {e.name for e in article.entities}


@pytest.mark.parametrize(
    ("raw", "lang", "value"),
    [("2.030", "de", 2030), ("1.234,5", "de", 1234.5), ("1,5", "de", 1.5), ("12,000", "en", 12000), ("3.5", "en", 3.5)],
)
def test_figures_number_formats(raw, lang, value):
    assert parse_number(raw, lang) == value


def _figures(text: str, lang: str = "de"):
    sentences, _ = segment(text, lang)
    return find_figures(text, sentences, lang)


def test_figures_what_is_counted():
    text = (
        "Nach Angaben der Polizei starben 14 Menschen. Fast 300 Personen wurden festgenommen. "
        "Die Grenze ist 1770 Kilometer lang. Rund 19 Millionen Menschen leben dort. "
        "Dutzende Demonstranten wurden verletzt. Die Armee schickte 2.030 Soldaten."
    )
    by_value = {f.value: f for f in _figures(text)}
    assert by_value[14].counts == "killed" and by_value[14].attribution == "Polizei"
    assert by_value[300].counts == "arrested" and by_value[300].approx == "fast"
    assert by_value[1770].unit == "km"
    assert by_value[19e6].approx == "rund"
    assert by_value[2030].counts == "soldiers"
    assert any(f.approx == "vague" and f.counts == "injured" for f in by_value.values())


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # The event verb nearest after the number, not the first of the sentence.
        ("Police said 1,200 people were evacuated and 164 people were killed.", "en",
         [(1200, "evacuated", None), (164, "killed", None)]),
        ("Between 300 and 400 people were evacuated.", "en", [(300, "evacuated", None), (400, "evacuated", None)]),
        ("The death toll climbed to over 400 on Monday.", "en", [(400, "killed", None)]),
        # A currency sign before the number, and "bn".
        ("Bezos pledged $10 billion, the EU €5 million and the fund raised £2.3bn last year.", "en",
         [(1e10, "money", "USD"), (5e6, "money", "EUR"), (2.3e9, "money", "GBP")]),
        # Thousands written with spaces, and lists sharing the noun (and the scale) of their last number.
        ("Die Sanierung kostet 1 825 000 Euro, gefördert werden 100 000 Euro.", "de",
         [(1825000, "money", "EUR"), (100000, "money", "EUR")]),
        ("Spanien und Italien liegen mit 35, 44 und 49 Toten darüber.", "de",
         [(35, "killed", None), (44, "killed", None), (49, "killed", None)]),
        ("Der Schaden liegt zwischen elf und 13,5 Milliarden Euro.", "de",
         [(11e9, "money", "EUR"), (13.5e9, "money", "EUR")]),
        # Times of day are no figures; a year before "am Montag" still is one.
        ("Um 5 Uhr fuhren sie los, gegen 7.30 Uhr kamen sie an. Die Zahlen für 2020 kommen am Montag.", "de",
         [(2020, "year", None)]),
    ],
)
def test_figures_events_currencies_spaced_thousands_lists_and_clock_times(text, lang, expected):
    found = [(f.value, f.counts, f.unit) for f in _figures(text, lang)]
    assert found == [(pytest.approx(v), c, u) for v, c, u in expected]


@pytest.mark.parametrize(
    ("text", "lang", "kept"),
    [
        # a press release's contact block counts nothing
        ("Rückfragen bitte an:\nPolizei Bremerhaven\nTelefon: 0471/ 953 - 1401\n"
         "E-Mail: presse@polizei.example.de\nWerner-Kammann-Straße 8\n27472 Cuxhaven", "de", []),
        ("Zeugen melden sich unter +49(0)4403/927 115 oder Tel. (0 95 21) 94 26 21.", "de", []),
        # dates with full stops, road numbers, party labels with a leading zero
        ("Am 31.12.2019 fuhr der Beteiligte 02 auf der BAB 27 und der L 347.", "de", []),
        # ... while the figures around them stay
        ("Am 01.01.2020 wurden 12 Menschen in der Ringstraße 10 verletzt.", "de", [12]),
        ("A 1,000-bed hospital was built in ten days.", "en", [1000, 10]),
        ("Auf Platz 18 landete sie.", "de", [18]),
        # Swiss thousands
        ("In Zürich demonstrierten 10'000 Menschen für 100'000 Franken.", "de", [10000, 100000]),
    ],
)
def test_figures_skip_phone_numbers_addresses_dates_and_roads(text, lang, kept):
    assert [f.value for f in _figures(text, lang)] == [pytest.approx(v) for v in kept]


def test_figures_with_the_prior_value_in_brackets_share_scale_and_noun():
    found = [(f.value, f.counts, f.unit) for f in _figures(
        "Der Umsatz stieg auf 1,8 (1,6) Milliarden Euro, der Gewinn auf 420 (Vorjahr: 380) Millionen Euro."
        " Bei dem Unfall (2019) starben 3 Menschen.")]
    assert found == [(pytest.approx(1.8e9), "money", "EUR"), (pytest.approx(1.6e9), "money", "EUR"),
                     (pytest.approx(4.2e8), "money", "EUR"), (pytest.approx(3.8e8), "money", "EUR"),
                     (2019, "year", None), (3, "killed", None)]


def test_figures_with_the_prior_value_after_the_noun_take_its_unit_and_scale():
    found = [(f.text, f.value, f.counts, f.unit) for f in _figures(
        "Der Gewinn lag bei 200 Millionen Euro (Vorjahr: 150). Revenue rose to $4.2 billion (prior year: 3.9)."
        " Die Firma hat 200 Millionen Euro Schulden (laut Bericht: 150).")]
    assert found[:4] == [("200 Millionen Euro", pytest.approx(2e8), "money", "EUR"),
                         ("Vorjahr: 150", pytest.approx(1.5e8), "money", "EUR"),
                         ("$4.2 billion", pytest.approx(4.2e9), "money", "USD"),
                         ("prior year: 3.9", pytest.approx(3.9e9), "money", "USD")]
    # Other words in the brackets: no value of the year before, a number on its own.
    assert found[5:] == [("150", 150, None, None)]


def test_figures_unconfirmed_from_next_sentence():
    text = "Staatsmedien berichteten, dass 40 Menschen getötet wurden. Die Behörden haben diese Zahl nicht bestätigt."
    (fig,) = [f for f in _figures(text) if f.value == 40]
    assert fig.certainty == "unconfirmed"


def test_figures_ages_and_years():
    figs = {f.value: f for f in _figures("Der 81-jährige Ex-Präsident trat 2019 nach 30 Jahren zurück.")}
    assert figs[81].counts == "age"
    assert figs[2019].counts == "year"
    assert figs[30].unit == "years"
    english = {f.text: f for f in _figures(
        "The wine-loving 56-year-old star thanked Cooper. The 70-year-old alliance holds; he has "
        "been sober for three years.", "en")}
    assert english["56-year-old star"].counts == "age" and english["56-year-old star"].value == 56
    assert english["70-year-old alliance"].counts == "duration"


def test_dates_resolved_against_article_date():
    text = "Am Montag sagte er, vor 30 Jahren sei das anders gewesen. Letzte Woche gab es Proteste."
    sentences, _ = segment(text)
    found = {d.text: d for d in find_dates(text, sentences, "2022-01-12")}
    assert found["Am Montag"].value == "2022-01-10"
    assert found["vor 30 Jahren"].value == "1992"
    assert found["Letzte Woche"].granularity == "week" and found["Letzte Woche"].value == "2022-W01"
    # With only a month known, weekdays stay unresolved rather than guessed.
    unresolved = {d.text: d for d in find_dates(text, sentences, "2022-01")}
    assert unresolved["Am Montag"].value is None


def test_morgen_is_tomorrow_but_am_morgen_is_the_morning():
    # 2026-06-03 is a Wednesday.
    text = ("Der Bürgermeister sprach am Morgen mit Anwohnern. Die Sitzung findet morgen statt. "
            "Morgen tagt auch der Kreistag. Heute Morgen fiel kein Regen.")
    sentences, _ = segment(text)
    found = [(d.text, d.value) for d in find_dates(text, sentences, "2026-06-03")]
    assert ("morgen", "2026-06-04") in found and ("Morgen", "2026-06-04") in found
    assert ("Heute", "2026-06-03") in found
    assert len([v for _, v in found if v == "2026-06-04"]) == 2  # not "am Morgen", "Heute Morgen"


def test_dates_forward_and_backward_weekdays():
    # 2026-06-01 is a Monday.
    text = (
        "Am kommenden Samstag spielt das Team. Am vergangenen Montag und am Montag gab es Proteste. "
        "Nächste Woche folgt mehr."
    )
    sentences, _ = segment(text)
    found = {d.text: d.value for d in find_dates(text, sentences, "2026-06-01")}
    assert found["Am kommenden Samstag"] == "2026-06-06"
    assert found["Am vergangenen Montag"] == "2026-05-25"
    assert found["am Montag"] == "2026-06-01"
    assert found["Nächste Woche"] == "2026-W24"


@pytest.mark.parametrize(
    ("text", "place", "agency"),
    [
        ("Nur-Sultan (Reuters) - Nach dem Eingreifen", "Nur-Sultan", "Reuters"),
        ("BERLIN (dpa) - Die Koalition", "Berlin", "dpa"),
        ("Moskau/Kiew (AFP) – Russland", "Moskau/Kiew", "AFP"),
        ("FORT LAUDERDALE, Fla. (AP) - Two cruise ships", "Fort Lauderdale", "AP"),
        ("KYIV, Ukraine (Reuters) - Russia", "Kyiv", "Reuters"),
        ("PASSAU, Germany (Example Wire) - The Danube", "Passau", "Example Wire"),
        ("BERLIN: German logistics company", "Berlin", None),
    ],
)
def test_dateline_place_and_agency(text, place, agency):
    d = find_dateline(text)
    assert d is not None and d.place == place and d.agency == agency


@pytest.mark.parametrize(
    "text",
    ["In Kasachstans größter Stadt kehrte Ruhe ein.", "FILE PHOTO: News conference after talks",
     "NGO: 198 Zivilisten getötet", "Passau (Archivbild) - Die Donau"],
)
def test_dateline_absent_in_plain_lead_and_labels(text):
    assert find_dateline(text) is None


def test_the_place_and_agency_of_a_dateline_are_typed_so_in_the_text():
    text = ("PASSAU, Germany (Example Wire) - The Danube reached 9.8 metres in Passau on Tuesday, "
            "Example Wire reported, citing officials in Passau.")
    labels = mention_labels(text, "en")
    assert labels.get("Example Wire") == "ORG" and labels.get("Passau") == "LOC", labels


@pytest.mark.parametrize(
    ("text", "lang", "speakers"),
    [
        pytest.param(
            "Bundeskanzler Olaf Scholz sagte am Montag in Berlin: „Wir werden die Hilfen schnell auszahlen.“ "
            "Finanzminister Christian Lindner widersprach. »Das Geld ist im Haushalt nicht vorgesehen«, sagte er. "
            '"Wir prüfen alle Möglichkeiten sehr genau", sagte Scholz später.',
            "de", ["Scholz", "Lindner", "Scholz"], id="german-styles",
        ),
        pytest.param(
            # Reported speech goes on with the last speaker; ", so" is a source only before a name.
            "David Tepper sagte, er habe Aktien noch nie so stark überbewertet gesehen. CDU-Innenexperte "
            "Armin Schuster sagt: „Wir können das Land nicht monatelang lahmlegen.“ Es gehe deshalb darum, "
            "„den Nutzen von Tracking zu belegen“. Pessimistisch äußert sich auch Jean-Marie Mercadal. "
            "„Wir glauben nicht an die Signale des Marktes“, schreibt er. Die Lage sei ernst, so Mercadal.",
            "de", ["Schuster", "Schuster", "Mercadal"], id="reported-speech",
        ),
        pytest.param(
            "Donald Trump drohte Teheran. „Wir werden die Konsequenzen ziehen“, sagte Trump. "
            "Dann stieg er in den Hubschrauber. „Aber es ist für mich okay“, sagte der Präsident weiter.",
            "de", ["Trump", "Trump"], id="a-role-refers-back",
        ),
        pytest.param(
            "Actor Brad Pitt thanked his friend Bradley Cooper. “He’s a true sweetheart,” Pitt said of Cooper "
            "during the speech. “I love you and I thank you all.”",
            "en", ["Pitt", "Pitt"], id="said-of-names-no-speaker",
        ),
        pytest.param(
            # A quote that ended a sentence bounds the next one's lead; members are no person; a
            # clause that runs into the next quote introduces that one.
            "Amazon founder Jeff Bezos announced a fund. “Climate change is the biggest threat to our "
            "planet,” Bezos recently tweeted. Critics share the belief that Bezos “will continue to be "
            "complicit in the climate crisis.” AECJ members continued, “When is Amazon going to stop helping "
            "oil and gas companies?” Greenpeace USA Senior Campaigner Elizabeth Jardim explained, “It is "
            "hypocritical to announce that now.”",
            "en", ["Bezos", None, None, "Jardim"], id="english-appositions",
        ),
        pytest.param(
            # A genitive or 's owner is not the speaker: the father, the spokesman is.
            "Die kleine Nele kam um Mitternacht zur Welt. Neles Vater Benjamin Strube sagte: „Wir hatten "
            "uns auf einen ruhigen Abend eingestellt.“ Kremlchef Wladimir Putin schwieg. „Wir beobachten "
            "die Lage genau“, sagte Putins Sprecher Dmitri Peskow.",
            "de", ["Strube", "Peskow"], id="possessors",
        ),
        pytest.param(
            # Johnson owns the thoughts; the spokesman, named by no name, speaks.
            "Prime Minister Boris Johnson left hospital. A spokesman said Mr Johnson's thoughts are with "
            "\"those affected by this terrible disease.\"",
            "en", ["spokesman"], id="english-possessive",
        ),
        pytest.param(
            # A colon after a name opens that person's quote; "Die Ministerin weiter:" goes on with her.
            "Die Ministerin Leonore Gewessler kündigte das an. Gewessler: \"Die Verordnung ist schon in Arbeit.\" "
            "Die Ministerin weiter: \"Das wird in den nächsten Wochen sein.\"",
            "de", ["Gewessler", "Gewessler"], id="colon-after-a-name",
        ),
        pytest.param(
            # The verb of the next sentence reports that sentence, not the quote before it; a group's
            # "Sie schrieben" names no one.
            "Der Regierungschef Kyriakos Mitsotakis reiste ab. In dem Bericht steht: „Die Lage an der Grenze "
            "ist sehr angespannt.“ Olaf Scholz teilte mit, sein Land werde helfen. Die Ministerinnen berieten. "
            "Sie schrieben: „Wir brauchen mehr Geld für die Länder.“",
            "de", [None, None], id="no-speaker-from-the-next-sentence-or-a-group",
        ),
    ],
)
def test_quotes_speakers(text, lang, speakers):
    article = analyze(read_text(text, lang=lang))
    assert [q.speaker.split()[-1] if q.speaker else None for q in article.quotes] == speakers


@pytest.mark.parametrize(
    ("text", "lang", "speaker", "entity"),
    [
        ('Das kasachische Außenministerium erklärte, bei den Angreifern handele es sich um "Personen, die in '
         'den Reihen radikaler Gruppen Erfahrung haben".', "de", "das kasachische Außenministerium", False),
        ("„Wir prüfen alle Möglichkeiten sehr genau“, schrieb die Zeitung am Montag.", "de", "die Zeitung", False),
        ("Ein Sprecher des Auswärtigen Amtes sagte: „Wir beobachten die Lage sehr genau.“", "de",
         "ein Sprecher des Auswärtigen Amtes", False),
        ("„Die Lage ist ernst und wir handeln“, teilte die Polizei am Montag mit.", "de", "die Polizei", False),
        ("„Die Lage ist ernst und wir handeln“, erklärte die OVKS am Montag.", "de", "OVKS", True),
        ("„Wir treffen logistische Vorbereitungen, falls nötig“, heißt es bei Stora Enso.", "de", "Stora Enso", True),
        ("„Die Zahl der Studenten hat sich verdoppelt“, heißt es im Migrationsbericht.", "de", None, False),
        ('"We are watching the situation very closely," the ministry said in a statement.', "en", "the ministry",
         False),
        ('"We are watching the situation very closely," said a spokesman for the ministry.', "en",
         "a spokesman for the ministry", False),
    ],
)
def test_quotes_by_sources_no_person_names(text, lang, speaker, entity):
    """Who speaks where no person is named: the noun phrase as written (no entity id, so it never
    matches another article's quote by speaker alone), or the organisation named there."""
    (quote,) = analyze(read_text(text, lang=lang)).quotes
    assert quote.speaker == speaker
    assert (quote.speaker_id is not None) == entity


def test_quotes_scare_quotes_are_not_speech():
    article = analyze(
        read_text('Der Minister sprach von einer "Farben-Revolution" in der Region und von großen Sorgen.', lang="de")
    )
    assert article.quotes == ()


@pytest.mark.parametrize(
    ("text", "lang", "quotes"),
    [
        # The noun before the mark names a work, also as the head of a compound; the quote beside
        # it is speech and stays.
        ('Die Krimikomödie „Ein Abend im Haus am See“ läuft ab Donnerstag. „Wir haben lange auf '
         'diesen Film gewartet“, sagte die Kinobetreiberin Petra Lang.', "de", ["Lang"]),
        ('Die Forscher schreiben im Fachjournal „Annals of Applied Botany“ über ihre Versuche.', "de", []),
        ('Der Verein lädt unter dem Motto „Gemeinsam für einen sauberen Fluss“ ein.', "de", []),
        # A compound ("-Bonus"), an author after it, a gloss in parentheses.
        ('Die Ministerin verlängert den „Weg mit der alten Heizung“-Bonus bis Dezember.', "de", []),
        ('Das Gedicht „Über den Dächern der Stadt“ von Karl Berger wurde vorgelesen.', "de", []),
        ('Er schrieb das Buch "La fin des grandes villes" ("Das Ende der großen Städte") im Exil.', "de", []),
        # English titles in title case after a determiner; a quote after "called" is speech.
        ('She starred in the “Long Night in the City” series last year.', "en", []),
        ('The mayor denounced what he called “a disaster for the whole region” on Monday.', "en", [None]),
        # Title case names a work anywhere, but a headline's quote after a colon is speech.
        ('Der Direktor des „Harbor Museum of Modern Glass“ hält das für überfällig.', "de", []),
        ('Maria Stein: “We Will Not Give Up Now”\n\nThe council of the city met on Monday, and Mayor Maria '
         'Stein spoke first.', "en", ["Stein"]),
        # A word ending like a work's name that is none ("Reaktion", "Einreise") keeps its quote.
        ('Die Einreise „nur mit einem negativen Test und einem Formular“ sei Pflicht, sagte Maria Stein.',
         "de", ["Stein"]),
    ],
)
def test_quoted_names_of_works_are_not_quotes(text, lang, quotes):
    article = analyze(read_text(text, lang=lang))
    assert [q.speaker.split()[-1] if q.speaker else None for q in article.quotes] == quotes


def test_pipeline_english_article():
    text = (
        "Kazakh President Kassym-Jomart Tokayev said on Monday that order had been restored in Almaty. "
        '"The main blow was directed at Almaty," Tokayev said. Authorities said 164 people were killed.'
    )
    article = analyze(read_text(text))
    assert article.language == "en"
    ids = {e.id for e in article.entities}
    assert names.entity_key("Tokajew", "PER") in ids
    assert any(f.value == 164 and f.counts == "killed" for f in article.figures)
    assert article.quotes and article.quotes[0].speaker and "Tokayev" in article.quotes[0].speaker


def test_a_compound_with_a_name_is_a_mention_of_that_name_alone():
    text = (
        "Die CDU-Spitze beriet am Montag in Berlin. Der US-Präsident telefonierte mit dem "
        "ÖVP-SPÖ-Bündnis, die OVKS-Einheiten blieben. Die Bundestagswahl rückt näher."
    )
    art = analyze(read_text(text, lang="de"))
    by_text = {m.text: m for m in art.mentions}
    # Each mention covers the name inside the compound, at its own offsets in the text.
    assert {"CDU", "US", "ÖVP", "SPÖ", "OVKS"} <= set(by_text), sorted(by_text)
    assert all(text[m.start : m.end] == m.text for m in art.mentions)
    assert by_text["US"].entity_id == names.entity_key("USA", "LOC")
    assert by_text["OVKS"].entity_id == names.entity_key("CSTO", "ORG")
    # No compound is an entity of its own; a compound of ordinary words names nothing.
    assert not any("-" in m.text for m in art.mentions if m.text != "Berlin")
    assert not any("Bundestagswahl" in m.text or "Spitze" in m.text for m in art.mentions)


def test_a_dative_article_inside_a_marked_body_parts_two_names():
    text = ("„Die Milizen sind gut organisiert“, sagt Sascha Lohmann von der Stiftung Wissenschaft "
            "und Politik dem RedaktionsNetzwerk Deutschland (RND).")
    art = analyze(read_text(text, lang="de"))
    found = {e.name for e in art.entities}
    assert {"Stiftung Wissenschaft und Politik", "RedaktionsNetzwerk Deutschland"} <= found, found
    assert not any(" dem " in m.text for m in art.mentions)


def test_languages_city_adjectives_and_cents_are_no_names():
    text = ("Die Bonner Polizei ermittelt. Das Video ist auf Deutsch und Englisch verfügbar. "
            "Der Kaffee kostet 50 Cent. Der Bürgermeister von Bonn sprach.")
    art = analyze(read_text(text, lang="de"))
    found = {m.text for m in art.mentions}
    assert not found & {"Bonner", "Deutsch", "Englisch", "Cent"}, found
    assert "Bonn" in found


def test_names_joined_by_a_slash_are_two():
    text = "Berlin/Saarbrücken - Die Abgeordneten der CDU/CSU tagten am Montag. Foto: Gregor Fischer/dpa"
    labels = mention_labels(text, "de")
    assert labels.get("Berlin") == labels.get("Saarbrücken") == "LOC", labels
    assert labels.get("CDU") == labels.get("CSU") == "ORG", labels
    assert labels.get("Gregor Fischer") == "PER", labels
    assert not any("/" in m for m in labels)
    # A two-word place keeps its first word, which the tokenizer leaves outside "Aviv/Berlin".
    labels = mention_labels("Tel Aviv/Berlin. Gantz und Netanjahu verhandeln weiter.", "de")
    assert labels.get("Tel Aviv") == labels.get("Berlin") == "LOC" and "Aviv" not in labels, labels


def test_a_name_in_the_genitive_is_not_one_name_with_the_word_after_it():
    text = (
        "Benjamin Netanjahu hat gewonnen. Netanjahus Likud liegt vorne. Angela Merkel telefonierte. "
        "Merkels Privathandy wurde abgehört. Viktor Orban kam. Orbans Fidesz bleibt in der EVP. "
        "Andreas Scheuer und Thomas Müller waren da. Die Casinos Austria AG lud nach Crans Montana "
        "ein, Servus TV berichtete. Der Casino-Chef lobte die Casinos. Benny Gantz sprach, "
        "Gantz’ Likud-Gegner jubelten. Merkels\nPrivathandy klingelte."
    )
    art, labels = labelled(text, "de")
    # Without the cut the model reads "Netanjahus Likud" and "Merkels Privathandy" as persons.
    assert labels.get("Netanjahus") == labels.get("Merkels") == labels.get("Orbans") == "PER", labels
    assert labels.get("Likud") == labels.get("Fidesz") == "ORG", labels
    assert not any("Privathandy" in t for t in labels), labels  # also across a line break
    assert not any(t.startswith(("Netanjahus ", "Merkels ", "Orbans ")) for t in labels), labels
    by_text = {m.text: m for m in art.mentions}
    assert by_text["Netanjahus"].entity_id == by_text["Benjamin Netanjahu"].entity_id
    assert by_text["Gantz’"].entity_id == by_text["Benny Gantz"].entity_id, labels  # an apostrophe genitive
    # Names with an s inside stay whole: first names, firms, places, stations.
    assert {"Andreas Scheuer", "Thomas Müller", "Crans Montana", "Servus TV"} <= set(labels), labels
    assert any(t.startswith("Casinos Austria") for t in labels), labels


@pytest.mark.parametrize(
    ("lang", "text", "found", "not_found"),
    [
        ("fr", "Marine Le Pen a parlé à Paris. Le Pen a dit que la France doit changer. Selon Emmanuel "
               "Macron, la réforme est prête. « Nous aidons », dit-il. La Croix-Rouge aide à Marseille.",
         {"Marine Le Pen", "Le Pen", "Emmanuel Macron", "Croix-Rouge", "Paris"}, {"La", "Selon", "La Croix-Rouge"}),
        ("es", "El presidente Luis Arce habló en La Paz. Según Evo Morales, el país cambia. Los Angeles "
               "Times informó. La policía detuvo a dos personas.",
         {"La Paz", "Evo Morales", "Los Angeles Times"}, {"La", "Según", "Angeles Times"}),
    ],
)
def test_articles_and_prepositions_of_other_languages_are_no_names(lang, text, found, not_found):
    """A capitalised article or preposition is no name ("La Croix-Rouge" is the Croix-Rouge),
    except inside a known place or a name of the text ("La Paz", "Marine Le Pen")."""
    mentions = {m.text for m in analyze(read_text(text, lang=lang)).mentions}
    assert found <= mentions and not (not_found & mentions), mentions


def test_words_derived_from_names_and_currencies_are_not_entities():
    text = (
        "Deutsche Diplomaten und Münchner Polizisten sprachen mit russischen Vertretern. "
        "Angela Merkel traf Wladimir Putin in Moskau. Der Euro fiel, der Dollar stieg, die Grünen "
        "und die Linkspartei forderten zehn Milliarden Euro."
    )
    art = analyze(read_text(text, lang="de"))
    found = {m.text for m in art.mentions}
    assert {"Angela Merkel", "Wladimir Putin", "Moskau"} <= found
    assert not found & {"Deutsche", "Münchner", "russischen", "Euro", "Dollar"}
    assert {e.name for e in art.entities} >= {"Grüne", "Linke"}


def test_english_names_without_headline_case_offices_or_nationalities():
    text = (
        "Hungary's Orban Mulls New EU Movement if His Party Exits EPP\n\n"
        "Hungarian Prime Minister Viktor Orban said his party could leave the European People's "
        "Party. EPP President Donald Tusk disagreed, German officials said. Poland's ruling Law and "
        "Justice Party may join. Climate policy was not discussed, and the party met in Budapest. "
        "Zoltan Simon reported from Budapest. Many Germans and Spaniards watched from Berlin and Texas."
    )
    art, labels = labelled(text, "en")
    assert labels.get("Viktor Orban") == "PER" and labels.get("Donald Tusk") == "PER", labels
    assert labels.get("Zoltan Simon") == "PER", labels  # a name opening a sentence
    assert "EPP" in labels
    assert labels.get("Budapest") == labels.get("Berlin") == labels.get("Texas") == "LOC", labels
    # Headline words, offices, nationality adjectives and lower-case words are no names.
    for word in ("Mulls", "Movement", "Exits", "Prime", "Minister", "President", "Hungarian", "German", "Climate",
                 "Germans", "Spaniards"):
        assert not any(word in m for m in labels), (word, labels)
    ids = {e.id for e in art.entities}
    # "European People's Party" and "Law and Justice" are names the alias table knows whole.
    german = analyze(read_text("Die Europäische Volkspartei und die PiS berieten in Budapest.", lang="de"))
    assert {e.id for e in german.entities} - {names.entity_key("Budapest", "LOC")} <= ids


def test_english_names_with_particles_and_a_body_before_an_office():
    """A name's particles ("von der", "van", "da") hold it together, and a body's name before an
    office keeps its first word even where that word is a nationality ("European Commission")."""
    text = ("European Commission President Ursula von der Leyen said on Monday that she would visit the border "
            "with the prime minister, Kyriakos Mitsotakis. Later a piece by Ludwig van Beethoven was played, and "
            "the mayor, Maria da Costa, spoke.")
    art, labels = labelled(text, "en")
    assert labels.get("European Commission") == "ORG", labels
    assert labels.get("Ursula von der Leyen") == labels.get("Ludwig van Beethoven") == "PER", labels
    assert labels.get("Maria da Costa") == labels.get("Kyriakos Mitsotakis") == "PER", labels
    german = analyze(read_text("Kommissionschefin Ursula von der Leyen reiste ab.", lang="de"))
    assert {e.id for e in german.entities if e.type == "PER"} <= {e.id for e in art.entities}


def test_english_names_the_rules_cannot_type_take_the_german_models_reading():
    """Companies and places no gazetteer knows were typed by their shape: one word a thing (MISC),
    two words a person. The German model's reading of the English text now types them, and
    place words do for streets, bridges and towns named "San ..."; a reporter stays a person."""
    text = ("Shares of Amazon and Volkswagen fell on Wall Street on Tuesday, and British Airways cancelled "
            "flights to Hubei. The city of San Dimas closed the Brooklyn Bridge Road. Al Jazeera's Karim Saleh, "
            "reporting from Wuhan, said the streets were empty.")
    labels = mention_labels(text, "en")
    assert labels.get("Amazon") == labels.get("Volkswagen") == labels.get("British Airways") == "ORG", labels
    assert labels.get("Wall Street") == labels.get("Hubei") == labels.get("San Dimas") == "LOC", labels
    assert labels.get("Brooklyn Bridge Road") == "LOC", labels
    assert labels.get("Karim Saleh") == "PER", labels


def test_english_names_of_ordinary_words_are_no_persons():
    """Two capitalised words were a person by shape, or by the German model's reading of English:
    "App Store", "Confirmed Deaths", "Lunar New Year", "AP Images". A person's name opens with a
    first name or ends in a word that is no ordinary English one; a title before it is split off."""
    text = ("The game is sold on the App Store and Google Play, AP Images reported. Confirmed Deaths rose "
            "before the Lunar New Year, and the German Government met. Roger Stone was named, and EU High "
            "Representative Josep Borrell spoke.")
    labels = mention_labels(text, "en")
    for name in ("App Store", "Google Play", "AP Images", "Confirmed Deaths", "Lunar New Year"):
        assert labels.get(name, "MISC") != "PER", (name, labels)
    assert labels.get("German Government") == "ORG", labels
    assert labels.get("Roger Stone") == labels.get("Josep Borrell") == "PER", labels


def test_an_english_name_keeps_one_guessed_type_across_the_text():
    """The model's reading types a name where it tags it; where it does not, the name had its
    shape's type, so one place stood in the entity list twice, as a place and as a thing."""
    text = ("The virus spread from Hubei to Zhejiang. Hubei and Zhejiang closed their borders. "
            "Travel to Zhejiang resumed in May.")
    art = analyze(read_text(text, lang="en"))
    for name in ("Hubei", "Zhejiang"):
        types = {m.label for m in art.mentions if m.text == name}
        assert len(types) == 1, (name, types)


def test_a_share_bar_copied_with_the_text_gives_no_names():
    text = ("Floods hit Berlin on Monday. Share Berlin under water Send Facebook Whatsapp Tumblr "
            "Newsvine Permalink The mayor said the dykes held. Facebook Twitter Pinterest The river fell later. "
            "Sign up for alerts Subscribe Thank you for subscribing. Officials posted the figures on Twitter.")
    labels = mention_labels(text, "en")
    assert labels.get("Berlin") == "LOC" and labels.get("Twitter") == "ORG", labels
    for run in ("Send Facebook", "Whatsapp Tumblr", "Newsvine Permalink", "Facebook Twitter Pinterest",
                "Share Berlin", "Subscribe Thank", "Thank"):
        assert run not in labels, (run, labels)


def test_english_party_names_are_organisations():
    text = ("Talks stalled again on Monday. The veteran Moshe Tamir, leader of the small Tikva Hadasha party, "
            "met Dana Arieli. Arieli's Merkaz party and the Arab-led United List have not decided.")
    labels = mention_labels(text, "en")
    assert labels.get("Tikva Hadasha") == labels.get("Merkaz") == labels.get("United List") == "ORG", labels
    assert labels.get("Moshe Tamir") == labels.get("Dana Arieli") == "PER", labels


def test_news_outlets_are_organisations_in_both_languages():
    english = analyze(read_text("Al Jazeera's Assed Beig, reporting from Tehran, said crowds gathered.", lang="en"))
    german = analyze(read_text("Das machte Schlagzeilen von der New York Times bis Al Jazeera.", lang="de"))
    types = {(e.name, e.type) for e in english.entities}
    assert ("Al Jazeera", "ORG") in types and ("Assed Beig", "PER") in types, types
    assert ("Al Jazeera", "ORG") in {(e.name, e.type) for e in german.entities}
    assert {e.id for e in english.entities if e.type == "ORG"} <= {e.id for e in german.entities}


def test_labels_and_player_buttons_are_no_names():
    text = ("Video Player Close\n\nCDU leader Annegret Kramp-Karrenbauer spoke in Berlin. The US and the EU"
            " watched.\n\nMedia Inquiries\n\nContact Us")
    labels = mention_labels(text, "en")
    assert labels.get("Annegret Kramp-Karrenbauer") == "PER" and labels.get("Berlin") == "LOC", labels
    assert labels.get("US") == "LOC" and labels.get("EU") == "ORG", labels
    for word in ("Player", "Close", "Media", "Inquiries", "Us"):
        assert not any(word in m.split() for m in labels), (word, labels)


def test_segment_keeps_words_with_an_inner_capital_whole():
    _, tokens = segment("Die PiS und McDonald's stellten das iPhone vor.")
    assert {"PiS", "McDonald", "iPhone"} <= {t.text for t in tokens}


def test_pipeline_seed_entities_model_plus_gazetteer(seeds, seed_entities):
    """The NER model plus the alias gazetteer find every seed name with its type."""
    found: dict[str, set[str]] = {}
    for article in seeds:
        for m in article.mentions:
            for word in m.text.split():
                found.setdefault(word, set()).add(m.label)
    for name, label in seed_entities.items():
        assert found.get(name) == {label}, (name, found.get(name))
    assert "TAKEOVER" not in found


def test_pipeline_gazetteer_span_never_swallows_punctuation():
    art = analyze(read_text("Nur-Sultan (Reuters) - Die OVKS tagte in Almaty.", lang="de"))
    assert {m.text for m in art.mentions} >= {"Nur-Sultan", "Reuters", "OVKS", "Almaty"}
    assert all(m.text[-1].isalnum() for m in art.mentions)


def test_figures_durations_and_arrests():
    text = "Er wurde zu drei Jahren Haft verurteilt. Fast 8000 Personen wurden festgenommen."
    figs = {f.value: f for f in analyze(read_text(text, lang="de")).figures}
    assert (figs[3].counts, figs[3].unit) == ("duration", "years")
    assert (figs[8000].counts, figs[8000].approx) == ("arrested", "fast")


def test_figures_results_and_spectators_not_clock_times():
    text = "Um 14:30 Uhr begann das Spiel, das Bayern vor 75.000 Zuschauern mit 3:1 gewann."
    figs = {f.text: f for f in analyze(read_text(text, lang="de")).figures}
    assert figs["3:1"].counts == "score"
    assert figs["75.000 Zuschauern"].value == 75000 and figs["75.000 Zuschauern"].counts == "spectators"
    assert not any(f.text.startswith(("14", "30")) for f in figs.values()), list(figs)
    # A video's length is no result either.
    video = "Video Angriff auf Iran: Demokraten wollen Macht begrenzen 1:01 min Nach dem Angriff blieb es ruhig."
    assert not [f.text for f in analyze(read_text(video, lang="de")).figures if f.counts == "score"]


def test_a_clause_that_names_its_own_source_attributes_its_figures():
    text = ("Die Polizei meldete drei Verletzte, nach Angaben des Roten Kreuzes waren es vier "
            "Verletzte. Laut Polizei starben 164 Menschen, die Regierung sprach von 200 Toten.")
    sentences, _ = segment(text)
    found = {f.text: f for f in find_figures(text, sentences, "de")}
    assert found["drei Verletzte"].attribution == "Polizei"
    assert found["vier Verletzte"].attribution == "Rotes Kreuz"  # by the alias table
    assert found["164 Menschen"].attribution == "Polizei"
    assert found["200 Toten"].attribution == "Regierung"
    assert all(f.certainty == "attributed" for f in found.values())


def test_a_reporting_subject_is_the_subject_and_the_verb_reports():
    """"X hat/hatte ... berichtet" names X as the source only where X is the subject and the
    verb reports something: not an adverb before the auxiliary ("Zuvor hatte ..."), not a
    declaration ("seinen Rücktritt erklärt"), not "wie berichtet"."""
    def who(text: str) -> list[str | None]:
        sentences, _ = segment(text)
        return [f.attribution for f in find_figures(text, sentences, "de") if f.counts != "year"]

    assert who("Die Agentur Bloomberg hatte zuvor berichtet, 164 Menschen seien getötet worden.") \
        == ["Die Agentur Bloomberg"]
    assert who("Das Ministerium hatte im Juni mitgeteilt, es würden 900 Soldaten verlegt.") \
        == ["Das Ministerium"]
    # The subject stands after the auxiliary, and "erklärt" declares rather than reports.
    assert who("Zuvor hatte der neue Ministerpräsident nach nur 25 Stunden im Amt "
               "seinen Rücktritt erklärt.") == [None]
    assert who("Im Jahr 2014 hatte ein Netzwerk über 340 Firmen berichtet.") == [None]
    assert who("Sie hatte erklärt, dass 40 Menschen kamen.") == [None]
    assert who("Die Partei hat wie berichtet 300 Mitglieder verloren.") == [None]
    assert who("Der Verband hatte den Vertrag mit 30 Clubs für nichtig erklärt.") == [None]


def test_a_bare_number_that_refers_back_counts_what_its_antecedent_counts():
    text = (
        "Die Polizei meldete drei Verletzte, nach Angaben des Roten Kreuzes waren es vier. "
        "Das Rote Kreuz sprach dagegen von sieben. "
        "Es waren vier Hubschrauber im Einsatz, später waren es sechs. Im Jahr 2020 waren es 12."
    )
    figs = _figures(text)
    by_text = {f.text: f for f in figs}
    assert by_text["drei Verletzte"].attribution == "Polizei"  # a single-clause report too
    injured = [(f.value, f.attribution) for f in figs if f.counts == "injured"]
    assert injured == [(3, "Polizei"), (4, "Rotes Kreuz"), (7, "Rotes Kreuz")]
    # "sechs" refers to the helicopters, which count nothing known: not injured, and dropped
    # as a bare number word; "12" looks past the year to the same helicopters.
    assert "sechs" not in by_text and by_text["12"].counts is None


def test_evacuations_are_counted():
    text = (
        "Etwa 1200 Bewohnerinnen und Bewohner wurden aus ihren Häusern gebracht. "
        "In Passau wurden 300 Menschen evakuiert."
    )
    figs = {f.text: f for f in _figures(text)}
    assert figs["1200 Bewohnerinnen"].counts == "evacuated" and figs["1200 Bewohnerinnen"].approx == "etwa"
    assert figs["300 Menschen"].counts == "evacuated"
    left = {f.text: f.counts for f in _figures("Rund 1.200 Menschen mussten ihre Wohnungen verlassen.")}
    assert left == {"1.200 Menschen": "evacuated"}
    en = {f.text: f.counts for f in _figures("It forced about 1,200 people to leave their homes.", "en")}
    assert en == {"1,200 people": "evacuated"}


def test_number_words_with_a_scale_rates_and_years_before_a_noun():
    text = (
        "Der Bund gibt zehn Milliarden Euro aus. Es kamen 200 Flüchtlinge pro Woche. "
        "Er fuhr 120 Kilometern pro Stunde. 2018 tötete ein Fahrer fünf Menschen. "
        "Die Schulden liegen bei zwei Billionen Dollar."
    )
    figs = {f.text: f for f in _figures(text)}
    assert figs["zehn Milliarden Euro"].value == 10e9 and figs["zehn Milliarden Euro"].counts == "money"
    assert figs["zwei Billionen Dollar"].value == 2e12
    assert figs["200 Flüchtlinge"].counts == "people"  # the week is the rate, not what is counted
    assert figs["120 Kilometern"].counts == "distance"
    assert figs["2018"].counts == "year" and figs["fünf Menschen"].value == 5


def test_reporting_clauses_at_either_end_name_the_source():
    en = "The river forced about 1,200 people to leave, city officials said. Police said two people were hurt."
    figs = {f.text: f for f in _figures(en, "en")}
    assert figs["1,200 people"].attribution == "city officials"
    assert figs["two people"].attribution == "Police" and figs["two people"].counts == "injured"
    de = "Elf Menschen seien umgekommen, teilte die Küstenwache mit."
    (fig,) = _figures(de)
    assert (fig.value, fig.counts, fig.attribution) == (11, "killed", "die Küstenwache")


def test_a_year_before_its_noun_and_a_count_with_an_adjective():
    figs = {f.text: f for f in _figures("2020 kniet ein Polizist. Es kamen 2000 weitere Menschen.")}
    assert figs["2020"].counts == "year"
    assert figs["2000 weitere Menschen"].counts == "people"


def test_a_name_and_the_acronym_in_brackets_after_it_are_one_entity():
    text = ("Berlin - Der Deutsche Wetterdienst (DWD) warnt vor Sturm. Laut DWD drohen Böen. Die "
            "Internationale Atomenergiebehörde (IAEA) prüft die Anlage. Kanzlerin Angela Merkel (CDU) "
            "sagte am Montag, die Lage sei ernst.")
    entities = {e.name: e for e in analyze(read_text(text, lang="de")).entities}
    assert set(entities["Internationale Atomenergiebehörde"].aliases) == {"Internationale Atomenergiebehörde", "IAEA"}
    assert "DWD" in entities["Deutscher Wetterdienst"].aliases
    assert entities["CDU"].aliases == ("CDU",)  # a person's party, not her acronym
    assert entities["Angela Merkel"].type == "PER"
    assert names.entity_key("IAEA", "ORG") != names.entity_key("IAA", "ORG")


def test_a_translated_name_keeps_its_acronym_and_a_city_before_a_party_is_a_place():
    text = ("The Social Democratic Party’s (SPD) expulsion of Thilo Sarrazin is legitimate, a "
            "Berlin SPD arbitration commission has ruled. The Slovenian Railways (SZ) ran late.")
    entities = {e.name: e for e in analyze(read_text(text, lang="en")).entities}
    assert "Social Democratic Party" in entities["SPD"].aliases, entities
    assert "Berlin" in entities and "Berlin SPD" not in entities, entities
    # initials that do not cover the acronym: no link to the paper the alias table files as SZ
    assert not any("Slovenian Railways" in e.aliases for e in entities.values()
                   if e.name == "Süddeutsche Zeitung"), entities


def test_a_one_word_person_listed_with_organisations_is_one():
    labels = mention_labels("Streamingdienste wie Netflix, Hulu und Amazon investieren Milliarden. Zum Links-Lager "
                            "werden neben Gantz' Bündnis Blau-Weiß die Arbeitspartei, Merez und Gescher gezählt.", "de")
    assert labels["Hulu"] == labels["Gescher"] == labels["Merez"] == "ORG"
    # A person named in full keeps the surname a person wherever it is listed.
    labels = mention_labels("Angela Merkel kam. Später unterschrieben Merkel, Siemens und BASF den Vertrag.", "de")
    assert labels["Merkel"] == "PER"


def test_a_name_the_model_cut_after_an_adjective_gets_its_noun_back():
    from storylens.nlp.entities import _with_their_noun

    text = "Zum Lager zählt die Vereinigte Arabische Liste. Deutsche Kinder spielen im Kalten Krieg."
    liste, kinder, krieg = text.index("Vereinigte"), text.index("Deutsche"), text.index("Kalten")
    cut = [(liste, liste + len("Vereinigte Arabische"), "ORG"), (kinder, kinder + len("Deutsche"), "ORG"),
           (krieg, krieg + len("Kalten"), "MISC")]
    got = [text[s:e] for s, e, _ in _with_their_noun(text, cut)]
    assert got == ["Vereinigte Arabische Liste", "Deutsche", "Kalten Krieg"]  # "Kinder": no name's noun


@pytest.mark.parametrize(
    "name, forms, shown",
    [
        ("Viktor Orban", ["Viktor Orbans", "Orbans", "Orban", "Viktor Orban"], ["Viktor Orban", "Orban"]),
        ("Teheran", ["Teherans", "Tehran"], ["Teheran", "Tehran"]),
        ("EVP", ["Europäischen Volkspartei", "Europäische Volkspartei", "EPP"],
         ["EVP", "Europäische Volkspartei", "EPP"]),
        ("Benjamin Netanyahu", ["Benjamin\xa0Netanyahu", "Netanyahu's", "Netanjahu", "Netanyahu"],
         ["Benjamin Netanyahu", "Netanjahu", "Netanyahu"]),
    ],
)
def test_spellings_drop_a_name_in_another_case_and_keep_other_spellings(name, forms, shown):
    assert names.spellings(name, forms) == shown


def entity_ids(text: str, lang: str = "de") -> dict[str, set[str]]:
    """Each mention's text and the entities it is a mention of, in ``text`` analysed as ``lang``."""
    ids: dict[str, set[str]] = {}
    for m in analyze(read_text(text, lang=lang)).mentions:
        ids.setdefault(m.text, set()).add(m.entity_id or "")
    return ids


def test_a_person_named_by_first_name_alone_is_the_person_the_text_named_in_full():
    ids = entity_ids(
        "Ghassem Soleimani wurde in Kerman beigesetzt. Ein Trauernder sagte: „Ghassem hat uns "
        "beschützt.“ Ali Chamenei und Ali Larijani sprachen. „Ali hat recht“, sagte einer. "
        "Thomas Müller und Gerd Thomas kamen. Thomas blieb."
    )
    assert ids["Ghassem"] == ids["Ghassem Soleimani"], ids
    # Two Alis: the first name alone names neither; "Thomas" is also a surname here.
    assert not (ids.get("Ali", set()) & (ids["Ali Chamenei"] | ids["Ali Larijani"])), ids
    assert not (ids.get("Thomas", set()) & ids["Thomas Müller"]), ids


def test_an_acronym_is_not_a_surname_that_folds_alike():
    """"UN" and the last word of "Kim Jong Un" fold alike; the acronym is filed by its letters."""
    ids = entity_ids("Kim Jong Un testet wieder Raketen. Die UN verhängten Sanktionen. Kims "
                     "Schwester drohte.")
    assert not ids["UN"] & ids["Kim Jong Un"], ids
    assert ids["Kims"] == ids["Kim Jong Un"], ids
    assert names.entity_key("EVUs", "ORG") == names.entity_key("EVU", "ORG")
    assert names.entity_key("UN", "ORG") == names.entity_key("Vereinte Nationen", "ORG")


def test_an_entity_is_named_without_the_genitive_the_text_also_drops():
    text = "Walter Meischbergers Anwalt sprach. Meischberger schwieg. Richard Seabrooks Buch erschien."
    art = analyze(read_text(text, lang="de"))
    shown = {e.name for e in art.entities}
    assert "Walter Meischberger" in shown, shown
    assert "Richard Seabrooks" in shown, shown  # no "Seabrook" in the text: the form stays


def test_english_bodies_of_something_are_one_organisation_and_prizes_are_events():
    text = ("Pitt was honoured by the National Board of Review on Tuesday, he told the Hollywood "
            "Reporter after the American Film Institute Awards. Officials of Germany and France met.")
    labels = mention_labels(text, "en")
    assert labels.get("National Board of Review") == "ORG", labels
    assert labels.get("Hollywood Reporter") == "ORG", labels
    assert labels.get("American Film Institute Awards") == "MISC", labels
    assert labels.get("Germany") == labels.get("France") == "LOC", labels  # "of" a country: no body


def test_english_quoted_titles_are_one_name_and_a_quoted_opening_word_none():
    text = ("Pitt played a stunt double in the flick “Once Upon A Time… In Hollywood.” Later he "
            "told Bradley Cooper: “I thought, ‘Wow, I’m actually gonna ruin my life.’” The crowd "
            "chanted “Lock her up” outside the Wyld Hotel. Rita Ora: “I Never Said A Single Word”")
    labels = mention_labels(text, "en")
    assert labels.get("Once Upon A Time… In Hollywood") == "MISC", labels
    assert "I Never Said A Single Word" not in labels, labels  # a colon opens speech, title case or not
    assert "Once Upon" not in labels and "Hollywood" not in labels, labels
    assert "Wow" not in labels, labels  # opens a quotation in single marks
    assert "Lock her up" not in labels, labels  # a slogan in sentence case is no title
    assert labels.get("Bradley Cooper") == "PER", labels
