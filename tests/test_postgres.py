"""PostgreSQL specifics, through the CLI as a user meets them. The store/ingest/idempotency/
merge/restart/kill -9 tests in test_store.py and test_stories.py also run against PostgreSQL;
everything here and there skips only when STORYLENS_TEST_PG (set by .ci/run) is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PG = os.environ.get("STORYLENS_TEST_PG")
pytestmark = pytest.mark.skipif(not PG, reason="STORYLENS_TEST_PG is not set")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "storylens", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=180)


def test_postgres_cli_ingest_stories_story(seed_paths, tmp_path) -> None:
    from storylens.store.postgres import scratch_schema

    assert PG
    with scratch_schema(PG, "cli") as url:
        missing = run("stories", "--db", url, "--json")  # no tables yet: not created by a read
        assert missing.returncode == 1 and missing.stderr.startswith("error: [E014]")
        proc = run("ingest", *map(str, seed_paths), "--db", url, "--json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["new"] == 2
        again = run("ingest", str(seed_paths[0]), "--db", url)
        assert again.stdout.startswith("0 new, 1 duplicate,"), again.stderr
        (story,) = json.loads(run("stories", "--db", url, "--json").stdout)
        assert story["size"] == 2, "the seeds are one story in PostgreSQL too"
        page = tmp_path / "s.html"
        proc = run("story", story["id"], "--db", url, "--json", "--html", str(page))
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["size"] == 2 and "<svg" in page.read_text("utf-8")


def test_postgres_schemas_are_separate_stores_and_locks() -> None:
    import numpy as np

    from storylens.model import Article
    from storylens.store import open_store
    from storylens.store.postgres import scratch_schema

    assert PG
    with scratch_schema(PG, "a") as a_url, scratch_schema(PG, "b") as b_url:
        a, b = open_store(a_url), open_store(b_url)
        a.claim_writer()
        b.claim_writer()  # another schema is another store: not blocked
        with a.transaction():
            seq = a.insert_article(Article(id="x", text="nul\x00 byte"), np.ones(4), None)
            a.place(seq, "sx", [], created=True)
        assert (a.count(), b.count()) == (1, 0)
        assert a.article("x") is not None and a.integrity() == "ok"
        a.close()
        b.close()


def test_postgres_refuses_another_programs_tables_and_leaves_them(tmp_path) -> None:
    """A schema whose ``articles`` table belongs to another program is refused, by ingest and
    by a read, in one line, and its data stays as it was."""
    import psycopg

    from storylens.store.postgres import scratch_schema, with_schema

    assert PG
    article = tmp_path / "a.txt"
    article.write_text("Passau - Die Donau ist über die Ufer getreten, sagte der Bürgermeister.", "utf-8")
    with scratch_schema(PG, "foreign") as url:
        schema = url.rsplit("%3D", 1)[1]
        assert with_schema(PG, schema) == url
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT)")
            db.execute("INSERT INTO articles VALUES (1, 'theirs')")
        for args in (("ingest", str(article)), ("stories", "--json")):
            proc = run(*args, "--db", url)
            assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
            (line,) = proc.stderr.strip().splitlines()
            assert line.startswith("error: [E019]") and "another program" in line, line
        with psycopg.connect(url, autocommit=True) as db:
            assert db.execute("SELECT * FROM articles").fetchall() == [(1, "theirs")]
            tables = db.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            ).fetchall()
            assert tables == [("articles",)], "nothing of storylens's was added beside them"
