"""Opening stores defensively, and the stories CLI's input checks: files that are not stores are
refused in one line and left as they were, read-only stores can be read, a failed first ingest
leaves nothing behind, and option values are checked. Real SQLite files throughout."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from storylens.errors import Code, StorylensError
from storylens.model import Article, Sentence, fingerprint
from storylens.store import SQLiteStore, StoreError, open_store

REPO = Path(__file__).resolve().parents[1]
FLOOD = "Hochwasser in Passau: Die Donau erreichte am Montag einen Pegel von 9,80 Metern, sagte ein Sprecher der Stadt."
MATCH = "Bayern schlägt Dortmund mit 3:1. Harry Kane traf doppelt, teilte der Verein in München mit."


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "storylens", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=180, env=env)


def one_line_error(proc: subprocess.CompletedProcess[str], code: str) -> str:
    """The failed command's stderr, asserted to be exactly one `error: [code] ...` line."""
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert proc.stderr.startswith(f"error: [{code}]") and proc.stderr.count("\n") == 1, proc.stderr
    return proc.stderr


def make_store(path: Path, extra: int = 0) -> Path:
    """Two stories (2 flood articles from June 2026, 1 match report from May 2026) plus
    ``extra`` filler articles in a third story (to make the file many pages long)."""
    rows = [("s-flood", FLOOD, "2026-06-01", "Passau Donau Pegel"),
            ("s-flood", FLOOD + " Mehr dazu später.", "2026-06-03", "Donau Passau Flut"),
            ("s-match", MATCH, "2026-05-02", "Kane Bayern Sieg")]
    rows += [("s-filler", f"Meldung {i}: " + "Text " * 200, "2026-04-01", f"Meldung {i}")
             for i in range(extra)]
    with open_store(path) as store:
        for story_id, text, day, title in rows:
            article = Article(id=fingerprint(text), text=text, title=title, published=day,
                              source=f"Quelle {len(title)}")
            with store.transaction():
                seq = store.insert_article(article, np.ones(8, np.float32), None)
                store.place(seq, story_id, [], created=store.story_row(story_id) is None,
                            label=title)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def store_db(tmp_path_factory) -> Path:
    return make_store(tmp_path_factory.mktemp("hardening") / "s.db")


# -- files that are not stores -----------------------------------------------------------------


def _text(path: Path) -> None:
    path.write_text("just some notes\nnot a database\n")


def _binary(path: Path) -> None:
    path.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 40)


def _foreign(path: Path) -> None:
    with sqlite3.connect(path) as db:  # another program's database, in rollback-journal mode
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        db.execute("INSERT INTO notes (body) VALUES ('keep me')")
    db.close()


def _similar(path: Path) -> None:
    with sqlite3.connect(path) as db:  # tables named like ours, with other columns
        db.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, headline TEXT)")
        db.execute("CREATE TABLE stories (id INTEGER PRIMARY KEY)")
    db.close()


def _truncated(path: Path) -> None:
    make_store(path, extra=120)
    data = path.read_bytes()
    assert len(data) > 100_000
    path.write_bytes(data[: len(data) // 3])


def _corrupt(path: Path) -> None:
    """A store of the right size whose pages after the schema are overwritten: it opens, and
    fails only when its articles are read."""
    make_store(path, extra=120)
    data = bytearray(path.read_bytes())
    data[4096 * 3 : -4096] = b"\xff" * (len(data) - 4096 * 4)
    path.write_bytes(bytes(data))


NOT_STORES = {"text": (_text, "file is not a database"), "binary": (_binary, "file is not a database"),
              "foreign": (_foreign, "not a storylens store"), "similar": (_similar, "not a storylens store"),
              "truncated": (_truncated, "malformed"), "corrupt": (_corrupt, "malformed")}


def _files(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("kind", sorted(NOT_STORES))
@pytest.mark.parametrize("create", [False, True])
def test_files_that_are_not_stores_are_refused_and_untouched(tmp_path, kind, create) -> None:
    make, reason = NOT_STORES[kind]
    path = tmp_path / "x.db"
    make(path)
    before = _files(tmp_path)
    with pytest.raises(StoreError) as err, open_store(path, create=create) as store:
        store.assignments()  # a truncated file may pass the schema probe; reading it fails
    assert err.value.code is Code.E019 and reason in str(err.value) and "\n" not in str(err.value)
    assert _files(tmp_path) == before, "the file (or what lies beside it) was changed"
    if kind == "foreign":
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["notes"]
        db.close()


def test_folders_empty_files_and_missing_folders(tmp_path) -> None:
    with pytest.raises(StoreError, match=r"E019.*it is a folder"):
        open_store(tmp_path, create=True)
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(StoreError, match=r"E019.*empty, not a storylens store"):
        open_store(empty, create=False)
    assert empty.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]
    with open_store(empty) as store:  # an ingest may make an empty file its store
        assert store.count() == 0 and not store.created
    with pytest.raises(StorylensError, match=r"E014.*Folder not found"):
        open_store(tmp_path / "no" / "such" / "x.db")
    assert not (tmp_path / "no").exists()


def test_cli_refuses_bad_stores_in_one_line(tmp_path, store_db) -> None:
    text, foreign, empty = tmp_path / "notes.txt", tmp_path / "other.sqlite", tmp_path / "empty"
    _text(text)
    _foreign(foreign)
    empty.write_bytes(b"")
    before = _files(tmp_path)
    assert "file is not a database" in one_line_error(run("stories", "--db", str(text)), "E019")
    assert "not a storylens store" in one_line_error(run("stories", "--db", str(foreign)), "E019")
    assert "empty" in one_line_error(run("story", "s-flood", "--db", str(empty)), "E019")
    assert "folder" in one_line_error(run("story", "s-flood", "--db", str(tmp_path)), "E019")
    example = str(REPO / "examples")
    assert "not a storylens store" in one_line_error(
        run("ingest", example, "--db", str(foreign)), "E019")
    assert _files(tmp_path) == before
    assert "Folder not found" in one_line_error(
        run("ingest", example, "--db", str(tmp_path / "no" / "x.db")), "E014")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("damage", [_truncated, _corrupt])
def test_damaged_store_is_one_line_for_every_command(tmp_path, damage) -> None:
    path = tmp_path / "t.db"
    damage(path)
    before = _files(tmp_path)
    assert "malformed" in one_line_error(run("stories", "--db", str(path)), "E019")
    assert "malformed" in one_line_error(run("story", "s-filler", "--db", str(path)), "E019")
    example = str(REPO / "examples" / "flood_a.txt")
    assert "malformed" in one_line_error(run("ingest", example, "--db", str(path)), "E019")
    assert _files(tmp_path) == before


# -- read-only stores -------------------------------------------------------------------------


def test_read_only_store_lists_and_shows_stories_without_writing(tmp_path) -> None:
    from storylens.cluster.pipeline import list_stories, story_view
    from storylens.nlp.pipeline import ANALYSIS_VERSION

    path = make_store(tmp_path / "ro.db")
    with open_store(path) as store:  # as if analysed by an older version: stale on reading
        store.pin_analysis_version(ANALYSIS_VERSION - 1)
        seq = store.story_articles("s-match")[0]["seq"]
        store.save_analysis(store.article_at(seq).replace(sentences=(Sentence(0, 5, 0),)))
        assert store.article_at(seq).analysed
    before = digest(path)
    with SQLiteStore(path, create=False, read_only=True) as store:
        assert [s["size"] for s in list_stories(store)] == [2, 1]
        report = story_view(store, "s-flood")  # analysed on read, but not kept
        assert report["size"] == 2 and report["articles"][0]["headline"]
        assert not store.article_at(seq).analysed, "an analysis of another version read as current"
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.pin_vector_recipe("anything")
    assert digest(path) == before
    with open_store(path, create=False) as store:  # nothing was cached or marked
        assert not any(r["analysed"] for r in store.story_articles("s-flood"))
        assert store._setting("analysis_version") == str(ANALYSIS_VERSION - 1)


def _as_nobody() -> list[str]:
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to run a command as another user")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import storylens"],
                           cwd=REPO, capture_output=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip("user 65534 cannot run this Python")
    return prefix


@pytest.fixture()
def shared_folder() -> Iterator[Path]:
    """A folder other users can enter (pytest's own tmp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="storylens-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("folder_mode", [0o755, 0o777])
def test_another_user_reads_a_store_they_cannot_write(shared_folder, folder_mode) -> None:
    """The store (root's, mode 644) in a folder the reader cannot write (755), where SQLite
    cannot make its WAL index, or can (777); either way nothing in the store changes."""
    prefix = _as_nobody()
    path = make_store(shared_folder / "s.db")
    path.chmod(0o644)
    shared_folder.chmod(folder_mode)
    before = digest(path)
    env = {**os.environ, "HOME": str(shared_folder)}

    def as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, sys.executable, "-m", "storylens", *args], cwd=REPO,
                              capture_output=True, text=True, timeout=180, env=env)

    listed = as_nobody("stories", "--db", str(path), "--json")
    assert listed.returncode == 0, listed.stderr
    assert [s["id"] for s in json.loads(listed.stdout)] == ["s-flood", "s-match"]
    shown = as_nobody("story", "s-flood", "--db", str(path))  # analysed, not kept
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("s-flood: ") and "2 articles" in shown.stdout
    if folder_mode == 0o755:  # (in the other, SQLite's reader files -wal and -shm are made)
        assert sorted(p.name for p in shared_folder.iterdir()) == ["s.db"]
    assert digest(path) == before
    with open_store(path, create=False) as store:
        assert not any(r["analysed"] for r in store.story_articles("s-flood"))


# -- ingest: the lock file, a failed first ingest, one message --------------------------------


def test_lock_file_is_removed_and_still_excludes_a_second_writer(tmp_path) -> None:
    path = tmp_path / "s.db"
    lock = Path(f"{path}.ingest-lock")
    one, two, three = open_store(path), open_store(path), open_store(path)
    one.claim_writer()
    assert lock.exists()
    with pytest.raises(StoreError, match="E017"):
        two.claim_writer()
    one.close()
    assert not lock.exists()
    two.claim_writer()  # a new lock file, which excludes the next writer as the first did
    with pytest.raises(StoreError, match="E017"):
        three.claim_writer()
    two.close()
    three.claim_writer()
    three.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.db"]


def test_a_failed_first_ingest_removes_only_its_own_empty_store(tmp_path) -> None:
    new = tmp_path / "new.db"
    first, second = open_store(new), open_store(new)  # a second ingest opened it meanwhile
    assert first.created and not second.created
    first.close(discard_new=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    with pytest.raises(StoreError, match="E019.*removed"):
        second.claim_writer()  # would otherwise write into a file no longer there
    second.close()
    kept = make_store(tmp_path / "kept.db")  # not created by this open: never removed
    open_store(kept).close(discard_new=True)
    with_article = open_store(tmp_path / "w.db")
    with with_article.transaction():
        seq = with_article.insert_article(Article(id="a", text="text"), np.ones(8), None)
        with_article.place(seq, "s", [], created=True)
    with_article.close(discard_new=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.db", "w.db"]
    with open_store(tmp_path / "w.db", create=False) as store:
        assert store.count() == 1


def test_failed_ingest_says_it_once_and_leaves_no_store(tmp_path) -> None:
    db = tmp_path / "new.db"
    proc = run("ingest", str(tmp_path / "missing.txt"), "--db", str(db))
    assert proc.stdout == ""
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("error: nothing ingested: [E001]")
    assert list(tmp_path.iterdir()) == []
    two = run("ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--db", str(db))
    lines = two.stderr.splitlines()
    assert two.returncode == 1 and two.stdout == "" and len(lines) == 2, two.stderr
    assert lines[-1].startswith("error: nothing ingested (2 inputs failed, the others above)")
    assert sum("a.txt" in line for line in lines) == sum("b.txt" in line for line in lines) == 1
    assert list(tmp_path.iterdir()) == []


# -- the stories and story commands' input ----------------------------------------------------


@pytest.mark.parametrize("value", ["garbage", "2026-13-01", "0000-00-00", "-1", "2026-02-30",
                                   "2026-06-01; DROP TABLE stories", "2026-06-01T25:00", ""])
def test_since_rejects_what_is_not_a_date(value) -> None:
    from storylens.cli.stories import since_date

    with pytest.raises(StorylensError) as err:
        since_date(value)
    assert err.value.code is Code.E020


def test_since_and_min_size_through_the_cli(store_db) -> None:
    def ids(*args: str) -> list[str]:
        proc = run("stories", "--db", str(store_db), "--json", *args)
        assert proc.returncode == 0, proc.stderr
        return [s["id"] for s in json.loads(proc.stdout)]

    assert ids("--since", "2026-06-01") == ids("--since", "2026-06-02T23:59:59Z") == ["s-flood"]
    assert ids("--since", "2026-06-04") == []
    assert "month must be in 1..12" in one_line_error(
        run("stories", "--db", str(store_db), "--since", "2026-13-01"), "E020")
    one_line_error(run("stories", "--db", str(store_db), "--since", "2026-06-01; DROP TABLE stories"),
                   "E020")
    assert ids("--min-size", "99999999999999999999999") == []
    assert ids("--min-size", "2") == ["s-flood"]
    one_line_error(run("stories", "--db", str(store_db), "--min-size", "-1"), "E020")
    assert [s["size"] for s in json.loads(run("stories", "--db", str(store_db), "--json").stdout)] == [2, 1]


def test_stories_json_is_the_same_whatever_the_hash_seed(store_db) -> None:
    outputs = set()
    for seed in ("1", "2", "3", "4", "5"):
        proc = run("stories", "--db", str(store_db), "--json",
                   env={**os.environ, "PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stderr
        outputs.add(proc.stdout)
    assert len(outputs) == 1
    flood = json.loads(outputs.pop())[0]
    # Count, then name; "Flut" is a common noun in the NER lexicon ("Pegel" is not in it).
    assert flood["top_entities"] == ["Donau", "Passau", "Pegel"]


def test_story_ids_with_control_characters_stay_on_one_line(store_db) -> None:
    err = one_line_error(run("story", "a\tb\nc\x1b[31m", "--db", str(store_db)), "E014")
    assert "a\\tb\\nc\\x1b[31m" in err


def test_a_home_this_user_cannot_look_into_means_no_user_config(tmp_path: Path) -> None:
    # A service account run with another user's HOME: the config path cannot even be looked
    # at. That is no config file, not a traceback.
    prefix = _as_nobody()
    home = tmp_path / "home"
    (home / ".config" / "storylens").mkdir(parents=True)
    home.chmod(0o700)  # owned by root: user 65534 may not look inside
    code = "from storylens.config import load_settings; print(load_settings().stories.threshold)"
    proc = subprocess.run([*prefix, sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "HOME": str(home)})
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout) > 0


def test_a_refused_probe_leaves_a_store_being_created_alone(tmp_path, monkeypatch) -> None:
    """A reader that opens a store while an ingest is creating it is refused (there is nothing
    in it yet), and must not disturb the ingest. Before, the refused probe removed the -wal and
    -shm it believed it had made, which the writer was using by then; the writer went on in
    removed files, so later readers never saw its commits (in the CI snapshot test: a reader
    stuck at 552 of 1,500 articles, and articles reported done missing from the store). Here the
    writer begins its schema transaction exactly while the reader probes."""
    from storylens.store import sqlite as sqlite_store

    path = tmp_path / "s.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")  # as SQLiteStore does first; nothing beside yet
    real_objects = sqlite_store._objects

    def objects_while_the_ingest_starts(db: sqlite3.Connection) -> dict[str, frozenset[str]]:
        found = real_objects(db)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("CREATE TABLE half_made (x INTEGER)")  # uncommitted, in its -wal
        return found

    monkeypatch.setattr(sqlite_store, "_objects", objects_while_the_ingest_starts)
    with pytest.raises(StoreError, match="empty, not a storylens store"):
        open_store(path, create=False)
    monkeypatch.setattr(sqlite_store, "_objects", real_objects)
    writer.execute("COMMIT")
    writer.executescript(sqlite_store.SCHEMA)
    fresh = sqlite3.connect(path)
    tables = {r[0] for r in fresh.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    fresh.close()
    assert {"articles", "stories", "half_made"} <= tables, "the writer's commit is lost to readers"
    writer.close()
    with open_store(path, create=False) as reader:
        assert reader.count() == 0 and reader.integrity() == "ok"
