"""What every store does, written once; :mod:`.sqlite` and :mod:`.postgres` supply the dialect.

Statements are written in SQLite's parameter style (``?`` and ``:name``); a backend whose driver
wants another style translates them in :meth:`SQLStore._sql`. Every article is written in a
transaction together with the story bookkeeping it causes, and the ingest reports an article
done only after that transaction has committed, so a ``kill -9`` at any moment leaves whole
articles (with their stories) or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from storylens.errors import Code, StorylensError
from storylens.model import Article


class StoreError(StorylensError):
    """The store cannot do what was asked right now."""


# Running min/max that ignore NULLs on either side; O(1) per article whatever the story size.
_FOLD = (
    "CASE WHEN {new} IS NULL THEN {col} WHEN {col} IS NULL THEN {new} ELSE {fn}({col}, {new}) END"
)


#: Columns added to the schema after stores were first made, by table, with their types: a store
#: made earlier lacks them and gains them when next opened with write access (NULL in the rows
#: it held), so they do not count when telling a storylens store from another database.
ADDED_COLUMNS: dict[str, dict[str, str]] = {
    "articles": {"title_names": "TEXT"},
    # 1: the story's label is an article's title; 0: the opening of an untitled article, which
    # the first titled member replaces; NULL: a story labelled before this was kept (left alone).
    "stories": {"label_titled": "INTEGER"},
}


#: Tables only ingest reads (boilerplate sentences): a reader of a store made before them does
#: without them.
WRITER_TABLES = frozenset({"lead_sentences"})


def identifying(table: str, columns: frozenset[str]) -> frozenset[str]:
    """The columns of ``table`` that any storylens store has, however old."""
    return columns - ADDED_COLUMNS.get(table, {}).keys()


#: the largest integer either database compares with (signed 64 bits)
_LARGEST = 2**63 - 1


def stored_article(data: str, analysed: int) -> Article:
    """An article from its stored JSON, without an analysis marked stale."""
    article = Article.from_dict(json.loads(data))
    return article if analysed else article.bare()


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SQLStore:
    """Articles, their vectors and analysis, and the stories they form."""

    #: the dialect's two-argument minimum and maximum
    least = "min"
    greatest = "max"
    #: where the store lives, for messages (a path or a URL without password)
    path: str
    #: this open made the store (a new file): ``close(discard_new=True)`` may remove it again
    created = False
    #: nothing is written, not even analyses: they are computed on read and not kept
    read_only = False
    #: stored analyses are of another analysis version and this store cannot mark them stale
    _stale = False

    # -- the dialect ---------------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        """Run one statement; returns a cursor whose rows support ``dict(row)``."""
        raise NotImplementedError

    def _begin(self) -> None:
        raise NotImplementedError

    def _begin_snapshot(self) -> None:
        self._execute("BEGIN")

    def _commit(self) -> None:
        self._execute("COMMIT")

    def _rollback(self) -> None:
        self._execute("ROLLBACK")

    def _insert_returning_seq(self, sql: str, params: Sequence[Any]) -> int:
        raise NotImplementedError

    def in_transaction(self) -> bool:
        raise NotImplementedError

    def close(self, discard_new: bool = False) -> None:
        """Close; with ``discard_new``, a store this open created that holds no article yet
        is removed again (a failed first ingest leaves nothing behind). Idempotent."""
        raise NotImplementedError

    def _fault(self, exc: BaseException) -> str | None:
        """What is wrong where ``exc`` comes from the database itself (a damaged or foreign
        file, a lost server) rather than from storylens: reported as E019, not a traceback."""
        return None

    def claim_writer(self) -> None:
        """Make this process the store's only ingester (readers are unaffected).

        Each ingest keeps the clusterer's state in memory, so two at once would each miss the
        other's articles; the second is refused instead. The lock dies with the process.
        """
        raise NotImplementedError

    def release_writer(self) -> None:
        raise NotImplementedError

    def integrity(self) -> str:
        """"ok", or what is wrong."""
        return self.consistency()

    # -- shared --------------------------------------------------------------------------

    def __enter__(self) -> SQLStore:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        self.close()
        reason = None if exc is None else self._fault(exc)
        if reason is not None:
            raise StoreError(Code.E019, db=self.path, reason=reason) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._begin()
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        self._commit()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one committed state, whatever an ingest commits meanwhile."""
        if self.in_transaction():
            yield
            return
        self._begin_snapshot()
        try:
            yield
        finally:
            self._rollback()

    def _grow(self) -> str:
        """SET clause folding :size, :first_pub, ... into a story's running counters."""
        return ", ".join([
            "size = size + :size",
            *(
                # Typed, because PostgreSQL cannot infer a type for "$2 IS NULL".
                f"{col} = " + _FOLD.format(col=col, new=f"CAST(:{col} AS TEXT)", fn=fn)
                for col, fn in (("first_pub", self.least), ("last_pub", self.greatest),
                                ("first_ing", self.least), ("last_ing", self.greatest))
            ),
        ])

    # -- writing -------------------------------------------------------------------------

    def has(self, article_id: str) -> bool:
        row = self._execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def _rows_in(self, select: str, values: Sequence[Any]) -> Iterator[Any]:
        """The rows of ``select``, whose ``IN ({marks})`` takes ``values``, 500 values a query."""
        for start in range(0, len(values), 500):
            part = list(values[start : start + 500])
            yield from self._execute(select.format(marks=",".join("?" * len(part))), part)

    def known(self, article_ids: Sequence[str]) -> set[str]:
        """Which of these ids are stored already: one query for a whole chunk."""
        ids = list(dict.fromkeys(article_ids))
        return {r[0] for r in self._rows_in("SELECT id FROM articles WHERE id IN ({marks})", ids)}

    def lead_contexts(self, keys: Sequence[int]) -> dict[int, list[str]]:
        """The contexts stored for these lead-sentence keys (:mod:`storylens.cluster.boilerplate`)."""
        found: dict[int, list[str]] = {}
        select = "SELECT sentence, context FROM lead_sentences WHERE sentence IN ({marks})"
        for key, context in self._rows_in(select, keys):
            found.setdefault(int(key), []).append(context)
        return found

    def add_lead_contexts(self, rows: Sequence[tuple[int, str]]) -> None:
        """Note (sentence key, context) rows; call inside :meth:`transaction`."""
        for key, context in rows:
            self._execute("INSERT INTO lead_sentences (sentence, context) VALUES (?, ?)"
                          " ON CONFLICT DO NOTHING", (key, context))

    def insert_article(
        self, article: Article, vector: np.ndarray, day: int | None,
        title_names: Sequence[str] | None = None,
    ) -> int:
        """Insert without a story yet (call inside :meth:`transaction`); returns its seq.
        ``title_names``: the names in its title for listings (``nlp.headlines``)."""
        now = _now()
        seq = self._insert_returning_seq(
            "INSERT INTO articles (id, url, title, source, language, published, day,"
            " ingested_at, vector, data, analysed, title_names) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                article.id, article.url, article.title, article.source, article.language,
                article.published, day, now, np.asarray(vector, np.float32).tobytes(),
                json.dumps(article.as_dict(), ensure_ascii=False), int(article.analysed),
                None if title_names is None else json.dumps(list(title_names), ensure_ascii=False),
            ),
        )
        # What place() needs, so that it does not read back the row just written.
        self._placing = (seq, article.published, now[:10])
        return seq

    def place(
        self, seq: int, story_id: str, merged: list[str], created: bool, label: str | None = None,
        titled: bool = False,
    ) -> None:
        """Record that article ``seq`` joined ``story_id`` and that ``merged`` now point to it.
        ``label`` is what the article would call a story (the caller names it:
        cluster.pipeline.story_label), from its title when ``titled``: a story it creates is called
        so, and a story called by the opening of an untitled article takes the first title that
        joins it, by this article or by a story merged into it."""
        pending = getattr(self, "_placing", None)
        if pending is not None and pending[0] == seq:
            _, published, day = pending
        else:
            row = self._execute(
                "SELECT published, ingested_at FROM articles WHERE seq = ?", (seq,)
            ).fetchone()
            published, day = row[0], row[1][:10]
        if created:
            self._execute(
                "INSERT INTO stories (id, created_seq, size, label, label_titled) VALUES (?,?,0,?,?)",
                (story_id, seq, label, int(titled)),
            )
        elif titled and label:
            self._retitle(story_id, label)
        self._execute("UPDATE articles SET story_id = ? WHERE seq = ?", (story_id, seq))
        self._execute(
            f"UPDATE stories SET {self._grow()} WHERE id = :s",
            {"s": story_id, "size": 1, "first_pub": published, "last_pub": published,
             "first_ing": day, "last_ing": day},
        )
        for old in merged:
            gone = dict(self._execute(
                "SELECT size, first_pub, last_pub, first_ing, last_ing, label, label_titled FROM stories"
                " WHERE id = ?", (old,),
            ).fetchone())
            label, titled_label = gone.pop("label"), gone.pop("label_titled")
            if titled_label == 1:
                self._retitle(story_id, label)
            self._execute(f"UPDATE stories SET {self._grow()} WHERE id = :s",
                          {"s": story_id, **gone})
            self._execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (story_id, old))
            self._execute(
                "UPDATE stories SET merged_into = ?, size = 0 WHERE id = ?", (story_id, old)
            )
            # Earlier merges into ``old`` must now resolve straight to the survivor.
            self._execute(
                "UPDATE stories SET merged_into = ? WHERE merged_into = ?", (story_id, old)
            )

    def _retitle(self, story_id: str, label: str) -> None:
        """Call ``story_id`` by the title ``label`` if its label is an untitled article's opening."""
        self._execute("UPDATE stories SET label = ?, label_titled = 1 WHERE id = ? AND label_titled = 0",
                      (label, story_id))

    def _setting(self, key: str) -> str | None:
        row = self._execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _put_setting(self, key: str, value: str) -> None:
        self._execute("DELETE FROM settings WHERE key = ?", (key,))
        self._execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))

    def pin_vector_recipe(self, recipe: str) -> None:
        """Record how this store's article vectors are made, or refuse a different recipe.

        Vectors made another way (another backend, lead length or names share) are not
        comparable with the stored ones: an ingest with changed settings would silently
        cluster apples with pears.  A store from before the recipe was recorded adopts the
        first one it sees.
        """
        with self.transaction():
            stored = self._setting("vector_recipe")
            if stored is None:
                self._put_setting("vector_recipe", recipe)
            elif stored != recipe:
                raise StoreError(Code.E018, db=self.path, stored=stored, current=recipe)

    def pin_analysis_version(self, version: int) -> None:
        """Forget analyses made by another version of the analysis (they are redone on demand).

        Stored analyses are kept so that nothing is recomputed on read; when the analysis itself
        changes (a new NER model), the old ones would be shown as if current.  One UPDATE marks
        them stale; the JSON stays until an analysis replaces it.  The usual case, the same
        version, is a plain read: viewing a story takes no write lock for it.
        """
        if self._setting("analysis_version") == str(version):
            return
        if self.read_only:  # cannot mark them: read them as stale instead
            self._stale = True
            return
        with self.transaction():
            if self._setting("analysis_version") != str(version):  # checked again under the lock
                self._execute("UPDATE articles SET analysed = 0 WHERE analysed <> 0")
                self._put_setting("analysis_version", str(version))

    def save_analysis(self, article: Article) -> None:
        """Keep a full analysis so it is never recomputed on read (a read-only store keeps
        nothing: its readers analyse again)."""
        if self.read_only:
            return
        sql = "UPDATE articles SET data = ?, analysed = 1, language = ? WHERE id = ?"
        params = (json.dumps(article.as_dict(), ensure_ascii=False), article.language, article.id)
        if self.in_transaction():  # called during an ingest: part of that article's commit
            self._execute(sql, params)
            return
        with self.transaction():
            self._execute(sql, params)

    # -- reading -------------------------------------------------------------------------

    def vectors(
        self, since_day: int | None = None, newest: int = 0
    ) -> Iterator[tuple[int, str, int | None, bytes]]:
        """(seq, story_id, day, vector bytes) of placed articles: the clusterer's warm start.

        With ``since_day``: undated articles, those from that day on, and the ``newest`` latest
        by (day, seq) whatever their day (the clusterer's index capacity)."""
        sql = "SELECT seq, story_id, day, vector FROM articles WHERE story_id IS NOT NULL"
        params: tuple[Any, ...] = ()
        if since_day is not None:
            sql += (
                " AND (day IS NULL OR day >= ? OR seq IN (SELECT seq FROM articles"
                " WHERE day IS NOT NULL AND story_id IS NOT NULL ORDER BY day DESC, seq DESC LIMIT ?))"
            )
            params = (since_day, newest)
        for row in self._execute(sql + " ORDER BY seq", params).fetchall():
            yield row[0], row[1], row[2], bytes(row[3])

    def stream_vectors(self) -> Iterator[tuple[str, int | None, bytes]]:
        """(article id, day, vector bytes) in ingest order: re-clustering without re-embedding."""
        for row in self._execute("SELECT id, day, vector FROM articles ORDER BY seq").fetchall():
            yield row[0], row[1], bytes(row[2])

    def latest_day(self) -> int | None:
        row = self._execute("SELECT max(day) FROM articles").fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def merged_map(self) -> dict[str, str]:
        rows = self._execute("SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL")
        return {r[0]: r[1] for r in rows.fetchall()}

    def resolve(self, story_id: str) -> str | None:
        """The live id for ``story_id`` (itself, or the story it was merged into)."""
        seen: set[str] = set()
        current = story_id
        while current not in seen:
            seen.add(current)
            row = self._execute(
                "SELECT merged_into FROM stories WHERE id = ?", (current,)
            ).fetchone()
            if row is None:
                return None
            if row[0] is None:
                return current
            current = row[0]
        return None

    def story_ids_starting(self, prefix: str, limit: int = 3) -> list[str]:
        """Ids of live stories that start with ``prefix`` (at most ``limit``), so that a story
        can be named by the start of its id, as git names commits."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._execute(
            "SELECT id FROM stories WHERE merged_into IS NULL AND id LIKE ? ESCAPE '\\'"
            " ORDER BY id LIMIT ?", (escaped + "%", limit),
        ).fetchall()
        return [r[0] for r in rows]

    def stories(self, since: str | None = None, min_size: int = 1) -> list[dict[str, Any]]:
        sql = (
            "SELECT id, size, first_seen, last_seen, label FROM story_view"
            " WHERE merged_into IS NULL AND size >= ?"
        )
        params: list[Any] = [min(min_size, _LARGEST)]  # no story is larger
        if since:
            sql += " AND last_seen >= ?"
            params.append(since)
        sql += " ORDER BY size DESC, last_seen DESC, id"
        return [dict(r) for r in self._execute(sql, params).fetchall()]

    def story_row(self, story_id: str) -> dict[str, Any] | None:
        row = self._execute(
            "SELECT id, size, first_seen, last_seen, label FROM story_view WHERE id = ?",
            (story_id,),
        ).fetchone()
        return dict(row) if row else None

    def story_articles(self, story_id: str, full: bool = False) -> list[dict[str, Any]]:
        """The story's articles in time order; ``title_names`` is a JSON list, or None for an
        article stored before ingest kept them. ``full`` adds the stored article (``data``)
        and its story vector (``vector``, float32 bytes)."""
        cols = "seq, id, url, title, source, published, language, analysed, title_names"
        if full:
            cols += ", data, vector"
        rows = self._execute(
            f"SELECT {cols} FROM articles WHERE story_id = ?"
            " ORDER BY coalesce(published, ingested_at), seq",
            (story_id,),
        )
        out = [dict(r) for r in rows.fetchall()]
        for row in out:
            row["analysed"] = self._analysed(row["analysed"])
            if full:
                row["vector"] = bytes(row["vector"])
        return out

    def article_at(self, seq: int) -> Article:
        """The stored article; its analysis only where it is current (see pin_analysis_version)."""
        row = self._execute("SELECT data, analysed FROM articles WHERE seq = ?", (seq,)).fetchone()
        return stored_article(row[0], self._analysed(row[1]))

    def article(self, article_id: str) -> Article | None:
        row = self._execute("SELECT data, analysed FROM articles WHERE id = ?", (article_id,)).fetchone()
        return stored_article(row[0], self._analysed(row[1])) if row else None

    def _analysed(self, flag: int) -> int:
        return 0 if self._stale else flag

    def assignments(self) -> dict[str, str]:
        """Article id -> live story id, for evaluation."""
        return {r[0]: r[1] for r in self._execute("SELECT id, story_id FROM articles").fetchall()}

    def count(self) -> int:
        return int(self._execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def consistency(self) -> str:
        """The store's own invariants: "ok" or the first one broken."""
        dupes = self._execute(
            "SELECT COUNT(*) - COUNT(DISTINCT id) FROM articles"
        ).fetchone()[0]
        if dupes:
            return f"{dupes} duplicate articles"
        orphans = self._execute(
            "SELECT COUNT(*) FROM articles a LEFT JOIN stories s ON s.id = a.story_id"
            " WHERE s.id IS NULL OR s.merged_into IS NOT NULL"
        ).fetchone()[0]
        if orphans:
            return f"{orphans} articles outside a live story"
        total = self._execute(
            "SELECT coalesce(sum(size), 0) FROM stories WHERE merged_into IS NULL"
        ).fetchone()[0]
        if int(total) != self.count():
            return f"story sizes add up to {total}, not {self.count()}"
        return "ok"
