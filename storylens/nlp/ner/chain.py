"""Linear-chain arithmetic shared by the CRF and the neural tagger: the label set, the BIO
constraint, forward-backward marginals and Viterbi decoding, batched in NumPy.

A batch is an array of scores (sentences, positions, labels) padded to the longest sentence,
with the real lengths alongside.  Transition matrices have one row per label plus a last
row for the sentence start: ``trans[i, j]`` is the score of label j after label i, and
``trans[-1, j]`` that of label j opening the sentence.
"""

from __future__ import annotations

import numpy as np

TYPES = tuple(t + s for t in ("PER", "LOC", "ORG", "OTH") for s in ("", "deriv", "part"))
LABELS: tuple[str, ...] = ("O", *("B-" + t for t in TYPES), *("I-" + t for t in TYPES))
INDEX = {label: i for i, label in enumerate(LABELS)}
# Added to a transition BIO forbids (I-X after anything but B-X or I-X, or at the start).
FORBIDDEN = -1e9


def bio_mask() -> np.ndarray:
    """(labels + 1, labels) additive mask: 0 where BIO allows the step, FORBIDDEN where not."""
    n = len(LABELS)
    ok = np.ones((n + 1, n), dtype=bool)
    for j, label in enumerate(LABELS):
        if label.startswith("I-"):
            ok[:, j] = False
            ok[INDEX["B-" + label[2:]], j] = True
            ok[j, j] = True
    return np.where(ok, 0.0, FORBIDDEN).astype(np.float32)


def marginals(scores: np.ndarray, lens: np.ndarray, trans: np.ndarray) -> np.ndarray:
    """Posterior label probabilities (sentences, positions, labels) by forward-backward.

    ``scores``: per-position label scores; ``trans``: (labels + 1, labels) as in the module
    doc.  Runs in probability space, each step renormalised (the scaled forward-backward),
    so a step is one small matrix product.  Padded positions come back as zeros.
    """
    b, t, n = scores.shape
    live = np.arange(t)[None, :] < lens[:, None]
    # A constant per position cancels in the posteriors; the shift keeps exp() in range.
    s = scores.astype(np.float64)
    emit = np.exp(np.maximum(s - s.max(2, keepdims=True), -700.0))
    step = np.exp(trans[:n].astype(np.float64))
    start = np.exp(trans[n].astype(np.float64) - trans[n].max())
    alpha = np.empty((b, t, n))
    alpha[:, 0] = _unit(emit[:, 0] * start)
    for i in range(1, t):
        alpha[:, i] = np.where(live[:, i, None], _unit((alpha[:, i - 1] @ step) * emit[:, i]), alpha[:, i - 1])
    beta = np.ones((b, t, n))
    for i in range(t - 2, -1, -1):
        beta[:, i] = np.where(live[:, i + 1, None], _unit((emit[:, i + 1] * beta[:, i + 1]) @ step.T), 1.0)
    post = _unit(alpha * beta)
    post[~live] = 0.0
    return post


def _unit(x: np.ndarray) -> np.ndarray:
    """Rows (last axis) scaled to sum to one."""
    return x / np.maximum(x.sum(-1, keepdims=True), 1e-300)


def viterbi(scores: np.ndarray, lens: np.ndarray, trans: np.ndarray) -> list[list[int]]:
    """Best label path of each sentence (label indices), over scores and transitions."""
    b, t, n = scores.shape
    best = scores[:, 0] + trans[n][None]
    back = np.zeros((b, t, n), dtype=np.int16)
    step = trans[:n][None]
    for i in range(1, t):
        cand = best[:, :, None] + step
        arg = cand.argmax(1)
        new = np.take_along_axis(cand, arg[:, None, :], 1)[:, 0] + scores[:, i]
        best = np.where((i < lens)[:, None], new, best)
        back[:, i] = arg
    paths = []
    for k in range(b):
        j = int(best[k].argmax())
        path = [j]
        for i in range(int(lens[k]) - 1, 0, -1):
            j = int(back[k, i, j])
            path.append(j)
        paths.append(path[::-1])
    return paths


def pad(rows: list[np.ndarray], width: int) -> tuple[np.ndarray, np.ndarray]:
    """Stack per-sentence (length, width) arrays into a zero-padded batch and its lengths."""
    lens = np.array([len(r) for r in rows])
    out = np.zeros((len(rows), int(lens.max()), width), dtype=np.float32)
    for k, r in enumerate(rows):
        out[k, : len(r)] = r
    return out, lens
