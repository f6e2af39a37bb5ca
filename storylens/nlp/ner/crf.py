"""The CRF tagger, run in NumPy.

``train.py`` trains a linear-chain CRF with crfsuite and exports its weights here
(:func:`export_weights`): state weights (attribute x label) and transitions.  A token's label
scores are the sum of its attributes' rows; Viterbi over them gives crfsuite's own tags
(checked in the tests), and forward-backward gives the label probabilities that the ensemble
with the neural tagger needs (crfsuite itself answers those one label and position per call,
far too slowly for every ingested article).  Tagging needs neither crfsuite nor its file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from storylens.nlp.ner import chain
from storylens.nlp.ner.features import FeatureExtractor, load_lexicon

TYPE_CACHE = 200_000  # word types whose summed weights are kept


def export_weights(crfsuite_model: Path, out: Path) -> None:
    """Write a crfsuite model's weights as the NumPy arrays :class:`CRF` reads."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(crfsuite_model))
    info = tagger.info()
    attrs: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for (attr, label), weight in info.state_features.items():
        if "\n" in attr:
            raise ValueError(f"attribute with a line break: {attr!r}")
        rows.append(attrs.setdefault(attr, len(attrs)))
        cols.append(chain.INDEX[label])
        vals.append(weight)
    n = len(chain.LABELS)
    trans = np.zeros((n + 1, n), dtype=np.float32)  # crfsuite has no start weights: last row 0
    for (a, b), weight in info.transitions.items():
        trans[chain.INDEX[a], chain.INDEX[b]] = weight
    # Labels too rare to appear in training must never be chosen.
    seen = set(tagger.labels())
    trans[:, [chain.INDEX[lab] for lab in chain.LABELS if lab not in seen]] = chain.FORBIDDEN
    np.savez_compressed(
        out,
        attrs=np.frombuffer("\n".join(attrs).encode("utf-8"), dtype=np.uint8),
        rows=np.array(rows, dtype=np.int32),
        cols=np.array(cols, dtype=np.int8),
        weights=np.array(vals, dtype=np.float32),
        transitions=trans,
    )


class CRF:
    def __init__(self, weights: Path, lexicon: Path) -> None:
        self.features = FeatureExtractor(load_lexicon(lexicon))
        with np.load(weights, allow_pickle=False) as z:
            names = z["attrs"].tobytes().decode("utf-8").split("\n")
            self.attrs = {a: i for i, a in enumerate(names)}
            self.state = np.zeros((len(names), len(chain.LABELS)), dtype=np.float32)
            self.state[z["rows"], z["cols"]] = z["weights"]
            self.transitions: np.ndarray = z["transitions"]
        self._types: dict[str, tuple[np.ndarray, str, bool]] = {}

    def tag(self, tokens: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        scores = self.scores([tokens])[0][None]
        path = chain.viterbi(scores, np.array([len(tokens)]), self.transitions)[0]
        return [chain.LABELS[j] for j in path]

    def _weight(self, attr: str) -> np.ndarray | float:
        a = self.attrs.get(attr)
        return 0.0 if a is None else self.state[a]

    def _type_rows(self, token: str) -> tuple[np.ndarray, str, bool]:
        """Per word type: the summed weights of each of its five feature groups (own, as the
        previous word, as the next word, two before, two after), its lower-cased form and
        whether it is title-case."""
        cached = self._types.get(token)
        if cached is None:
            groups = self.features.type_features(token, cache=False)
            rows = np.zeros((5, self.state.shape[1]), dtype=np.float32)
            for g, feats in enumerate(groups):
                ids = [a for a in map(self.attrs.get, feats) if a is not None]
                if ids:
                    rows[g] = self.state[ids].sum(0)
            if len(self._types) >= TYPE_CACHE:
                self._types.clear()
            cached = self._types[token] = (rows, groups[0][1], "T" in groups[0])
        return cached

    def scores(self, sents: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Per sentence, the (length, labels) state scores of its tokens.

        The same features as ``FeatureExtractor.sentence`` (the tests check that the sums are
        equal), but added up per word type and group once, so a sentence costs a few array
        additions and one lookup per word pair.
        """
        lex = self.features.lexicon
        out = []
        for toks in sents:
            n = len(toks)
            typed = [self._type_rows(t) for t in toks]
            rows = np.stack([r for r, _, _ in typed])
            words = [w for _, w, _ in typed]
            s = rows[:, 0].copy()
            s[1:] += rows[:-1, 1]
            s[2:] += rows[:-2, 3]
            s[:-1] += rows[1:, 2]
            s[:-2] += rows[2:, 4]
            s[0] += self._weight("BOS")
            if typed[0][2]:
                s[0] += self._weight("BOS_T")
            s[n - 1] += self._weight("EOS")
            for i in range(1, n):
                s[i] += self._weight("bi=" + words[i - 1] + "|" + words[i])
            if lex.multi:
                for i, feats in lex.multi_matches([w[2:] for w in words]).items():
                    for f in feats:
                        s[i] += self._weight(f)
            out.append(s)
        return out
