from __future__ import annotations

import json

import pytest

from storylens.errors import InputError
from storylens.ingest import read, read_records, read_text
from storylens.ingest.text import split_metadata

ARTICLE = "Berlin - Der Bundestag hat am Donnerstag ein neues Gesetz zum Mieterschutz beschlossen."


def test_ingest_inline_metadata_is_parsed_off():
    meta, body = split_metadata(" date 2022-01 Nur-Sultan (Reuters) - Text folgt hier.")
    assert meta == {"date": "2022-01"}
    assert body.startswith("Nur-Sultan (Reuters)")


def test_ingest_metadata_lines():
    text = f"title Ein Titel mit Worten\ndate 2026-03-04\nsource Zeitung\nlang de\n{ARTICLE}"
    article = read_text(text)
    assert article.title == "Ein Titel mit Worten"
    assert article.published == "2026-03-04"
    assert article.source == "Zeitung"
    assert article.language == "de"
    assert article.text == ARTICLE


def test_ingest_text_without_metadata_keeps_first_word(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Datenschutz ist wichtig, sagte die Ministerin am Montag in Berlin.", "utf-8")
    assert read(path).text.startswith("Datenschutz")


def test_ingest_same_text_same_id():
    assert read_text(ARTICLE).id == read_text(ARTICLE.replace(" ", "  ")).id
    assert read_text(ARTICLE).id != read_text(ARTICLE + " Mehr.").id


def test_ingest_html_goes_through_extractor(tmp_path):
    paragraphs = "".join(
        f"<p>Absatz {i}: Die Stadtverwaltung von Passau meldete am Dienstag steigende Pegel "
        f"an der Donau und bat die Anwohner, ihre Keller zu räumen.</p>"
        for i in range(6)
    )
    page = (
        "<!doctype html><html><head><title>Flut in Passau</title></head><body>"
        "<nav><a href='/'>Startseite</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>Flut in Passau</h1>{paragraphs}</article>"
        "<footer>Impressum | Datenschutz | Cookie-Einstellungen</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, "utf-8")
    article = read(path)
    assert article.title == "Flut in Passau"
    assert "Stadtverwaltung von Passau" in article.text
    assert "Cookie-Einstellungen" not in article.text


def test_ingest_json_and_jsonl(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"text": ARTICLE, "title": "T", "url": "https://example.org/a"}), "utf-8")
    article = read(one)
    assert article.url == "https://example.org/a" and article.title == "T"
    many = tmp_path / "many.jsonl"
    many.write_text("\n".join(json.dumps({"text": f"{ARTICLE} Nummer {i}."}) for i in range(3)), "utf-8")
    assert len(list(read_records(many))) == 3
    with pytest.raises(InputError, match="3 records"):
        read(many)


def test_ingest_records_take_the_keys_storylens_writes():
    """A record may say "published" and "language", as `stories --json` does; "date" and
    "lang" win where both are given; a wrong type under either name is an error."""
    records = [
        {"text": ARTICLE, "published": "Sat Jan  4 10:00:00 2020", "language": "de"},
        {"text": ARTICLE, "date": "2020-01-05", "published": "2020-01-04", "lang": "en", "language": "de"},
    ]
    first, second = (next(read_records("r.json", json.dumps(r).encode())) for r in records)
    assert (first.published, first.language) == ("2020-01-04", "de")
    assert (second.published, second.language) == ("2020-01-05", "en")
    with pytest.raises(InputError, match="'published'"):
        next(read_records("r.json", json.dumps({"text": ARTICLE, "published": 2020}).encode()))


def test_ingest_latin1_file_is_decoded(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Die Größe der Städte wächst, sagte der Bürgermeister in Köln.".encode("latin-1"))
    assert "Größe" in read(path).text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x00\x01\x02binary\x00" * 50, "binary"),
        (b'{"text": ', "malformed JSON"),
        (b'{"title": "no text here"}', "no 'text' field"),
        (b"kurz", "no article text"),
    ],
)
def test_ingest_bad_input_is_a_one_line_error(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read(path)
    assert message in info.value.message
    assert "\n" not in info.value.message


def test_ingest_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        read(tmp_path)


def test_ingest_huge_file_refused(tmp_path, monkeypatch):
    from storylens import config

    cfg = tmp_path / "config.toml"
    cfg.write_text("[input]\nmax_bytes = 1000\n", "utf-8")
    monkeypatch.setenv("STORYLENS_CONFIG", str(cfg))
    config.settings.cache_clear()
    try:
        path = tmp_path / "big.txt"
        path.write_text(ARTICLE * 100, "utf-8")
        with pytest.raises(InputError, match="above the limit"):
            read(path)
    finally:
        monkeypatch.delenv("STORYLENS_CONFIG")
        config.settings.cache_clear()


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("Sat Jan  4 00:00:00 2020", "2020-01-04"),  # ctime, as in the SemEval pairs
        ("Fri, 07 Jan 2022 10:00:00 +0000", "2022-01-07"),  # RFC 2822, as in feeds
        ("2022-01-07T10:00:00Z", "2022-01-07"),
        ("7. Januar 2022", "2022-01-07"),
        ("07.01.2022", "2022-01-07"),
        ("January 7, 2022", "2022-01-07"),
        ("2022-01", "2022-01"),
        ("Fri Nov 30 00:00:00 0001", None),  # a placeholder year is no date
        ("irgendwann", None),
    ],
)
def test_ingest_record_date_stored_as_iso(raw, iso):
    record = {"text": ARTICLE, "date": raw}
    (article,) = read_records("x.jsonl", json.dumps(record).encode())
    assert article.published == iso
    assert article.meta["date"] == raw  # the raw value is kept


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        # A short first line is what a text without a title line is called.
        ("Orban knüpft Verbleib in EVP an Bedingungen\n\nBudapest. Er ist wohl das Mitglied.",
         "Orban knüpft Verbleib in EVP an Bedingungen"),
        # A single word ("Anzeige") or a long first paragraph is cut from the running text.
        ("Anzeige\n\nRom. Der Papst wird fast jeden Tag umringt.", "Anzeige Rom. Der Papst wird fast jeden Tag …"),
        ("Rom. " + "Der Papst wird fast jeden Tag von Gläubigen umringt. " * 3,
         "Rom. Der Papst wird fast jeden Tag von Gläubigen …"),
    ],
)
def test_headline_of_a_text_without_title(text, headline):
    assert read_text(text).headline(50) == headline
