"""`storylens score-pairs` as a user meets it: real subprocesses, exit codes, the JSONL contract.

The few pairs here were written for these tests; the real pairs are read from
../shared/data/semeval-dev (never copied into the repo).
"""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import islice
from pathlib import Path

import numpy as np
import pytest
from cli_checks import one_line_error
from conftest import SHARED

REPO = Path(__file__).resolve().parents[1]
SEMEVAL = SHARED / "data" / "semeval-dev" / "pairs.jsonl"
KEYS = ["pair_id", "overall", "geography", "entities", "time", "narrative", "style", "tone"]

FIRE_DE = (
    "In der Hamburger Speicherstadt ist in der Nacht zum Samstag ein Großbrand ausgebrochen. "
    "Mehr als 150 Feuerwehrleute kämpften stundenlang gegen die Flammen in einem Lagerhaus. "
    "Verletzt wurde nach Angaben der Polizei niemand, die Ursache des Feuers ist noch unklar. "
    "Anwohner wurden aufgefordert, wegen des Rauchs Fenster und Türen geschlossen zu halten."
)
FIRE_EN = (
    "A major fire broke out overnight into Saturday in Hamburg's historic Speicherstadt. "
    "More than 150 firefighters battled the flames in a warehouse for hours. "
    "According to police nobody was injured, and the cause of the fire is still unclear. "
    "Residents were told to keep windows and doors closed because of the smoke."
)
MARKET_DE = (
    "Der Deutsche Aktienindex hat am Freitag deutlich zugelegt und ein neues Rekordhoch erreicht. "
    "Vor allem Autowerte und Chemiekonzerne waren bei den Anlegern gefragt. "
    "Händler verwiesen auf gute Quartalszahlen und sinkende Zinserwartungen in den USA. "
    "Der Euro notierte etwas fester bei knapp 1,09 Dollar."
)


def run(*args: str, stdin: str | None = None, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylens", "score-pairs", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _line(pair_id: str, text1: str, text2: str, **extra: str) -> str:
    return json.dumps({"pair_id": pair_id, "text1": text1, "text2": text2, **extra}, ensure_ascii=False)


def _records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]



@pytest.fixture(scope="module")
def own_pairs(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pairs") / "pairs.jsonl"
    lines = [
        _line("fire-xl", FIRE_DE, FIRE_EN, lang1="de", lang2="en", title1="Großbrand in Hamburg"),
        "",  # blank lines are skipped, not scored
        _line("fire-market", FIRE_DE, MARKET_DE),
        _line("fire-self", FIRE_DE, FIRE_DE, date1="2023-05-06", date2="2023-05-06"),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("mode", ["precise", "fast"])
def test_cli_pairs_scores_follow_the_contract(own_pairs, mode: str) -> None:
    proc = run(str(own_pairs), *(["--fast"] if mode == "fast" else []))
    assert proc.returncode == 0, proc.stderr
    records = _records(proc.stdout)
    assert [r["pair_id"] for r in records] == ["fire-xl", "fire-market", "fire-self"]
    for record in records:
        assert list(record) == KEYS
        assert all(isinstance(record[k], float) and 1.0 <= record[k] <= 4.0 for k in KEYS[1:])
    by_id = {r["pair_id"]: r for r in records}
    # A translation is one story, a market report another, whichever scorer reads them.
    assert by_id["fire-xl"]["overall"] <= 1.8
    assert by_id["fire-self"]["overall"] <= 1.5
    assert by_id["fire-market"]["overall"] >= 3.0
    # The progress bar goes to stderr with the count and the rate; stdout holds only JSONL.
    assert "3/3" in proc.stderr and "pairs/s" in proc.stderr


def test_cli_pairs_evidence_adds_the_call_and_its_reasons(own_pairs) -> None:
    plain = run(str(own_pairs), "--fast", "-q")
    rich = run(str(own_pairs), "--fast", "--evidence", "--workers", "2", "-q")
    assert plain.returncode == 0 and rich.returncode == 0, plain.stderr + rich.stderr
    for base, record in zip(_records(plain.stdout), _records(rich.stdout), strict=True):
        assert list(record) == [*KEYS, "same_story", "confidence", "evidence"]
        assert {k: record[k] for k in KEYS} == base
    by_id = {r["pair_id"]: r for r in _records(rich.stdout)}
    assert by_id["fire-xl"]["same_story"] is True and by_id["fire-market"]["same_story"] is False
    evidence = by_id["fire-xl"]["evidence"]
    assert evidence["scorer"] == "fast" and "overall" in evidence["contributions"]
    assert "150" in evidence["shared_numbers"]
    assert "Speicherstadt" in evidence["shared_names"]


def test_cli_pairs_out_file_and_stdin(own_pairs, tmp_path) -> None:
    out = tmp_path / "scores.jsonl"
    proc = run("-", "--out", str(out), "--fast", stdin=own_pairs.read_text(encoding="utf-8"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert [r["pair_id"] for r in _records(out.read_text(encoding="utf-8"))] == [
        "fire-xl",
        "fire-market",
        "fire-self",
    ]


def test_cli_pairs_worker_processes_keep_order_and_scores(own_pairs, tmp_path) -> None:
    # 40 batches' worth would be slow; a few pairs repeated across 3 batches exercise the
    # in-order merge of results from two processes all the same.
    lines = [line for line in own_pairs.read_text(encoding="utf-8").splitlines() if line]
    many = tmp_path / "many.jsonl"
    records = [json.loads(line) for line in lines]
    many.write_text(
        "".join(
            json.dumps({**records[i % len(records)], "pair_id": f"p{i}"}, ensure_ascii=False) + "\n"
            for i in range(70)
        ),
        encoding="utf-8",
    )
    one = run(str(many), "--fast", "--workers", "1", "-q")
    two = run(str(many), "--fast", "--workers", "2", "-q")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert two.stdout == one.stdout
    assert [r["pair_id"] for r in _records(two.stdout)] == [f"p{i}" for i in range(70)]


@pytest.mark.parametrize(
    ("bad", "needles"),
    [
        ("{not json", ("line 3", "not valid JSON")),
        ('["a", "b"]', ("line 3", "expected a JSON object")),
        ('{"pair_id": "x", "text1": "Ein Text."}', ("line 3", "missing field(s) text2")),
        ('{"pair_id": "x", "text1": "Ein Text.", "text2": 7}', ("line 3", "'text2' must be a string")),
    ],
)
def test_cli_pairs_malformed_line_is_a_one_line_error(tmp_path, bad: str, needles) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(_line("ok", FIRE_DE, MARKET_DE) + "\n\n" + bad + "\n" + _line("late", FIRE_DE, FIRE_EN) + "\n")
    out = tmp_path / "scores.jsonl"
    proc = run(str(path), "--out", str(out))
    one_line_error(proc, str(path), *needles)
    # The whole file is checked before any scoring: nothing half-written is left behind.
    assert not out.exists() or out.read_text() == ""


def test_cli_pairs_malformed_stdin_keeps_the_pairs_before_it() -> None:
    stdin = _line("ok", FIRE_DE, MARKET_DE) + "\n{oops\n"
    proc = run("-", "--fast", stdin=stdin)
    one_line_error(proc, "line 2", "not valid JSON")
    assert [r["pair_id"] for r in _records(proc.stdout)] == ["ok"]


def test_cli_pairs_unreadable_input(tmp_path) -> None:
    one_line_error(run(str(tmp_path / "missing.jsonl")), "missing.jsonl")
    binary = tmp_path / "latin1.jsonl"
    binary.write_bytes(_line("x", "Straße", "Grüße").encode("latin-1") + b"\n")
    one_line_error(run(str(binary)), "not UTF-8")


def test_cli_pairs_bad_usage_exits_2() -> None:
    assert run().returncode == 2
    assert run("a.jsonl", "--no-such-option").returncode == 2


def test_cli_pairs_real_semeval_pairs_track_gold(tmp_path) -> None:
    """Real German-German and German-English pairs (stratified sample; in the training data,
    so this is a regression gate, not the cross-validated figure in benchmarks/)."""
    with open(SEMEVAL, encoding="utf-8") as f:
        rows = [json.loads(line) for line in islice(f, 0, 175, 5)]  # every 5th: 35 pairs
    inputs = tmp_path / "semeval.jsonl"
    inputs.write_text(
        "".join(json.dumps({k: v for k, v in r.items() if k != "gold"}) + "\n" for r in rows),
        encoding="utf-8",
    )
    proc = run(str(inputs), "--fast")
    assert proc.returncode == 0, proc.stderr
    records = _records(proc.stdout)
    assert [r["pair_id"] for r in records] == [r["pair_id"] for r in rows]
    assert {(r["lang1"], r["lang2"]) for r in rows} == {("de", "de"), ("de", "en")}
    pred = np.array([r["overall"] for r in records])
    gold = np.array([r["gold"]["Overall"] for r in rows])
    assert np.corrcoef(pred, gold)[0, 1] >= 0.7
