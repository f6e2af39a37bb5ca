"""Boilerplate sentences: shared by the leads of unrelated articles, left out of what is
embedded for clustering; the sentences wire copies share are kept."""

from __future__ import annotations

from collections.abc import Sequence

from storylens.cluster.boilerplate import BoilerplateFilter, sentence_key

DISCLAIMER = ("Der Volltext dieses auf Agenturmeldungen basierenden Artikels steht aus "
              "rechtlichen Gründen nicht mehr zur Verfügung.")


class Table:
    """The store's side: (sentence, context) rows, written when a chunk commits."""

    def __init__(self) -> None:
        self.rows: set[tuple[int, str]] = set()

    def contexts(self, keys: Sequence[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for key, context in sorted(self.rows):
            if key in keys:
                out.setdefault(key, []).append(context)
        return out


def run(table: Table, filt: BoilerplateFilter, texts: list[str], commit: bool = True) -> list[str]:
    leads, chunk = filt.strip([(None, t) for t in texts])
    if commit:
        table.rows.update(chunk)
    filt.settle(chunk)
    return [text for _, text in leads]


def teaser(i: int) -> str:
    topics = ["Gefangenenlager Guantanamo", "Umfrage zum Brexit", "Einreisen nach Griechenland",
              "Explosion in Istanbul", "Maggi-Nudeln aus dem Handel", "Streamingdienst wächst"]
    return f"Meldung {i}: Neues zum Thema {topics[i]} am Abend des Tages {i}."


def test_a_sentence_in_the_leads_of_unrelated_articles_is_left_out_from_the_third_on() -> None:
    table = Table()
    filt = BoilerplateFilter(table.contexts, after=3, sentences=6, chars=1200)
    out = [run(table, filt, [f"{teaser(i)} {DISCLAIMER}"])[0] for i in range(5)]
    assert [DISCLAIMER in text for text in out] == [True, True, False, False, False]
    assert out[3] == teaser(3)  # the rest of the lead stays as it was
    # Rows stop at `after` contexts per sentence: the store does not grow with the boilerplate.
    assert sum(1 for key, _ in table.rows if key == sentence_key(DISCLAIMER)) == 3


def test_articles_of_one_chunk_count_for_each_other_and_a_rolled_back_chunk_for_none() -> None:
    table = Table()
    filt = BoilerplateFilter(table.contexts, after=3, sentences=6, chars=1200)
    texts = [f"{teaser(i)} {DISCLAIMER}" for i in range(3)]
    assert run(table, filt, texts[:2], commit=False) == texts[:2]
    assert not table.rows  # rolled back: nothing pending either
    out = run(table, filt, texts)
    assert [DISCLAIMER in text for text in out] == [True, True, False]


def test_wire_copies_keep_the_sentences_they_share() -> None:
    """Five outlets run one report, each changing or adding a sentence of its own: each shared
    sentence stands in five leads, but its contexts overlap, so nothing is boilerplate."""
    report = [f"Satz {j} des Berichts über das Hochwasser an der Donau bei Passau." for j in range(5)]
    table = Table()
    filt = BoilerplateFilter(table.contexts, after=3, sentences=6, chars=1200)
    for outlet in range(5):
        copy = list(report)
        copy[outlet] = f"Eigener Satz der Zeitung Nummer {outlet} zur Lage in der Stadt."
        copy.insert(2, f"Ergänzung {outlet}: Die Feuerwehr war mit vielen Kräften im Einsatz.")
        text = " ".join(copy)
        assert run(table, filt, [text]) == [text]


def test_a_sentence_shared_by_two_articles_only_stays() -> None:
    table = Table()
    filt = BoilerplateFilter(table.contexts, after=3, sentences=6, chars=1200)
    texts = [f"{teaser(i)} {DISCLAIMER}" for i in range(2)]
    assert run(table, filt, texts) == texts


def test_a_lead_of_the_sentence_alone_tells_nothing() -> None:
    """An untitled article of the disclaimer alone has no other sentence to compare: it neither
    counts towards boilerplate nor leaves a row the store could not hold twice."""
    table = Table()
    filt = BoilerplateFilter(table.contexts, after=3, sentences=6, chars=1200)
    for _ in range(4):
        assert run(table, filt, [DISCLAIMER]) == [DISCLAIMER]
    assert not table.rows


def test_off_keeps_every_sentence() -> None:
    table = Table()
    filt = BoilerplateFilter(table.contexts, after=0, sentences=6, chars=1200)
    texts = [f"{teaser(i)} {DISCLAIMER}" for i in range(5)]
    assert run(table, filt, texts) == texts and not table.rows
