"""Settings: the packaged commented default file with the user's file layered over it."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from storylens.errors import Code, ConfigError

USER_CONFIG = Path.home() / ".config" / "storylens" / "config.toml"
# No number in the settings may be negative; these may not be 0 either (sizes, limits, counts).
POSITIVE = frozenset({
    ("input", "max_bytes"), ("input", "fetch_timeout"), ("analysis", "max_chars"),
    ("embedding", "threads"), ("stories", "index_capacity"), ("stories", "neighbours"),
    ("stories", "lead_sentences"), ("stories", "lead_chars"), ("stories", "batch"),
    ("stories", "names_dim"),
})


class Section:
    """Read-only attribute access over one settings table."""

    def __init__(self, name: str, values: dict[str, Any]) -> None:
        self._name = name
        self._values = values

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"{self._name}.{key}") from None

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)


class Settings:
    def __init__(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data
        for name, table in data.items():
            setattr(self, name, Section(name, table))

    def __getattr__(self, name: str) -> Section:
        # Only reached for sections that do not exist (the others are instance attributes).
        raise AttributeError(f"no settings section [{name}]")

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self._data.items()}


def _defaults() -> dict[str, dict[str, Any]]:
    text = resources.files("storylens").joinpath("default_config.toml").read_text("utf-8")
    return tomllib.loads(text)


def _layer(base: dict[str, dict[str, Any]], user: dict[str, Any], path: Path) -> None:
    for section, table in user.items():
        if section not in base or not isinstance(table, dict):
            raise ConfigError(Code.E012, path=path, reason=f"unknown section [{section}]")
        for key, value in table.items():
            if key not in base[section]:
                raise ConfigError(Code.E012, path=path, reason=f"unknown key {section}.{key}")
            expected = type(base[section][key])
            number = expected in (int, float)
            if (not isinstance(value, expected) and not (expected is float and isinstance(value, int))) or (
                number and isinstance(value, bool)
            ):
                reason = f"{section}.{key} must be {expected.__name__}"
                raise ConfigError(Code.E012, path=path, reason=reason)
            if number and (value < 0 or (value == 0 and (section, key) in POSITIVE)):
                least = "more than 0" if (section, key) in POSITIVE else "0 or more"
                raise ConfigError(Code.E012, path=path, reason=f"{section}.{key} must be {least}, not {value}")
            base[section][key] = value


def _readable_user_config() -> bool:
    """Whether the user's config file is there; a home directory this user may not look into
    (a service account with another's HOME) counts as no file, not as an error."""
    try:
        return USER_CONFIG.is_file()
    except OSError:
        return False


def load_settings(path: str | Path | None = None) -> Settings:
    data = _defaults()
    candidate = Path(path) if path else None
    if candidate is None and os.environ.get("STORYLENS_CONFIG"):
        candidate = Path(os.environ["STORYLENS_CONFIG"])
    if candidate is None and _readable_user_config():
        candidate = USER_CONFIG
    if candidate is not None:
        try:
            user = tomllib.loads(candidate.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(Code.E012, path=candidate, reason=str(exc).splitlines()[0]) from exc
        _layer(data, user, candidate)
    return Settings(data)


@lru_cache(maxsize=1)
def settings() -> Settings:
    """Process-wide settings (loaded once)."""
    return load_settings()
