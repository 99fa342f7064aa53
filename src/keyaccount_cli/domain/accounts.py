"""The fields of an account that `kam set-account` changes (docs/spec.md §8), and how an option's text
becomes a field's value: pure rules, no database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import KamError
from .vocab import VocabError, Vocabulary, parse_date

# the fields `kam set-account` sets, in the order of its options; each option is `--` + the field
# with `-` for `_` (`renewal_date`: `--renewal-date`)
SETTABLE = ("owner", "tier", "industry", "renewal_date", "status", "notes")
# the vocabulary of a field that takes one
VOCABULARY_OF = {"tier": "tier", "status": "account_status"}


def option_of(field: str) -> str:
    return "--" + field.replace("_", "-")


def account_values(vocab: Vocabulary, given: Mapping[str, str | None]) -> dict[str, Any]:
    """The values of the options given (field → text; None: not given), each parsed; an empty text
    clears a field, but an account always has a status. A bad value is a VocabError naming the
    option and the value; no option at all is a KamError saying what to give."""
    out: dict[str, Any] = {}
    for field, raw in given.items():
        if raw is None:
            continue
        option, text = option_of(field), raw.strip()
        if not text:
            if field == "status":
                raise VocabError(
                    f"{option}: an account always has a status; accepted: {vocab.accepted('account_status')}"
                )
            out[field] = None
            continue
        try:
            out[field] = _parse(vocab, field, text)
        except VocabError as exc:
            raise VocabError(f"{option}: {exc}") from None
    if not out:
        options = ", ".join(option_of(f) for f in SETTABLE)
        raise KamError(f"nothing to change: give at least one of {options} (kam set-account --help)")
    return out


def _parse(vocab: Vocabulary, field: str, text: str) -> Any:
    if field in VOCABULARY_OF:
        return vocab.one(VOCABULARY_OF[field], text)
    if field == "renewal_date":
        return parse_date(text)
    if field == "notes":
        return text
    return " ".join(text.split())  # owner, industry: a name
