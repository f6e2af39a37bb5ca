"""The comparison page in a real headless Chromium: it renders, and hostile text stays text."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from storylens.compare import compare
from storylens.ingest import read, read_text
from storylens.report import html as html_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (.ci/run installs it)")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=90,
        )


def test_html_browser_renders_and_keeps_script_inert(tmp_path, examples):
    hostile = read_text(
        "Passau - Auf einer Wand am Donauufer stand <script>document.title='PWNED'</script> "
        "und <img src=x onerror=\"document.title='PWNED'\">. Die Polizei in Passau ermittelt, "
        "sagte ein Sprecher am Dienstag.",
        lang="de",
    )
    page = tmp_path / "cmp.html"
    html_report.write(compare(read(examples / "flood_a.txt"), hostile), page)
    proc = _chromium("--dump-dom", page.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert "<title>storylens:" in dom and "PWNED" not in dom.split("</title>")[0]
    # The hostile markup arrives as visible text, not as elements.
    assert "&lt;script&gt;document.title" in dom
    assert '<img src="x"' not in dom
    assert 'class="verdict' in dom


def test_html_browser_screenshot_of_seed_comparison(tmp_path, seed_comparison):
    page = tmp_path / "seeds.html"
    html_report.write(seed_comparison, page)
    shot = tmp_path / "shot.png"
    proc = _chromium(f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = Path(shot).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a real, non-blank page
