"""How names and emails are matched: the case-folded keys stored beside them and looked up by."""

from __future__ import annotations

import re

_NOT_DIGIT = re.compile(r"[^0-9]+")
_PHONE_TEXT = re.compile(r"\+?[0-9 ()./-]+")


def name_key(name: str) -> str:
    """A name with its whitespace collapsed, case-folded: `Li  Lei` and `li lei` are one person."""
    return " ".join(name.split()).casefold()


def email_key(email: str) -> str:
    return email.strip().lower()


PHONE_DIGITS = 7  # a phone with fewer digits is not one to match people by


def phone_key(phone: str | None) -> str | None:
    """A phone's digits, by which two rows are the same person (`138-0000 0001` and
    `13800000001`); None when it has fewer than `PHONE_DIGITS`."""
    digits = phone_digits(phone)
    return digits if len(digits) >= PHONE_DIGITS else None


def phone_digits(phone: str | None) -> str:
    """A phone's digits alone (an empty text for no phone)."""
    return _NOT_DIGIT.sub("", phone) if phone else ""


def written_as_phone(text: str) -> bool:
    """Whether a reference (`reports_to`, `successor`) names someone by phone: digits (at least
    `PHONE_DIGITS`), spaces, `+ ( ) . / -` and nothing else."""
    return bool(_PHONE_TEXT.fullmatch(text.strip())) and phone_key(text) is not None


def names_several(written: str, account: str, people: list[tuple[str, str | None, str | None]], *, n: int,
                  by_phone: bool = False) -> str:  # fmt: skip
    """The problem of a reference that names several contacts (namesakes, or people sharing a
    phone), `people` being (name, email, phone) of the first of them: who they are, and how to
    name one."""
    who = ", ".join(f"{name} <{email or phone or 'no email or phone'}>" for name, email, phone in people[:5])
    more = f" and {n - 5} more" if n > 5 else ""
    how = "its email" if by_phone else "its email or phone"
    return f"{written!r} names {n} contacts at {account} ({who}{more}); name one by {how}"
