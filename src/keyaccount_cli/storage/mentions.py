"""A person's mentions in the texts kam stores, for `kam forget`: what is theirs (every name they
had, their emails and phones), how each is found as a whole (never inside a longer name or word),
and the pass over every stored text that puts a placeholder in its place.

Matching, case-insensitive:
- A name, email or phone that starts or ends with a letter or digit of a script that spaces its
  words (Latin, Cyrillic, ...) needs a non-word character (or the text's edge) on that side, and
  not a hyphen, "@" or a dot joining it to more: "Li" matches in "Li and Lina", "Li's" and
  "和Li见面", never in "Lina", "Olivia", "Jean-Li" or "li@other.example".
- Chinese, Japanese and Korean characters match where they stand, since those scripts do not
  space their words: 李娜 matches in "与李娜会面".
- Names under 2 characters are not searched in free text at all (王 would match in every 王总);
  they are replaced where a stored value is exactly the name, or an item of a stored list of
  names (an opportunity's contacts, the key people in a health explanation).
- Whitespace inside a name matches any run of whitespace.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import or_, select, update

from ..domain.keys import name_key
from .models import Account, Change, Contact, HandoverStep, HealthScore, Interaction

FORGOTTEN = "[forgotten]"

# Hiragana, Katakana, CJK ideographs (with extension A and compatibility forms), Hangul
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_WORD = rf"[^\W{_CJK}]"  # a letter, digit or _ of a script that spaces its words
_DATED = r" \d{4}-\d{2}-\d{2}"  # "王 2026-10-01": a key person's change in a health explanation


def _pattern(value: str) -> str:
    """`value` as a whole, where it starts or ends with a spaced-script character: not inside a
    longer word, hyphenated name, email address or domain ("Li" is not in "Jean-Li", "li@x.example")."""
    body = r"\s+".join(re.escape(part) for part in value.split())
    before = rf"(?<!{_WORD})(?<![@.+\-])" if re.match(_WORD, value) else ""
    after = rf"(?!{_WORD}|[@\-]|\.{_WORD})" if re.match(_WORD, value[-1]) else ""
    return before + body + after


def _longest_first(values: Iterable[str]) -> list[str]:
    return sorted(values, key=lambda v: (-len(v), v))


class Mentions:
    """The person's names, emails and phones, and the texts with each replaced by `FORGOTTEN`."""

    def __init__(self, names: Iterable[str], emails: Iterable[str], phones: Iterable[str]) -> None:
        clean = lambda values: {" ".join(v.split()) for v in values if v and v.strip()}  # noqa: E731
        names, emails, phones = clean(names), clean(emails), clean(phones)
        self.whole = {name_key(v) for v in names | emails | phones}
        searched = [(v, _pattern(v)) for v in names | emails | phones if len(v) >= 2]
        searched.sort(key=lambda item: (-len(item[0]), item[0]))
        self._free = re.compile("|".join(p for _, p in searched), re.IGNORECASE) if searched else None
        items = "|".join(_pattern(n) for n in _longest_first(names))
        self._listed = (
            re.compile(rf"(?:^|(?<=, )|(?<=: ))(?:{items})(?=, |$|{_DATED})", re.IGNORECASE) if names else None
        )
        # what a stored text must contain (case aside) to be worth a look: the longest word of each
        self.needles = sorted({max(v.split(), key=len) for v in names | emails | phones})

    def free(self, text: str) -> str:
        """Free text (a summary, notes): every whole mention."""
        return self._free.sub(FORGOTTEN, text) if self._free is not None else text

    def value(self, text: str) -> str:
        """A field's value in the history: all of it when it is the name, email or phone, else as free text."""
        return FORGOTTEN if name_key(text) in self.whole else self.free(text)

    def listed(self, text: str) -> str:
        """A text listing names (", "-separated, or "NAME YYYY-MM-DD"): short names too, as whole items."""
        if self._listed is not None:
            text = self._listed.sub(FORGOTTEN, text)
        return self.free(text)

    def document(self, text: str) -> str:
        """A JSON document (a recorded health score): every string in it, as a list of names."""
        record = json.loads(text)
        cleared = _each_string(record, self.listed)
        return text if cleared == record else json.dumps(cleared, ensure_ascii=False)


def _each_string(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_each_string(v, change) for v in value]
    if isinstance(value, dict):
        return {k: _each_string(v, change) for k, v in value.items()}
    return value


def person_mentions(conn: Any, contact_ids: list[int]) -> Mentions:
    """What is the person's (`contact_ids`: their record at each account): their names, emails and
    phones, current and earlier (from their own history). Read before their rows are deleted."""
    c, ch = Contact.__table__, Change.__table__  # type: ignore[attr-defined]
    found: dict[str, set[str]] = {"name": set(), "email": set(), "phone": set()}
    for name, email, phone in conn.execute(select(c.c.name, c.c.email, c.c.phone).where(c.c.id.in_(contact_ids))):
        found["name"].add(name)
        found["email"].add(email or "")
        found["phone"].add(phone or "")
    earlier = select(ch.c.field, ch.c.old, ch.c.new).where(
        ch.c.entity == "contact", ch.c.entity_id.in_(contact_ids), ch.c.field.in_(list(found)))  # fmt: skip
    for field, old, new in conn.execute(earlier):
        found[field].update(v for v in (old, new) if v)
    return Mentions(found["name"], found["email"], found["phone"])


def _like(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# Every stored text a person may be mentioned in, and how it is read. The history's values are
# read by `_history_text` (by field).
TEXTS: list[tuple[Any, str, str]] = [
    (Change, "old", "history"), (Change, "new", "history"), (Interaction, "summary", "free"),
    (HandoverStep, "notes", "free"), (Contact, "notes", "free"), (Account, "notes", "free"),
    (HealthScore, "detail", "json"),
]  # fmt: skip


def _history_text(mentions: Mentions, field: str, text: str) -> str:
    return mentions.listed(text) if field.endswith(": contacts") else mentions.value(text)


def erase_mentions(conn: Any, mentions: Mentions) -> int:
    """Put `FORGOTTEN` for the person's mentions in every text of `TEXTS`, on the caller's
    transaction. Returns the number of texts changed."""
    if not mentions.needles:
        return 0
    changed = 0
    for model, column, how in TEXTS:
        t = model.__table__
        col = t.c[column]
        extra = [t.c.field] if how == "history" else []
        query = select(t.c.id, col, *extra).where(or_(*(col.ilike(_like(n), escape="\\") for n in mentions.needles)))
        for id_, text, *field in conn.execute(query).all():
            if how == "history":
                new = _history_text(mentions, field[0], text)
            else:
                new = mentions.document(text) if how == "json" else mentions.free(text)
            if new != text:
                conn.execute(update(t).where(t.c.id == id_).values({column: new}))
                changed += 1
    return changed
