"""Checks shared by the tests that run the command line as a user does."""

from __future__ import annotations

import subprocess


def one_line_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """The failed command's last stderr line: exit code 1, no traceback, `error: ...` holding
    every fragment."""
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: "), proc.stderr
    for fragment in fragments:
        assert fragment in last, last
    return last
