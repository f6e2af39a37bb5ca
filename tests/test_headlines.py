"""The names in headlines that story listings show: German titles through the NER model,
others through the rules (storylens.nlp.headlines)."""

from __future__ import annotations

import re

import pytest

from storylens.nlp import headlines
from storylens.nlp.headlines import headline_names, rule_names


def test_german_titles_are_read_by_the_model_not_by_capitals() -> None:
    titles = [
        "Thüringen: Carsten Linnemann (CDU) gegen jede Zusammenarbeit mit Linkspartei",
        "Böller: Zwei Verletzte in der Silvesternacht",
        "Parlament lässt Whistleblower im Ungewissen",
        "Iran-Konflikt: Trump schaltet sich ein",
    ]
    linnemann, boeller, ungewissen, odyssee = headline_names(titles, ["de"] * 4)
    # The rules take a first name the census lacks for a name, and a capitalised noun phrase too.
    assert "Carsten" in rule_names(titles[0]) and "Ungewissen" in rule_names(titles[2])
    assert {"Thüringen", "Linnemann", "CDU"} <= set(linnemann) and "Carsten" not in linnemann
    assert "Linke" in linnemann, "the party inside 'Linkspartei', under the alias table's name"
    assert boeller == [] and ungewissen == []
    assert set(odyssee) == {"Iran", "Trump"}, "a compound about a name gives the name"


def test_a_word_the_model_left_out_is_kept_only_with_the_models_support(monkeypatch) -> None:
    monkeypatch.setattr(headlines, "_PANDEMIC", re.compile(r"(?!)"))  # the gate alone, not the topic rule
    title = "ROUNDUP/VIRUS: Ströer zieht Prognosen wegen Corona zurück"
    found = headline_names([title], ["de"])[0]
    assert "Ströer" in found and "Corona" in found
    assert not any("ROUNDUP" in n or "VIRUS" in n for n in found), "a ticker tag is no name"
    monkeypatch.setattr(headlines, "RULE_WORD_SUPPORT", 1.01)
    assert "Corona" not in headline_names([title], ["de"])[0]


def test_other_languages_get_the_rules_and_batches_change_nothing() -> None:
    english = "Minnesota Gov. Tim Walz 'Fully Mobilizes' National Guard for The First Time"
    titles = [english, None, "", "Bundeskanzler Kurz trifft in Berlin Amtskollegin Merkel",
              "Donald Trump warns Iran of 'heavy price'"]
    languages = ["en", "de", "de", "de", None]
    together = headline_names(titles, languages)
    assert together[0] == sorted(rule_names(english, english=True))
    assert together[1] == together[2] == []
    assert together[4] == sorted(rule_names(titles[4]))
    assert together == [headline_names([t], [lang])[0] for t, lang in zip(titles, languages, strict=True)]


@pytest.mark.parametrize("title", ["„Knives Out – Mord ist Familiensache“",
                                   "The Voice of Germany: Wird Thore Schölermann allein moderieren?"])
def test_names_are_names_not_phrases(title: str) -> None:
    found = headline_names([title], ["de"])[0]
    assert found and all(len(n.split()) <= 4 for n in found)
    assert not any(w[0].islower() and w not in ("of", "and") for n in found for w in n.split())


def test_a_whole_text_given_as_title_is_read_without_failing() -> None:
    title = "Merkel trifft Macron in Paris " + "und redet weiter " * 400
    (found,) = headline_names([title], ["de"])
    assert {"Merkel", "Macron", "Paris"} <= set(found)


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_name_of_the_pandemic_is_one_name_in_listings(language) -> None:
    titles = ["Corona-Krise: Kurzarbeit nimmt zu", "Coronavirus: Israel setzt Überwachung ein",
              "Fast 3.800 Covid-19-Fälle in Deutschland", "Österreich in Zeiten der Coronakrise",
              "German coalition agrees on plan amid COVID-19 crisis", "Italienische Corona-Patienten in Halle"]
    found = headline_names(titles, [language] * len(titles))
    assert all(names_of[0] == headlines.PANDEMIC_NAME for names_of in found), found
    assert not any(n != headlines.PANDEMIC_NAME and re.search(r"(?i)corona|covid", n)
                   for names_of in found for n in names_of), found
    assert "Israel" in found[1] and "Deutschland" in found[2]
    assert headlines.PANDEMIC_NAME not in headline_names(["Coronation of King Charles"], [language])[0]


def test_languages_and_compound_parts_written_once_are_no_names() -> None:
    titles = ["Unterricht auf Türkisch, Bosnisch/Kroatisch/Serbisch und Albanisch",
              "Wegen Wind Einzl- statt Mannschaftskonkurrenz in Norwegen", "CDU- und CSU-Politiker streiten"]
    languages, einzel, parties = headline_names(titles, ["de"] * 3)
    assert not any(n.endswith("isch") for n in languages), languages
    assert einzel == ["Norwegen"] and set(parties) == {"CDU", "CSU"}


def test_a_prefix_before_a_hyphen_is_no_name() -> None:
    fire, deal, demo = headline_names(["Buschfeuer in Australien bilden „Mega-Brand“ – Wetter kühlt ab",
                                       "Mega-Deal: Bayer kauft Monsanto", "Anti-Merkel-Demo in Dresden"],
                                      ["de"] * 3)
    assert fire == ["Australien"] and deal == ["Bayer", "Monsanto"], (fire, deal)
    assert set(demo) == {"Merkel", "Dresden"}, demo


def test_an_adverb_or_pronoun_that_opens_a_quote_is_no_name() -> None:
    clean, deshalb = headline_names(['"Seinetwegen bin ich clean": Cooper half Pitt im Kampf',
                                     "„Deshalb bleibe ich“: Merkel über ihre Zukunft"], ["de"] * 2)
    assert clean == ["Cooper", "Pitt"] and deshalb == ["Merkel"], (clean, deshalb)
    assert "Seinetwegen" not in rule_names('"Seinetwegen bin ich clean": Cooper half Pitt')
    assert "Frank" in rule_names("Frank: Die Lage ist ernst"), "a name that is also a word stays"


def test_an_untitled_opening_loses_a_first_name_its_cut_parted_from_the_surname() -> None:
    from storylens.cluster.pipeline import _listed_opening, story_label
    from storylens.model import Article

    text = ("Elfter Weltcupsieg für die Titelverteidigerin – Pinkelnig Dritte. Nischnij Tagil – "
            "Daniela Iraschko-Stolz hat am Sonntag das Springen gewonnen.")
    article = Article(id="x", text=text, language="de")
    assert story_label(article).endswith("Daniela …")
    assert not _listed_opening(article).endswith("Daniela")
    assert "Daniela" not in headline_names([_listed_opening(article)], ["de"])[0]
    both = Article(id="y", text="Der Parteitag in Iowa beginnt am Montag, und wieder steht im Mittelpunkt der "
                                "Woche: Hillary Clinton mit ihrer Kampagne.", language="de")
    assert story_label(both).endswith("Hillary Clinton …")
    assert _listed_opening(both) == story_label(both)  # Clinton is a first name too, after Hillary


def test_english_titles_keep_a_surname_that_is_a_word_and_drop_contractions() -> None:
    mercury, italy, bill = headline_names(
        ["Freddie Mercury may have been 'cultured' but he was also 'extremely ordinary'",
         "Don't treat Italy like a leper colony says foreign minister",
         "Bill Passes Senate After Long Debate"], ["en"] * 3)
    assert mercury == ["Mercury"], "after a first name, in a title that capitalises only names"
    assert "Don" not in italy and "Italien" in italy
    assert "Passes" not in bill, "in title case a first name's neighbour is no surname for that"


def test_listings_name_a_genitive_by_its_name_and_keep_names_that_end_in_s() -> None:
    titles = ["Erdogans Regierung setzt Bürgermeister ab", "Chelseas Krisentruppe verliert gegen Porto",
              "Paris trauert um die Opfer", "Tsipras warnt Brüssel vor neuen Auflagen"]
    erdogan, chelsea, paris, tsipras = headline_names(titles, ["de"] * 4)
    assert erdogan == ["Erdogan"] and "Chelsea" in chelsea
    assert paris == ["Paris"] and "Tsipras" in tsipras  # HanTa alone would give "Tsipra"


def test_listings_drop_the_noun_that_says_what_a_name_is_and_words_derived_from_names() -> None:
    titles = ["Anschlag nahe Großsiedlung Ariel im Westjordanland", "Niederösterreicher Weiss gewinnt die Abfahrt",
              "Altstar Jaromir Jagr trifft wieder", "Norwegischer Doppelsieg in Beaver Creek",
              "Eintracht Frankfurt verliert in Bremen", "Hamburger SV entlässt Trainer"]
    ariel, weiss, jagr, beaver, eintracht, hsv = headline_names(titles, ["de"] * len(titles))
    assert "Ariel" in ariel and not any("Großsiedlung" in n for n in ariel)
    assert weiss == ["Weiss"] and jagr == ["Jagr"] and beaver == ["Beaver Creek"]
    assert "Eintracht Frankfurt" in eintracht and hsv == ["Hamburger SV"]  # the first word is the name's own


def test_listings_give_a_name_that_begins_with_an_adjective_in_the_nominative() -> None:
    titles = ["Gedenken an die Opfer des Zweiten Weltkriegs in Moskau",
              "Kritik an der Schweizerischen Nationalbank wächst"]
    war, bank = headline_names(titles, ["de"] * 2)
    assert "Zweiter Weltkrieg" in war and "Moskau" in war
    assert bank == ["Schweizerische Nationalbank"]


def test_an_english_title_word_that_is_a_surname_and_a_word_is_a_name_only_as_the_text_writes_it() -> None:
    title = "May Day Protests Grow as Trump Faces Stone Verdict"
    text = ("Protests grow across the country. On Friday President Donald Trump said the verdict "
            "on his adviser Roger Stone was unfair.")
    assert {"Trump", "Stone"} <= rule_names(title, english=True, text=text)
    assert not {"Grow", "Day"} & rule_names(title, english=True, text=text)
    # Without the text the title alone cannot tell, and the words stay.
    assert "Grow" in rule_names(title, english=True)
    [listed] = headline_names([title], ["en"], [text])
    assert "Grow" not in listed and "Stone" in listed
