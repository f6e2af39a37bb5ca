"""Path or stdin -> bytes, safely: regular files only, and never more than the size limit."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from storylens.config import settings
from storylens.errors import Code, InputError

_SPECIAL = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
            (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def os_reason(exc: OSError) -> str:
    """The reason an OS error gives, as the E001 message words it."""
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)


def _special(mode: int) -> str | None:
    """Why a file of this mode cannot be read as an article, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "it is a directory"
    kind = next((name for test, name in _SPECIAL if test(mode)), "a special file")
    return f"not a regular file ({kind})"


def open_file(path: str | Path) -> BinaryIO:
    """Open a regular file for reading; anything else is refused from its metadata, unopened.

    A FIFO would block the open until a writer comes and a device (/dev/zero) never ends. The
    open itself does not block either, in case the path was swapped for a FIFO since the check.
    """
    name = str(path)
    try:
        problem = _special(os.stat(path).st_mode)
        if problem is None:
            handle = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")
            problem = _special(os.fstat(handle.fileno()).st_mode)
            if problem is None:
                os.set_blocking(handle.fileno(), True)
                return handle
            handle.close()
    except OSError as exc:
        raise InputError(Code.E001, path=name, reason=os_reason(exc)) from exc
    raise InputError(Code.E001, path=name, reason=problem)


def read_limited(stream: BinaryIO, name: str, limit: int) -> bytes:
    """All of a stream, refused once it passes ``limit`` bytes (never more is held)."""
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise InputError(Code.E001, path=name, reason=os_reason(exc)) from exc
    if len(data) > limit:
        raise InputError(Code.E005, path=name, size=f"more than {limit}", limit=limit)
    return data


def load_bytes(source: str | Path) -> tuple[bytes, str]:
    """The bytes of a regular file or of stdin (``-``), at most ``input.max_bytes`` of them."""
    limit = settings().input.max_bytes
    if str(source) == "-":
        if sys.stdin is None:
            raise InputError(Code.E001, path="<stdin>", reason="stdin is closed")
        return read_limited(sys.stdin.buffer, "<stdin>", limit), "<stdin>"
    name = str(source)
    with open_file(source) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise InputError(Code.E005, path=name, size=size, limit=limit)
        return read_limited(handle, name, limit), name
