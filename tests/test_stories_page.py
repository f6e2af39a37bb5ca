"""The stories overview page: which stories the timeline draws, and where."""

from __future__ import annotations

import re
from datetime import date

from storylens.report import stories_page, story


def _story(i: int, size: int, first: str | None, last: str | None) -> dict:
    return {"id": f"s{i:03d}", "size": size, "first_seen": first, "last_seen": last,
            "label": f"Story {i}", "sources": [], "top_entities": []}


def test_the_chart_draws_the_largest_stories_and_the_table_lists_all():
    stories = [_story(i, 1 + i % 7, f"2022-01-{1 + i % 28:02d}", f"2022-02-{1 + i % 28:02d}")
               for i in range(100)]
    html = stories_page.render_html(stories)
    drawn = re.findall(r'data-story="(s\d+)"', html)
    assert len(drawn) == stories_page.CHART_STORIES == 80
    smallest_drawn = min(s["size"] for s in stories if s["id"] in drawn)
    assert all(s["size"] <= smallest_drawn for s in stories if s["id"] not in drawn)
    assert "The 80 largest of 100 stories" in html
    assert all(f"<code>{s['id']}</code>" in html for s in stories)


def test_bars_run_from_first_to_last_seen_on_one_axis():
    stories = [_story(1, 3, "2022-01-01", "2022-01-31"), _story(2, 2, "2022-01-16", "2022-01-16"),
               _story(3, 2, "2022-01", "2022-01")]  # a month only: its first day
    html = stories_page.render_html(stories)
    bars = {m[2]: (float(m[0]), float(m[1])) for m in
            re.findall(r'x="([\d.]+)" y="\d+" width="([\d.]+)"[^>]*data-story="(s\d+)"', html)}
    (x1, w1), (x2, w2), (x3, _) = bars["s001"], bars["s002"], bars["s003"]
    assert x3 == x1 < x2 < x1 + w1 and w2 < w1 / 10
    assert abs((x2 - x1) / w1 - 15 / 31) < 0.05  # the 16th sits half-way through January
    ticks = re.findall(r">(\d{4}-\d\d-\d\d)</text>", html)
    assert ticks[0] == "2022-01-01" and ticks[-1] == "2022-01-31"
    assert story.iso_day("2022-01-07T10:00:00") == date(2022, 1, 7)
    assert "No story has a date" in stories_page.render_html([_story(1, 2, None, None)])
    assert "No stories to show" in stories_page.render_html([])


def test_labels_stay_inside_the_chart_when_every_story_spans_the_axis():
    """Stories of one day (an ingest of undated articles) each span the whole axis: the labels
    go inside the bars, not past the chart's right edge where they were cut off."""
    def labels(stories):
        html = stories_page.render_html(stories)
        found = re.findall(r'<text x="([\d.]+)"([^>]*)>(\d+ · [^<]+)</text>', html)
        for x, attributes, text in found:
            end = 'text-anchor="end"' in attributes
            right = float(x) if end else float(x) + len(text) * stories_page.CHAR_WIDTH
            assert not end or float(x) - len(text) * stories_page.CHAR_WIDTH >= 0, (x, text)
            assert right <= stories_page.CHART_WIDTH, (x, text)
        return found, html.count('class="inside"')

    found, inside = labels([_story(i, 2 + i % 3, "2022-01-07", "2022-01-07") for i in range(5)])
    assert len(found) == 5 and inside == 5
    # Short bars keep their labels beside them.
    found, inside = labels([_story(1, 3, "2022-01-01", "2022-01-31"), _story(2, 2, "2022-01-02", "2022-01-02"),
                            _story(3, 2, "2022-01-30", "2022-01-30")])
    assert len(found) == 3 and inside == 1  # the month-long bar has no room beside it


def test_title_terms_leave_out_common_nouns_and_capitalised_openers():
    from storylens.report.story import title_terms

    titles = ["Hochwasser in Passau: Keine Entwarnung für die Donau",
              "Schwacher Auftakt: Passau und die Donau-Flut", "Keine Lockerungen, sagt Laschet"]
    terms = title_terms(titles)
    # "Donau-Flut" is about the Donau: it counts for the Donau, as often as Passau.
    assert terms[:2] == ["Donau", "Passau"] and "Laschet" in terms and "Donau-Flut" not in terms
    assert not {"Hochwasser", "Keine", "Schwacher", "Entwarnung", "Auftakt"} & set(terms)


def test_title_terms_name_people_places_and_spellings_once():
    from storylens.report.story import source_of, title_terms

    titles = ["POL-OL: Trump warnt Netanyahu", "Donald Trump trifft Netanjahu in New York",
              "Netanjahus Likud vorn; Kramp-Karrenbauer und Michael Jordan in New York"]
    terms = title_terms(titles, n=8)
    assert terms[:3] == ["Netanjahu", "New York", "Trump"], terms  # 3, 2, 2 titles
    assert "Kramp-Karrenbauer" in terms and "Jordan" in terms  # not Jordanien
    assert not {"Donald", "Michael", "POL-OL", "POL", "York", "Netanjahus", "Kramp"} & set(terms)
    # An archived copy is the original site's article.
    url = "https://web.archive.org/web/20200102195404id_/https://www.rnd.de/politik/x.html"
    assert source_of({"url": url}) == "rnd.de"


def test_title_terms_show_a_name_that_opens_a_longer_one_under_the_longer_name():
    from storylens.report.story import title_terms

    found = [["Bayern", "Kane"], ["Bayern München", "BVB"], ["Bayern"], ["Alternative für Deutschland"],
             ["Deutschland"]]
    terms = title_terms([""] * len(found), n=8, found=found)
    assert terms[0] == "Bayern München" and "Bayern" not in terms, terms  # three titles
    assert {"Alternative für Deutschland", "Deutschland"} <= set(terms)  # a last word stays apart
    # Two longer names open with the same word: which one a "Borussia" means is not known.
    found = [["Borussia"], ["Borussia Dortmund"], ["Borussia Mönchengladbach"]]
    assert set(title_terms([""] * 3, found=found)) == {"Borussia", "Borussia Dortmund", "Borussia Mönchengladbach"}


def test_title_terms_of_english_headlines_keep_names_not_capitalised_words():
    from storylens.report.story import title_terms

    titles = ["William Barr -- Trump Acknowledges Tweet Complaint",
              "Hungary's Orban Mulls New EU Movement if His Party Exits EPP",
              "Dust storms batter Australia as Austrian critics question Amazon"]
    terms = set(title_terms(titles, n=20, languages=["en"] * 3))
    assert {"Trump", "Barr", "Orban", "Australien", "Amazon"} <= terms, terms
    assert not {"Acknowledges", "Tweet", "Complaint", "Mulls", "Movement", "His", "Exits", "Dust",
                "Austrian", "Party"} & terms, terms
    # The same words in a German title are left to the German rules: "Dust" is no German word.
    assert "Dust" in title_terms(["Dust über Berlin"], languages=["de"])
    # Openers of quotes and German compounds of a derived noun are no names either.
    german = ["Preisler: «Inzwischen kann ich wieder atmen»", "Tesla ändert Genehmigungsantrag"]
    assert set(title_terms(german, n=9)) == {"Preisler", "Tesla"}


def test_title_terms_keep_spa_towns_whole_and_skip_ticker_openers_offices_and_colour_words():
    from storylens.report.story import title_terms

    german = ["Einsätze in Bad Zwischenahn +++ Betrunkener sucht Freundin in Widnau +++",
              "Österreich: Schwarz-grün regiert, Corona-bedingt verschoben"]
    terms = set(title_terms(german, n=9, languages=["de", "de"]))
    assert terms == {"Bad Zwischenahn", "Widnau", "Österreich", "Coronavirus"}, terms
    english = ["Minnesota Gov. Tim Walz mobilizes National Guard", "Bad News for Trump", "Merz wins. What next"]
    terms = set(title_terms(english, n=9, languages=["en"] * 3))
    assert {"Minnesota", "Walz", "Trump", "Merz"} <= terms and not {"Gov", "Bad", "Bad News"} & terms, terms


def test_stories_dated_only_by_ingest_leave_the_axis_to_published_ones():
    def story(i: int, day: str, published: str | None) -> dict:
        return {**_story(i, 2, day, day), "articles": [{"id": f"a{i}", "published": published}] * 2}

    archive = [story(1, "2020-01-03", "2020-01-03"), story(2, "2020-01-20", "2020-01-20"),
               story(3, "2026-11-24", None)]  # no publication date: the day it was ingested
    html = stories_page.render_html(archive)
    assert re.findall(r'data-story="(s\d+)"', html) == ["s001", "s002"]
    ticks = re.findall(r">(\d{4}-\d\d-\d\d)</text>", html)
    assert ticks[0] == "2020-01-03" and ticks[-1] == "2020-01-20"  # not stretched to 2026
    assert "1 story without a publication date is in the table only" in html
    assert "<td>2026-11-24 (ingested)</td>" in html and "<td>2020-01-03</td>" in html
    # Where no article is dated, the bars are the ingest days, and the page says so.
    undated = stories_page.render_html([story(3, "2026-11-24", None)])
    assert 'data-story="s003"' in undated and "the bars show when the articles were ingested" in undated
