"""One cell of a contacts file (or one command-line option) → its canonical value.

A column's words repeat, so the import keeps, per column, each distinct text's value (`Parsed`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..domain.keys import email_key, name_key
from ..domain.our_side import parse_people
from ..domain.vocab import VocabError, Vocabulary, join_multi, parse_bool, parse_date

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# a non-empty cell, between NULs, that is not an email address
NOT_EMAIL = re.compile(r"(?:^|\x00)(?![^@\s\x00]+@[^@\s\x00]+(?:\x00|$))[^\x00]")
SINGLE = ("decision_power", "attitude", "status", "change_risk", "change_kind")
MULTI = ("roles", "concerns")
# the columns whose values are kept per distinct text
CACHED = (*SINGLE, *MULTI, "can_sign", "project_owner", "change_date", "our_contacts")


def parse_cell(field_name: str, raw: str, vocab: Vocabulary) -> Any:
    """The canonical value of one non-empty cell; raises VocabError with the reason."""
    if field_name in SINGLE:
        return vocab.one(field_name, raw)
    if field_name in MULTI:
        return join_multi(vocab.many(field_name, raw))
    if field_name in ("can_sign", "project_owner"):
        return parse_bool(raw)
    if field_name == "change_date":
        return parse_date(raw)
    if field_name == "our_contacts":
        return parse_people(raw)
    if field_name == "email":
        value = email_key(raw)
        if not EMAIL.match(value):
            raise VocabError(f"not an email address {raw!r}")
        return value
    if field_name in ("name", "account"):
        return " ".join(raw.split())
    return raw


def option_values(vocab: Vocabulary, given: dict[str, Any], options: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Values from command-line options (`kam add` / `kam set`) parsed exactly as import cells.

    `given` maps field names to the option's text (or list of texts); None means
    "not given". An empty text clears the field (status goes back to `active`). A bad value is a
    VocabError that names the option (`options`: field → option, else `--field`).
    """
    out: dict[str, Any] = {}
    for f, raw in given.items():
        if raw is None:
            continue
        if isinstance(raw, list | tuple):
            if not raw:
                continue
            raw = ";".join(raw)
        raw = str(raw).strip()
        if not raw:
            if f == "name":
                raise VocabError("a contact's name cannot be empty")
            out[f] = "active" if f == "status" else None
            continue
        try:
            out[f] = parse_cell(f, raw, vocab)
        except VocabError as exc:
            raise VocabError(f"{(options or {}).get(f) or '--' + f.replace('_', '-')}: {exc}") from None
    if "name" in out:
        out["name_key"] = name_key(out["name"])
    return out


class Bad:
    """A cell that does not parse, and why."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class Parsed(dict[str, Any]):
    """Cell text → stored value. A column's words repeat, so each distinct text is parsed
    once and every other cell is one dictionary lookup."""

    LIMIT = 20_000  # distinct texts kept per column: free text must not fill the memory

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__({"": None})
        self.parse = parse
        self.bad = 0  # texts that did not parse (never kept, so each one is counted)

    def __missing__(self, raw: str) -> Any:
        try:
            value = self.parse(raw)
        except VocabError as exc:
            self.bad += 1
            return Bad(str(exc))
        if len(self) >= self.LIMIT:  # start again: the texts seen lately are the likely ones
            self.clear()
            self[""] = None
        self[raw] = value
        return value


def squash(text: str) -> str:
    """Runs of white space as one space, none at the ends."""
    return " ".join(text.split())


def account(raw: str) -> tuple[str, str]:
    """An account cell's name and key."""
    name = squash(raw)
    return name, name_key(name)


def column_caches(vocab: Vocabulary, stored_value: Callable[[Any], Any]) -> dict[str, Parsed]:
    """A cache per vocabulary, yes/no and date column: text → value as the driver stores it."""

    def parser(f: str) -> Callable[[str], Any]:
        return lambda raw: stored_value(parse_cell(f, raw, vocab))

    return {f: Parsed(parser(f)) for f in CACHED}
