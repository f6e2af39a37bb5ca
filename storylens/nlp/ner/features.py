"""Token features for the German CRF tagger.

Feature extraction is the throughput bottleneck of a CRF tagger written in Python, so every
feature that depends only on the word form is computed once per word type and cached; a
sentence is then assembled from cached lists (the token's own features plus its neighbours'
features, already prefixed with their offset).  Training and tagging share this module, which
is what keeps the shipped model and the runtime features in step.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# Typographic quotes are folded to ASCII: GermEval mostly writes '"' while news text tokenised
# by syntok keeps „ “ » «; the model should not see them as unknown symbols.
_QUOTES = str.maketrans(
    {"„": '"', "“": '"', "”": '"', "«": '"', "»": '"', "‚": "'", "‘": "'", "’": "'", "‹": "'",
     "›": "'", "–": "-", "—": "-"}
)

# Bounded so that a long-running ingest process does not grow without limit.
_CACHE_LIMIT = 300_000
SEM_NEAR = True


def normalise(token: str) -> str:
    return token.translate(_QUOTES)


def shape(word: str) -> str:
    """Collapsed word shape: 'Kassym-Schomart' -> 'Xx-Xx', 'OVKS' -> 'X', '2013/14' -> 'd/d'."""
    out: list[str] = []
    for ch in word:
        if ch.isupper():
            c = "X"
        elif ch.islower():
            c = "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def long_shape(word: str) -> str:
    """Shape without collapsing runs, truncated: keeps length cues for short acronyms."""
    out = []
    for ch in word[:6]:
        if ch.isupper():
            out.append("X")
        elif ch.islower():
            out.append("x")
        elif ch.isdigit():
            out.append("d")
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class Lexicon:
    """Word-level resources learned or compiled at training time.

    clusters: word form -> tuple of cluster ids at increasing granularity (distributional
      clusters learned from unlabeled German text).
    gazetteer: lower-cased name -> tags such as 'country', 'city', 'adm'.
    lower_seen: lower-cased words that occur in lower case in the unlabeled text; a capitalised
      token whose lower-case form is common is unlikely to be a name (sentence-initial
      adjectives, verbs).
    pos: word form -> HanTa's best STTS guess for the word out of context, with '+' appended
      when HanTa knows the word from its lexicon (e.g. 'NE+' for 'Berlin').  Precomputed here
      because HanTa takes ~0.4 ms per word, too slow to run on every new word at tag time.
    """

    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    gazetteer: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lower_seen: frozenset[str] = frozenset()
    pos: dict[str, str] = field(default_factory=dict)
    multi: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    semantic: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._multi_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for key, tags in sorted(self.multi.items(), key=lambda kv: -len(kv[0])):
            self._multi_first.setdefault(key[0], []).append((key, tags))

    def multi_matches(self, low: Sequence[str]) -> dict[int, list[str]]:
        """Gazetteer names of several tokens ('frankfurt am main', 'nur sultan') in a sentence.

        Returns extra features per token position: 'gmB=<tag>' on the first token of a match,
        'gmI=<tag>' on the others.  Longest entries are tried first.
        """
        out: dict[int, list[str]] = {}
        first = self._multi_first
        for i, w in enumerate(low):
            cands = first.get(w)
            if not cands:
                continue
            for key, tags in cands:
                if tuple(low[i : i + len(key)]) == key:
                    for k in range(len(key)):
                        pre = "gmB=" if k == 0 else "gmI="
                        out.setdefault(i + k, []).extend(pre + t for t in tags)
                    break
        return out

    def save(self, path: Path) -> None:
        # No file name or time stamp in the gzip header, so that retraining is bit-identical.
        with (
            path.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
            io.TextIOWrapper(gz, encoding="utf-8") as fh,
        ):
            for word, cl in sorted(self.clusters.items()):
                fh.write(f"c\t{word}\t{' '.join(cl)}\n")
            for word, tags in sorted(self.gazetteer.items()):
                fh.write(f"g\t{word}\t{' '.join(tags)}\n")
            for word in sorted(self.lower_seen):
                fh.write(f"l\t{word}\n")
            for word, tag in sorted(self.pos.items()):
                fh.write(f"p\t{word}\t{tag}\n")
            for key, tags in sorted(self.multi.items()):
                fh.write(f"m\t{' '.join(key)}\t{' '.join(tags)}\n")
            for word, cl in sorted(self.semantic.items()):
                fh.write(f"e\t{word}\t{' '.join(cl)}\n")

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        clusters: dict[str, tuple[str, ...]] = {}
        gazetteer: dict[str, tuple[str, ...]] = {}
        lower: set[str] = set()
        pos: dict[str, str] = {}
        multi: dict[tuple[str, ...], tuple[str, ...]] = {}
        semantic: dict[str, tuple[str, ...]] = {}
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if parts[0] == "c":
                    clusters[parts[1]] = tuple(parts[2].split())
                elif parts[0] == "g":
                    gazetteer[parts[1]] = tuple(parts[2].split())
                elif parts[0] == "l":
                    lower.add(parts[1])
                elif parts[0] == "p":
                    pos[parts[1]] = parts[2]
                elif parts[0] == "m":
                    multi[tuple(parts[1].split())] = tuple(parts[2].split())
                elif parts[0] == "e":
                    semantic[parts[1]] = tuple(parts[2].split())
        return cls(clusters, gazetteer, frozenset(lower), pos, multi, semantic)


@lru_cache(maxsize=2)
def load_lexicon(path: Path) -> Lexicon:
    """The lexicon at ``path``, loaded once per process (the tagger and the city table share it)."""
    return Lexicon.load(path)


_TypeFeats = tuple[list[str], list[str], list[str], list[str], list[str]]


class FeatureExtractor:
    """Turns a tokenised sentence into crfsuite feature lists (binary string features)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._cache: dict[str, _TypeFeats] = {}

    def _word_features(self, word: str) -> _TypeFeats:
        lex = self.lexicon
        low = word.lower()
        sh = shape(word)
        own = [
            "bias",
            "w=" + low,
            "sh=" + sh,
            "ls=" + long_shape(word),
            "s1=" + low[-1:],
            "s2=" + low[-2:],
            "s3=" + low[-3:],
            "s4=" + low[-4:],
            "s5=" + low[-5:],
            "p2=" + low[:2],
            "p3=" + low[:3],
            "p4=" + low[:4],
            "len=" + str(min(len(word), 12)),
        ]
        title = word[:1].isupper()
        if title:
            own.append("T")
            if low in lex.lower_seen:
                own.append("lowknown")
        if len(word) > 1 and word.isupper():
            own.append("U")
            if word.isalpha() and len(word) <= 6:
                # Short acronyms (OVKS, NATO, SPD) are mostly organisations.
                own.append("acr")
        if "-" in word[1:-1]:
            parts = [p for p in word.split("-") if p]
            if parts:
                first, last = parts[0], parts[-1]
                own += ["h0=" + first.lower(), "hL=" + last.lower(), "h0sh=" + shape(first),
                        "hLs3=" + last.lower()[-3:]]
                cl_first = lex.clusters.get(first)
                if cl_first:
                    own.append("h0c=" + cl_first[-1])
                for tag in lex.gazetteer.get(first.lower(), ()):
                    own.append("h0g=" + tag)
        clusters = lex.clusters.get(word) or lex.clusters.get(low) or ()
        for k, cid in enumerate(clusters):
            own.append(f"c{k}={cid}")
        if not clusters:
            own.append("c=none")
        sem = lex.semantic.get(word, ())
        for k, cid in enumerate(sem):
            own.append(f"e{k}={cid}")
        ptag = lex.pos.get(word)
        own.append("pos=" + (ptag or "none"))
        if ptag:
            own.append("pos1=" + ptag.rstrip("+")[:2])
        gaz = lex.gazetteer.get(low, ())
        for tag in gaz:
            own.append("g=" + tag)
        if not gaz and low.endswith("s"):
            # German genitive: 'Kasachstans' is the country 'Kasachstan'.
            for tag in lex.gazetteer.get(low[:-1], ()):
                own.append("gs=" + tag)
        # Neighbour views: a smaller set, prefixed once here rather than per occurrence.
        near = ["w=" + low, "sh=" + sh, "s3=" + low[-3:]]
        near += [f"c{k}={cid}" for k, cid in enumerate(clusters)]
        near += ["g=" + tag for tag in gaz]
        if sem and SEM_NEAR:
            near.append("e0=" + sem[0])
        near.append("pos=" + (ptag or "none"))
        if title and low in lex.lower_seen:
            near.append("lowknown")
        far = ["w=" + low]
        if clusters:
            far.append("c0=" + clusters[0])
        return (
            own,
            ["-1" + f for f in near],
            ["+1" + f for f in near],
            ["-2" + f for f in far],
            ["+2" + f for f in far],
        )

    def type_features(self, token: str, *, cache: bool = True) -> _TypeFeats:
        """A token's feature groups; ``cache=False`` for callers that keep their own (the CRF
        keeps summed weights per type, so strings cached here would only take memory)."""
        if not cache:
            return self._word_features(normalise(token))
        feats = self._cache.get(token)
        if feats is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            feats = self._word_features(normalise(token))
            self._cache[token] = feats
        return feats

    def sentence(self, tokens: Sequence[str]) -> list[list[str]]:
        n = len(tokens)
        typed = [self.type_features(t) for t in tokens]
        # The lower-cased form is always the second own feature ('w=...').
        words = [t[0][1] for t in typed]
        multi = self.lexicon.multi_matches([w[2:] for w in words]) if self.lexicon.multi else {}
        out: list[list[str]] = []
        for i in range(n):
            own = typed[i][0]
            feats = list(own)
            if i in multi:
                feats += multi[i]
            if i == 0:
                feats.append("BOS")
                if "T" in own:
                    feats.append("BOS_T")
            else:
                # Preceding word and this word together: 'Präsident Putin', 'in Almaty'.
                feats.append("bi=" + words[i - 1] + "|" + words[i])
                feats += typed[i - 1][1]
                if i > 1:
                    feats += typed[i - 2][3]
            if i == n - 1:
                feats.append("EOS")
            else:
                feats += typed[i + 1][2]
                if i < n - 2:
                    feats += typed[i + 2][4]
            out.append(feats)
        return out
