"""How names and emails are matched: the case-folded keys stored beside them and looked up by."""

from __future__ import annotations


def name_key(name: str) -> str:
    """A name with its whitespace collapsed, case-folded: `Li  Lei` and `li lei` are one person."""
    return " ".join(name.split()).casefold()


def email_key(email: str) -> str:
    return email.strip().lower()
