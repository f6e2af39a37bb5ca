"""One catalogue of user-facing errors.

Every error a user can cause has a code and an actionable one-line message. The CLI prints
``error[E###]: message`` and exits 1; the API returns it with a 4xx status.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    E001 = "Cannot read {path}: {reason}."
    E002 = "{path} is empty: an article needs some text."
    E003 = "{path} looks binary ({reason}), not an article: give plain text, HTML or JSON."
    E004 = "{path} could not be decoded as text in any known encoding."
    E005 = "{path} is {size} bytes, above the limit of {limit} bytes (set input.max_bytes)."
    E006 = "{path} holds no article text: {reason}."
    E007 = "{path}: malformed JSON{where}: {reason}."
    E008 = "{path}: JSON record{where} has no 'text' field (keys: {keys})."
    E009 = "{path}: HTML page has no extractable article text."
    E010 = "{path} line {line}: {reason}."
    E011 = "Unknown {kind} '{name}': choose one of {choices}."
    E012 = "Config file {path} is invalid: {reason}."
    E013 = "{path} holds {count} records; expected exactly one article here (use ingest for many)."
    E014 = "{what} not found: {name}."
    E015 = "Refusing to fetch {url}: {reason} (use --allow-private for local servers)."
    E016 = "Cannot fetch {url}: {reason}."
    E017 = "Another ingest is writing to {db}; run one ingest per store at a time."
    E018 = ("{db} holds article vectors made as {stored}; the current settings make {current}: "
            "ingest with the settings the store was built with, or into a new store.")
    E019 = "{db} cannot be used as a storylens store: {reason}."
    E020 = "Invalid {what} '{value}': {reason}."
    E021 = "{path}: JSON record{where}: {what} is {found}, not {expected}."
    E022 = "Cannot write {path}: {reason}."
    E023 = "Story id '{name}' is ambiguous: more than one story id starts with it ({ids}); give more of it."


class StorylensError(Exception):
    """Base class: carries a catalogue code and a formatted one-line message."""

    def __init__(self, code: Code, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(code.value.format(**params))

    @property
    def message(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return f"[{self.code.name}] " + self.code.value.format(**self.params)


class InputError(StorylensError):
    """The user gave input storylens cannot read as an article."""


class ConfigError(StorylensError):
    """A setting or a choice is invalid."""


class NotFoundError(StorylensError):
    """A requested item does not exist."""
