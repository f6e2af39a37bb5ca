"""Adapter to the pairwise similarity scorer, used as a second opinion on embedding links.

The embedding decides most links alone; only a link whose cosine falls in the uncertain band
[threshold, confirm_above) is checked with :func:`storylens.compare.compare`, which costs a full
analysis of both articles (kept, so each article is analysed once) plus ~100 ms per pair. The
adapter reads only ``Comparison.similarity.same_story``: the trained scorer's decision, with
the threshold chosen on the gold pairs (storylens/compare/similarity.py).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from storylens.model import Article


class SimilarityVerifier:
    def __init__(
        self, load: Callable[[int], Article], confirm_above: float,
        save: Callable[[Article], None] | None = None, cache_size: int = 2048,
    ) -> None:
        self.load = load
        self.confirm_above = confirm_above
        self.save = save
        self.cache_size = cache_size
        self._analysed: OrderedDict[int, Article] = OrderedDict()
        self.calls = 0

    def _article(self, key: int) -> Article:
        from storylens.nlp.pipeline import analyze

        if key in self._analysed:
            self._analysed.move_to_end(key)
            return self._analysed[key]
        article = self.load(key)
        if not article.analysed:
            article = analyze(article)
            if self.save is not None:
                self.save(article)  # stored, so ``story`` never analyses it again
        self._analysed[key] = article
        while len(self._analysed) > self.cache_size:
            self._analysed.popitem(last=False)
        return article

    def __call__(self, key: int, other: int, cosine: float) -> bool:
        if cosine >= self.confirm_above:
            return True
        from storylens.compare import compare

        self.calls += 1
        result = compare(self._article(key), self._article(other))
        return bool(result.similarity.same_story)
