"""The story page (`storylens story ID --html`) in a real headless Chromium: the timeline, the
figures table with its conflict, relations, entities and quotes render, and hostile article
text stays text."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="chromium not installed (.ci/run installs it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOSTILE = ("Almaty - An der Wand stand <script>document.title='PWNED'</script> und "
           "<img src=x onerror=\"document.title='PWNED'\">. Die Polizei in Almaty ermittelt, "
           "sagte ein Sprecher am Dienstag.")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "storylens", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=180)


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=90)


@pytest.fixture(scope="module")
def page(tmp_path_factory, seed_paths) -> tuple[Path, dict]:
    """The seeds' story page, with a third article carrying hostile markup placed into it."""
    from storylens.model import Article, fingerprint
    from storylens.store import open_store

    root = tmp_path_factory.mktemp("story_page")
    db = root / "s.db"
    proc = _cli("ingest", *map(str, seed_paths), "--db", str(db), "--json")
    assert proc.returncode == 0, proc.stderr
    (story,) = json.loads(_cli("stories", "--db", str(db), "--json").stdout)
    with open_store(db) as store, store.transaction():
        hostile = Article(id=fingerprint(HOSTILE), text=HOSTILE, source="<b>Evil</b> Blatt",
                          title="<script>document.title='PWNED'</script>Kasachstan",
                          published="2022-01-07", url="javascript:alert(1)")
        dim = len(next(store.vectors())[3]) // 4  # float32 story vectors, as ingest stored them
        seq = store.insert_article(hostile, np.ones(dim, np.float32) / np.sqrt(dim), None)
        store.place(seq, story["id"], [], created=False)
    html = root / "story.html"
    proc = _cli("story", story["id"], "--db", str(db), "--json", "--html", str(html))
    assert proc.returncode == 0, proc.stderr
    return html, json.loads(proc.stdout)


def test_story_browser_renders_every_section_and_keeps_markup_inert(page) -> None:
    html, report = page
    proc = _chromium("--dump-dom", html.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert "PWNED" not in dom.split("</title>")[0]
    assert "&lt;script&gt;document.title" in dom and '<img src="x"' not in dom
    assert "<b>Evil</b>" not in dom and "&lt;b&gt;Evil&lt;/b&gt;" in dom
    assert 'href="javascript:' not in dom
    # http(s) article URLs are links (the seeds carry none; a URL of the hostile one is text).
    assert "javascript:alert(1)" in dom
    # Timeline: one dot per article.
    assert '<svg class="timeline"' in dom
    assert len(re.findall(r'<circle class="article-dot"', dom)) == report["size"] == 3
    # Heatmap: one cell per pair of articles, the diagonal at 1.
    assert '<svg class="heatmap"' in dom
    assert len(re.findall(r'<rect class="sim-cell"', dom)) == 3 * 3
    assert [row[i] for i, row in enumerate(report["similarity"]["matrix"])] == [1.0] * 3
    # Figures: the seeds disagree on the death toll's certainty, highlighted as a conflict.
    figures = dom.split('id="figures"')[1].split("</table>")[0]
    assert '<tr class="conflict">' in figures and "killed" in figures
    articles = dom.split('id="articles"')[1].split("</table>")[0]
    assert "only here" in articles and "2.030 Soldaten" in articles and "8000 Personen" in articles
    entities = dom.split('id="entities"')[1].split("</table>")[0]
    assert "Tokajew" in entities or "Tokayev" in entities
    assert 'id="relations"' in dom and 'id="quotes"' in dom
    assert report["quotes_by_speaker"], "the seeds quote speakers"
    # The German translation of the English wire report is recognised as a translation.
    assert any(p["likely_translation_from"] == "en" for p in report["provenance"].values())


def test_story_browser_screenshot_is_not_blank(page, tmp_path) -> None:
    html, _ = page
    shot = tmp_path / "shot.png"
    proc = _chromium(f"--screenshot={shot}", "--window-size=1300,1600", html.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_stories_page_in_the_browser(tmp_path, seed_paths) -> None:
    """`stories --html`: a bar per story on the timeline and a row per story in the table; a
    hostile title stays text."""
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(json.dumps({
        "text": HOSTILE, "title": "<script>document.title='PWNED'</script>Almaty",
        "source": "<b>Evil</b> Blatt", "date": "2022-01-12",
    }) + "\n", "utf-8")
    db, page = tmp_path / "s.db", tmp_path / "stories.html"
    proc = _cli("ingest", *map(str, seed_paths), str(hostile), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    stories = json.loads(_cli("stories", "--db", str(db), "--json").stdout)
    assert _cli("stories", "--db", str(db), "--html", str(page)).returncode == 0
    proc = _chromium("--dump-dom", page.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert "PWNED" not in dom.split("</title>")[0] and "&lt;script&gt;document.title" in dom
    assert "<b>Evil</b>" not in dom
    assert len(re.findall(r'<rect class="story-bar"', dom)) == len(stories) >= 2
    table = dom.split('id="stories"')[1].split("</table>")[0]
    assert table.count("<tr>") == len(stories) + 1
    shot = tmp_path / "shot.png"
    proc = _chromium(f"--screenshot={shot}", "--window-size=1000,700", page.as_uri())
    assert proc.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_story_page_fits_the_window_with_long_addresses(page, tmp_path) -> None:
    """A long article address is shown cut (the whole one is the link's target): the articles
    table, and so the page, stays within a 1280-pixel window, as measured by Chromium's layout."""
    from storylens.report.story import render_html

    _, report = page
    long_url = "https://www.example.org/politik/ausland/2022_01/" + "KasachstanProtesteAlmaty_" * 6 + "bericht.html"
    report = {**report, "articles": [{**a, "url": long_url} for a in report["articles"]]}
    measure = ("<script>document.body.setAttribute('data-overflow', String(document.documentElement.scrollWidth"
               " - window.innerWidth))</script></body>")
    html = tmp_path / "long.html"
    html.write_text(render_html(report).replace("</body>", measure), "utf-8")
    proc = _chromium("--window-size=1280,900", "--dump-dom", html.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    overflow = re.search(r'data-overflow="(-?\d+)"', proc.stdout)
    assert overflow is not None and int(overflow.group(1)) <= 0, overflow
    shown = re.findall(r'href="' + re.escape(long_url) + r'"[^>]*>([^<]*)</a>', proc.stdout)
    assert len(shown) == len(report["articles"]), shown
    assert all(s.startswith("example.org/politik/ausland/") and s.endswith("…") and len(s) <= 48 for s in shown)
