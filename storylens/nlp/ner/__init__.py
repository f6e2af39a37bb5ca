"""German named-entity recognition trained here on GermEval 2014 (CRF, see ``train.py``).

Tags are GermEval's outer BIO tags: B-/I- over PER, LOC, ORG, OTH, each also as ``...deriv``
(words derived from a name: "kasachische" is B-LOCderiv) and ``...part`` (compounds that
contain a name: "OVKS-Truppen" is B-ORGpart).  :func:`coarse` maps them to the four types the
rest of storylens uses.

    >>> tagger = load_tagger()
    >>> tagger.tag(["Putin", "sprach", "in", "Almaty", "."])
    ['B-PER', 'O', 'O', 'B-LOC', 'O']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from storylens.nlp.names import ARTICLES, is_first_name
from storylens.nlp.ner import chain
from storylens.nlp.ner.corpora import spans

__all__ = ["MAX_TOKENS", "Tagger", "coarse", "harmonise", "load_tagger", "pieces", "tag_conll", "tag_text"]

MODEL_DIR = Path(__file__).resolve().parent / "model"
# Word clusters, gazetteer, POS guesses: the features both models read (``features.Lexicon``).
LEXICON_FILE = "lexicon.tsv.gz"
# The CRF's weights as NumPy arrays (exported from crfsuite by ``train.py``; see ``crf.py``).
MODEL_FILE = "crf.npz"
# The BiLSTM-CRF (NumPy arrays, float16; see ``neural.py``).
NEURAL_FILE = "neural.npz"
# The CRF's share in the vote with the network: the best mean F1 over GermEval dev, CoNLL-2003
# testa (two-fold cross-validated, as both models train on it) and Europarl dev
# (benchmarks/experiments/ner_neural).
CRF_WEIGHT = 0.4
BIO = chain.bio_mask()
# The longest token sequence either model is given at once.  The models' working arrays grow
# with the length of what they tag (the network holds 1,024 floats a token), so a text without
# sentence breaks would need memory in proportion to its whole length.  Sentences are shorter
# in news text and in the benchmark sets (the longest: 50 tokens in GermEval dev, 205 in
# CoNLL-2003 testa, 96 in Europarl; tests/test_nlp_scaling.py checks); longer ones are tagged
# in pieces (:func:`pieces`).
MAX_TOKENS = 250
# Tokens after which an over-long sentence is preferably cut.
_BREAKS = frozenset({",", ";", ":"})

_COARSE = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC"}


def coarse(label: str) -> str | None:
    """Map a GermEval tag or type to PER, LOC, ORG, MISC, or None for 'O'.

    Accepts 'B-PER', 'I-LOCpart', 'ORG', ...  Decisions:

    - ``OTH`` (works, events, products, ...) -> MISC.
    - ``*deriv`` -> MISC, whatever the base type: "kasachische" or "deutschen" is not a place
      mention but an adjective about one; CoNLL-2003 annotates such words MISC too.  Callers
      that want to link it to the place can look at the fine label themselves.
    - ``*part`` -> MISC as well: "OVKS-Truppen" or "SPD-Fraktion" is a compound that contains
      a name, and CoNLL-2003 newswire annotates exactly these as MISC; mapping them to the base
      type cost 1.5 F1 points (PER/LOC/ORG) on CoNLL testa.  Entity linking that wants the
      embedded name ("OVKS") should use the fine label (ORGpart) and strip the compound tail.
    """
    if label in ("O", ""):
        return None
    typ = label[2:] if label[:2] in ("B-", "I-") else label
    if typ.endswith(("deriv", "part")):
        return "MISC"
    return _COARSE.get(typ)


def pieces(tokens: Sequence[str], limit: int = MAX_TOKENS) -> list[tuple[int, int]]:
    """(start, end) token ranges that cut a sentence into pieces of at most ``limit`` tokens.

    A sentence of ``limit`` tokens or fewer is one piece (an empty one is ``[(0, 0)]``).  A longer
    one is cut from the left: each piece ends after the last ',', ';' or ':' in the second half
    of the next ``limit`` tokens, or after ``limit`` tokens where there is none.  Each cut
    depends only on the tokens before it, so a stream can be cut as it arrives.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    n = len(tokens)
    out: list[tuple[int, int]] = []
    start = 0
    while n - start > limit:
        cut = start + limit
        for j in range(start + limit - 1, start + limit // 2 - 1, -1):
            if tokens[j] in _BREAKS:
                cut = j + 1
                break
        out.append((start, cut))
        start = cut
    out.append((start, n))
    return out


class Tagger:
    """The shipped German tagger; ``tag`` and ``tag_sentences`` take pre-tokenised sentences.

    Two models vote per token: the CRF (``crf.py``) and the BiLSTM-CRF (``neural.py``).  Each
    gives label probabilities by forward-backward; the tagger mixes them,
    ``weight`` x CRF + (1 - ``weight``) x network, and decodes the mix with a BIO-constrained
    Viterbi.  ``weight`` = 1, or a model directory without the network, is the CRF alone.

    Neither model ever sees more than ``max_tokens`` tokens at once: a longer sentence is
    tagged in pieces (:func:`pieces`) and its tags are the pieces' tags one after the other.
    """

    def __init__(
        self,
        model_dir: Path = MODEL_DIR,
        weight: float = CRF_WEIGHT,
        batch: int = 128,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        from storylens.nlp.ner.crf import CRF

        self.model_dir = model_dir
        self.crf = CRF(model_dir / MODEL_FILE, model_dir / LEXICON_FILE)
        self.net = None
        if weight < 1.0 and (model_dir / NEURAL_FILE).exists():
            from storylens.nlp.ner.neural import Network

            self.net = Network(model_dir / NEURAL_FILE, self.crf.features.lexicon)
        self.weight = weight
        self.batch = batch
        self.max_tokens = max_tokens
        self.labels = chain.LABELS

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return self.tag_sentences([tokens])[0] if tokens else []

    def tag_sentences(
        self, sents: Iterable[Sequence[str]], *, document: bool = False
    ) -> list[list[str]]:
        """Tag each sentence; with ``document=True`` the sentences form one article and a
        name's labels are made consistent across it (see :func:`harmonise`)."""
        todo = [list(s) for s in sents]
        # Over-long sentences become several sequences for the models (``ranges`` keeps where
        # each sentence's pieces lie in ``seqs``); a sentence within the limit is one, itself.
        seqs: list[list[str]] = []
        ranges: list[tuple[int, int]] = []
        for s in todo:
            first = len(seqs)
            if len(s) <= self.max_tokens:
                seqs.append(s)
            else:
                seqs.extend(s[a:b] for a, b in pieces(s, self.max_tokens))
            ranges.append((first, len(seqs)))
        seq_tags = self._tag_sequences(seqs)
        tags = [seq_tags[a] if b == a + 1 else [t for k in range(a, b) for t in seq_tags[k]] for a, b in ranges]
        return harmonise(todo, tags) if document else tags

    def tag_scored(self, sents: Sequence[Sequence[str]]) -> list[tuple[list[str], list[float]]]:
        """Each sentence's tags and, per token, the models' probability that it belongs to a
        name (1 - P(O), from the mixed marginals): how sure the tagger is about a word it left
        out, for callers that weigh other evidence against it.  Sentences up to ``max_tokens``."""
        todo = [list(s) for s in sents]
        if any(len(s) > self.max_tokens for s in todo):
            raise ValueError(f"tag_scored takes sentences of at most {self.max_tokens} tokens")
        return self._batched(todo)

    def _tag_sequences(self, todo: list[list[str]]) -> list[list[str]]:
        if self.net is None:
            return [self.crf.tag(s) for s in todo]
        return [path for path, _ in self._batched(todo)]

    def _batched(self, todo: list[list[str]]) -> list[tuple[list[str], list[float]]]:
        """:meth:`tag_scored` for sentences within the limit, in batches of similar length
        (the network's recurrences run across a batch at once)."""
        out: list[tuple[list[str], list[float]]] = [([], []) for _ in todo]
        order = sorted((i for i, s in enumerate(todo) if s), key=lambda i: len(todo[i]))
        outside = chain.LABELS.index("O")
        for a in range(0, len(order), self.batch):
            idx = order[a : a + self.batch]
            paths, p = self._mixed([todo[i] for i in idx])
            for row, (i, path) in enumerate(zip(idx, paths, strict=True)):
                out[i] = (path, (1.0 - p[row, : len(path), outside]).tolist())
        return out

    def _mixed(self, sents: list[list[str]]) -> tuple[list[list[str]], np.ndarray]:
        """The BIO Viterbi paths of the mixed marginals, and the marginals."""
        crf_scores, lens = chain.pad(self.crf.scores(sents), len(chain.LABELS))
        p = chain.marginals(crf_scores, lens, self.crf.transitions)
        if self.net is not None:
            p *= self.weight
            net_scores, _ = self.net.scores(sents)
            p += (1.0 - self.weight) * chain.marginals(net_scores, lens, self.net.transitions)
        logp = np.log(np.maximum(p, 1e-12)).astype(np.float32)
        paths = [[chain.LABELS[j] for j in path] for path in chain.viterbi(logp, lens, BIO)]
        return paths, p


# The last part of a compound about the organisation named in its first part ("Likud-Partei",
# "Siemens-Konzern"); "Merkel-Regierung" or "Trump-Anhänger" say nothing of the kind.
_ORG_HEADS = frozenset("Partei Fraktion Bündnis Konzern Gruppe Verband Verein".split())


def _no_person(sents: Sequence[Sequence[str]], surnames: set[str], undecided: set[str]) -> set[str]:
    """Names a document shows to be no person, at least twice: the first part of a compound
    about a party or firm ("Likud-Partei", "Wendel-Gruppe") counts twice, a name right after an
    article ("dem Likud", "der Likud") once, unless it is the surname of a person named in full
    or a first name (feature pages write "das Mariedl", "der Rudi", and "der" is a relative
    pronoun too: "mit der Celmins arbeitet") or follows "von"/"van" ("von der Leyen").  The
    article counts only for the ``undecided`` names, which the model typed as a person in one
    place and otherwise in another ("der Rudi" of a feature page is a person throughout)."""
    cues: Counter[str] = Counter()
    for toks in sents:
        for i, tok in enumerate(toks):
            head, _, tail = tok.rpartition("-")
            if tail in _ORG_HEADS and head[:1].isupper() and "-" not in head:
                cues[head] += 2
            elif (i and toks[i - 1] in ARTICLES and tok[:1].isupper() and len(tok) > 1
                  and tok not in surnames and (i < 2 or toks[i - 2].lower() not in ("von", "van"))
                  and not is_first_name(tok) and tok in undecided):
                cues[tok] += 1
    return {tok for tok, n in cues.items() if n >= 2}


def harmonise(sents: Sequence[Sequence[str]], tags: list[list[str]]) -> list[list[str]]:
    """One-token names keep one type within a document.

    A news article names 'Almaty' or 'Tokajew' many times; the CRF sees one sentence at a time
    and now and then calls one occurrence PER or nothing.  Where a capitalised word forms a
    one-token entity of type T at least twice, and T is more than half of all its
    occurrences, its other one-token occurrences (and its occurrences outside any entity)
    become B-T.  The last token of a person's name of two or more tokens counts as that
    person's surname: its one-token occurrences (and its genitive in -s) become B-PER unless
    the vote decides otherwise.  A name the document shows to be no person
    (:func:`_no_person`: "der Likud", "Likud-Partei") is none, although the model read
    "Netanjahus Likud" as one; it takes its other type in the vote, else ORG.  Tokens inside
    longer entities are left alone.
    """
    votes: dict[str, Counter[str]] = {}
    for toks, tg in zip(sents, tags, strict=True):
        for i, tok in enumerate(toks):
            if len(tok) < 2 or not tok[:1].isupper():
                continue
            nxt = tg[i + 1] if i + 1 < len(tg) else "O"
            if tg[i] == "O" and not nxt.startswith("I-"):
                votes.setdefault(tok, Counter())["O"] += 1
            elif tg[i].startswith("B-") and not nxt.startswith("I-"):
                votes.setdefault(tok, Counter())[tg[i][2:]] += 1
    decided: dict[str, str] = {}
    # A person named in full once ('Peter Hartmann') is then named by surname alone, also in
    # the genitive ('Hartmanns'); surnames that are also common words ('Hartmann', 'Vogel',
    # 'Kern') are easy for the CRF to miss.  +1.4 F1 (PER/LOC/ORG) on CoNLL-2003 testa.
    surnames: set[str] = set()
    words = {tok for toks in sents for tok in toks}
    for toks, tg in zip(sents, tags, strict=True):
        for a, b, typ in sorted(spans(list(tg))):
            last = toks[b - 1]
            # Not a name after another name's genitive: "Netanjahus Likud" names no Likud.
            after_genitive = toks[a].endswith("s") and toks[a][:-1] in words
            if typ == "PER" and b - a >= 2 and last[:1].isupper() and len(last) > 1 and not after_genitive:
                decided[last] = "B-PER"
                surnames.add(last)
    for tok, counter in votes.items():
        (typ, n), = counter.most_common(1)
        if typ in ("PER", "LOC", "ORG", "OTH") and n >= 2 and n * 2 > sum(counter.values()):
            decided[tok] = "B-" + typ
    # The genitive of a surname the vote leaves a person is that person's, whatever the model
    # read it as alone ("die Führung Netanjahus" is no place).
    decided.update((last + "s", "B-PER") for last in surnames if decided[last] == "B-PER")
    undecided = {tok for tok, c in votes.items() if c["PER"] and any(c[t] for t in ("LOC", "ORG", "OTH"))}
    for tok in _no_person(sents, surnames, undecided):
        counter = votes.get(tok, Counter())
        if decided.get(tok) == "B-PER" or counter["PER"]:
            other = [(n, typ) for typ, n in counter.items() if typ in ("LOC", "ORG", "OTH")]
            decided[tok] = "B-" + (max(other)[1] if other else "ORG")
    if not decided:
        return tags
    out = []
    for toks, tg in zip(sents, tags, strict=True):
        new = list(tg)
        for i, tok in enumerate(toks):
            want = decided.get(tok)
            if want is None or new[i] == want:
                continue
            nxt = new[i + 1] if i + 1 < len(new) else "O"
            prev_inside = i > 0 and new[i - 1] != "O" and new[i] != "O" and new[i][:2] == "I-"
            if not nxt.startswith("I-") and not prev_inside and new[i][:2] != "I-":
                new[i] = want
        out.append(new)
    return out


@lru_cache(maxsize=1)
def load_tagger() -> Tagger:
    """The shipped model, loaded once per process."""
    return Tagger()


def tag_conll(lines: Iterable[str], tagger: Tagger | None = None) -> Iterator[str]:
    """The ``storylens ner FILE`` contract, line in, line out (without newlines).

    Token = first whitespace-separated column; a blank line ends a sentence; lines starting
    with '#' or '-DOCSTART-' pass through unchanged (in place, also inside a sentence).

    Once a '-DOCSTART-' line has been seen, the sentences between two such lines are one
    document and are tagged with ``document=True`` (names keep one type per article; +0.6 F1
    on CoNLL-2003 testa).  Files without '-DOCSTART-' are tagged sentence by sentence.
    """
    tagger = tagger or load_tagger()
    # A document is a list of items: a raw line to pass through (str) or a sentence, i.e. a
    # list of (raw line, token or None for a pass-through line inside the sentence).
    doc: list[str | list[tuple[str, str | None]]] = []
    sentence: list[tuple[str, str | None]] = []
    documents = False
    pending = 0  # sentences waiting in ``doc``

    def flush_doc() -> Iterator[str]:
        sents = [item for item in doc if isinstance(item, list)]
        tokens = [[tok for _, tok in s if tok is not None] for s in sents]
        tags = iter(tagger.tag_sentences(tokens, document=documents))
        for item in doc:
            if isinstance(item, str):
                yield item
                continue
            stags = iter(next(tags))
            for raw, tok in item:
                yield raw if tok is None else f"{tok}\t{next(stags)}"
        doc.clear()

    for line in lines:
        line = line.rstrip("\r\n")
        if line.startswith("-DOCSTART-") and not sentence:
            yield from flush_doc()
            documents = True
            doc.append(line)
        elif line.startswith("#") or line.startswith("-DOCSTART-"):
            sentence.append((line, None))
        elif not line.strip():
            if sentence:
                doc.append(sentence)
                sentence = []
                pending += 1
            doc.append("")
            # Without documents, sentences are tagged independently, a batch at a time (the
            # network runs a batch of sentences in one pass).
            if not documents and pending >= tagger.batch:
                yield from flush_doc()
                pending = 0
        else:
            sentence.append((line, line.split()[0]))
    if sentence:
        doc.append(sentence)
    yield from flush_doc()


def tag_text(text: str, tagger: Tagger | None = None) -> list[tuple[int, int, str]]:
    """Entity spans in running text: (start, end, GermEval type) with offsets into ``text``.

    Sentences and tokens come from syntok, as elsewhere in storylens; a span runs from its
    first token's start to its last token's end, so 'Kassym-Schomart Tokajew' keeps its hyphen.
    The text is one document: names keep one type across it (:func:`harmonise`).
    """
    from storylens.nlp.segment import token_sentences

    tagger = tagger or load_tagger()
    sents = list(token_sentences(text))  # (start, end, token) per token
    all_tags = tagger.tag_sentences([[t[2] for t in s] for s in sents], document=True)
    out: list[tuple[int, int, str]] = []
    for toks, tags in zip(sents, all_tags, strict=True):
        start = -1
        typ = ""
        for i, tag in enumerate([*tags, "O"]):
            if tag == "O" or tag.startswith("B-") or tag[2:] != typ:
                if start >= 0:
                    out.append((toks[start][0], toks[i - 1][1], typ))
                    start, typ = -1, ""
                if tag != "O":
                    start, typ = i, tag[2:]
    return out
