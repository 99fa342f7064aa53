"""Messages to people on stderr: what a command did, said unless `-q`/`--quiet` (global) asks for
nothing but data and errors (docs/spec.md §13). Problems (`kam: …` lines) are always written."""

from __future__ import annotations

import sys

_state = {"quiet": False}


def be_quiet(on: bool) -> None:
    """Say nothing but data and errors from now on (`-q`), or say it all again."""
    _state["quiet"] = on


def quiet() -> bool:
    """Whether `-q` asked for nothing but data and errors."""
    return _state["quiet"]


def note(message: str) -> None:
    """One line on stderr about what was done, unless quiet."""
    if not _state["quiet"]:
        sys.stderr.write(message + "\n")
