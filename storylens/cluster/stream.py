"""Incremental story clustering over a stream of article vectors.

Each new article looks up its nearest recent articles in an ANN index, groups the neighbours
whose similarity clears ``threshold`` by story (single link: the best member counts), and joins
the best story or starts a new one. Neighbours from other stories that clear ``merge_threshold``
make the article a bridge: those stories merge into the oldest one, whose id survives, and the
others keep resolving to it. Story ids derive from the founding article's content fingerprint, so
the same stream gives the same ids in every run and after every restart.

scikit-learn habits: ``__init__`` only stores parameters; ``partial_fit`` learns, ``assign``
predicts without learning; learned state ends in ``_``. Ingest uses the two halves of
``partial_fit`` (:meth:`propose`, then :meth:`commit` once the store has written the decision)
so that memory never runs ahead of what is on disk.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from storylens.cluster.index import CandidateIndex, make_index

# Optional second opinion on a candidate pair: keys of the new and the stored article, their
# cosine, and whether the link would be an addition (cosine below the join threshold, from
# ``verify_from`` up) rather than one the embedding proposed. True keeps or adds the link,
# False vetoes it. A verifier may also have ``apart(key, other, cosine) -> bool``: True keeps the
# new article out of the other's story altogether (a cannot-link; checked for every neighbour,
# at any cosine). See storylens.cluster.score.
Verifier = Callable[[int, int, float, bool], bool]


def story_id_for(article_id: str) -> str:
    return f"s{article_id}"


@dataclass(frozen=True, slots=True)
class Decision:
    key: int
    story_id: str
    created: bool
    merged: tuple[str, ...] = ()
    score: float = 0.0


class StreamClusterer:
    def __init__(
        self,
        threshold: float = 0.6,
        merge_threshold: float = 0.7,
        window_days: int = 14,
        k: int = 10,
        index: str = "hnsw",
        dim: int | None = None,
        verifier: Verifier | None = None,
        linkage: str = "single",
        capacity: int = 20000,
        verify_from: float | None = None,
        centroid_share: float = 1.0,
    ) -> None:
        self.threshold = threshold
        self.merge_threshold = merge_threshold
        self.window_days = window_days
        self.k = k
        self.index = index
        self.dim = dim
        self.verifier = verifier
        self.linkage = linkage
        self.capacity = capacity
        self.verify_from = verify_from
        self.centroid_share = centroid_share

    def get_params(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in (
            "threshold", "merge_threshold", "window_days", "k", "index", "dim", "verifier",
            "linkage", "capacity", "verify_from", "centroid_share")}

    def clone(self) -> StreamClusterer:
        """The same parameters, nothing learned."""
        return type(self)(**self.get_params())  # type: ignore[arg-type]

    # -- state ---------------------------------------------------------------------------

    def _ensure(self) -> None:
        if not hasattr(self, "index_"):
            self.index_: CandidateIndex = make_index(self.index, self.dim)
            self.story_of_: dict[int, str] = {}  # key -> story id at the time it was placed
            self.parent_: dict[str, str] = {}  # merged story -> the story it went into
            self.created_: dict[str, int] = {}  # story -> key of its founding article
            self.expiry_: list[tuple[int, int]] = []  # (day, key) heap for the time window
            self.latest_day_: int | None = None
            self.days_: dict[int, int] = {}  # key -> published day, for the window check
            self.sums_: dict[str, np.ndarray] = {}  # story -> sum of member vectors (centroid)
            self.sizes_: dict[str, int] = {}  # story -> number of members

    def _find(self, story: str) -> str:
        root = story
        while root in self.parent_:
            root = self.parent_[root]
        while story != root:  # path compression keeps repeated merges cheap
            self.parent_[story], story = root, self.parent_[story]
        return root

    def _evict(self) -> None:
        """Drop the oldest articles outside the time window, but only while the index holds more
        than ``capacity``: below that, out-of-order arrivals still find their partners (the
        window itself is checked per pair in ``_story_scores``)."""
        if self.latest_day_ is None:
            return
        horizon = self.latest_day_ - self.window_days
        while self.expiry_ and self.expiry_[0][0] < horizon and len(self.index_) > self.capacity:
            _, key = heapq.heappop(self.expiry_)
            self.index_.remove(key)

    def warm_start(
        self, rows: Iterable[tuple[int, str, int | None, np.ndarray]], merged: dict[str, str]
    ) -> StreamClusterer:
        """Rebuild learned state from a store: (key, story id, day, vector) in key order."""
        self._ensure()
        for story, into in merged.items():
            self.parent_[story] = into
        for key, story, day, vector in rows:
            self.created_.setdefault(story, key)
            self._remember(key, story, day, vector)
        self._evict()
        return self

    def _remember(self, key: int, story: str, day: int | None, vector: np.ndarray) -> None:
        self.story_of_[key] = story
        root = self._find(story)
        self.sums_[root] = self.sums_.get(root, 0.0) + np.asarray(vector, np.float32)
        self.sizes_[root] = self.sizes_.get(root, 0) + 1
        self.index_.add(key, vector)
        if day is not None:
            self.days_[key] = day
            heapq.heappush(self.expiry_, (day, key))
            if self.latest_day_ is None or day > self.latest_day_:
                self.latest_day_ = day

    # -- learning ------------------------------------------------------------------------

    def _in_window(self, other: int, day: int | None) -> bool:
        """The window holds per pair: the index may keep older articles (capacity), and an old
        article arriving late must stay within the window of its candidates."""
        if day is None:
            return True
        other_day = self._day(other)
        return other_day is None or abs(other_day - day) <= self.window_days

    def _neighbours(self, vector: np.ndarray, day: int | None) -> list[tuple[int, float]]:
        """The k nearest articles within the time window of ``day``.  When the window removed
        some of the first k (an archive of a recurring topic), look four times as far, so that
        articles of other months cannot crowd out the ones that may join."""
        found = self.index_.search(vector, self.k)
        kept = [(o, s) for o, s in found if self._in_window(o, day)]
        if len(kept) < len(found) and len(found) == self.k:
            kept = [(o, s) for o, s in self.index_.search(vector, 4 * self.k) if self._in_window(o, day)]
        return kept[: self.k]

    def _story_scores(
        self, key: int | None, vector: np.ndarray, day: int | None
    ) -> dict[str, float]:
        self._ensure()
        best: dict[str, float] = {}
        verifier = self.verifier if key is not None else None
        lowest = self.threshold
        if verifier is not None and self.verify_from is not None:
            lowest = min(lowest, self.verify_from)
        confirmed: set[str] = set()  # stories with a link the verifier added
        apart = getattr(verifier, "apart", None)
        barred: set[str] = set()  # stories holding an article this one must stay apart from
        for other, score in self._neighbours(vector, day):
            if other == key:
                continue
            if apart is not None and apart(key, other, score):
                barred.add(self._find(self.story_of_[other]))
                continue
            if score < lowest:
                continue
            adding = score < self.threshold
            if verifier is not None and key is not None and not verifier(key, other, score, adding):
                continue
            story = self._find(self.story_of_[other])
            if adding:
                confirmed.add(story)
            if score > best.get(story, -1.0):
                best[story] = score
        for story in barred:
            best.pop(story, None)
        if self.linkage == "average":
            # Average link: a story has to resemble the article as a whole, not through one
            # member, which stops chains of loosely related articles.  A story the verifier
            # confirmed stays, at the join threshold: it says "same story" about a pair the
            # embedding underrates, and the story link is the embedding's view again.
            for story in list(best):
                link = self._story_link(story, vector)
                if link >= self.threshold:
                    best[story] = link
                elif story in confirmed:
                    best[story] = self.threshold
                else:
                    del best[story]
        return best

    def _story_link(self, story: str, vector: np.ndarray) -> float:
        """How well ``vector`` fits a story: the weighted geometric mean of its cosine to the
        story's centroid (share ``centroid_share``) and its mean cosine to the members.

        With unit vectors both come from the sum S of the n members: S.v / |S| and S.v / n, so
        the mix is S.v / (|S|^share * n^(1 - share)).  The centroid alone flatters loose stories
        (|S| is far below n when members differ), so a story that has grown into a topic
        (a football season, the refugee crisis) draws every article on the topic; the mean
        cosine does not, but asks a new report to resemble every earlier angle of the story.
        """
        total = self.sums_[story]
        norm = max(float(np.linalg.norm(total)), 1e-9)
        size = self.sizes_.get(story, 1)
        share = self.centroid_share
        return float(total @ vector) / (norm**share * size ** (1.0 - share))

    def _day(self, key: int) -> int | None:
        return self.days_.get(key)

    def propose(self, key: int, article_id: str, vector: np.ndarray, day: int | None) -> Decision:
        """What placing this article would do; changes nothing."""
        scores = self._story_scores(key, vector, day)
        if not scores:
            return Decision(key, story_id_for(article_id), created=True)
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        top_score = ranked[0][1]
        group = [ranked[0][0]] + [s for s, v in ranked[1:] if v >= self.merge_threshold]
        survivor = min(group, key=lambda s: self.created_.get(s, 0))
        merged = tuple(sorted(s for s in group if s != survivor))
        return Decision(key, survivor, created=False, merged=merged, score=top_score)

    def commit(self, decision: Decision, vector: np.ndarray, day: int | None) -> None:
        """Learn a proposed decision (after the store has written it)."""
        self._ensure()
        if decision.created:
            self.created_[decision.story_id] = decision.key
        for old in decision.merged:
            self.parent_[old] = decision.story_id
            if old in self.sums_:
                moved = self.sums_.pop(old)
                self.sums_[decision.story_id] = self.sums_.get(decision.story_id, 0.0) + moved
                self.sizes_[decision.story_id] = (
                    self.sizes_.get(decision.story_id, 0) + self.sizes_.pop(old, 0))
        self._remember(decision.key, decision.story_id, day, vector)
        self._evict()

    def partial_fit(
        self, keys: Sequence[int], article_ids: Sequence[str], vectors: np.ndarray,
        days: Sequence[int | None],
    ) -> list[Decision]:
        decisions = []
        for key, article_id, vector, day in zip(keys, article_ids, vectors, days, strict=True):
            decision = self.propose(key, article_id, vector, day)
            self.commit(decision, vector, day)
            decisions.append(decision)
        return decisions

    def assign(self, vectors: np.ndarray, days: Sequence[int | None]) -> list[str | None]:
        """The live story each vector would join (None: it would start one); learns nothing."""
        out: list[str | None] = []
        for vector, day in zip(vectors, days, strict=True):
            scores = self._story_scores(None, vector, day)
            out.append(max(scores, key=lambda s: scores[s]) if scores else None)
        return out

    def resolve(self, story_id: str) -> str:
        self._ensure()
        return self._find(story_id)
