"""A person's mentions in the texts kam stores, for `kam forget`: what is theirs (every name they
had, their emails and phones), how each is found as a whole (never inside a longer name or word),
and the pass over every stored text that puts a placeholder in its place.

Which texts: those of the person's own accounts (the accounts of all their records) only, since
a text at another account is about other people: the history of those accounts (their
opportunities' too), their interactions, notes, contacts' notes, handover steps and health scores.

Matching: a name as stored, case and all ("Will" the name is not "will" the word); an email or
phone in any case. A name that another remaining contact at those accounts also has (the same
name key) is not searched at all: kam cannot tell whom a text means by it. Nor is a name where
it is part of a longer name of another remaining contact ("Li" in "Li Wei's deputy"). Otherwise:
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
from .models import Account, Change, Contact, Handover, HandoverStep, HealthScore, Interaction

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


def _clean(values: Iterable[str]) -> set[str]:
    return {" ".join(v.split()) for v in values if v and v.strip()}


class Mentions:
    """The person's names, emails and phones, and the texts with each replaced by `FORGOTTEN`;
    `protected`: longer names of other people, left whole where one of the names is part of them."""

    def __init__(
        self,
        names: Iterable[str],
        emails: Iterable[str],
        phones: Iterable[str],
        *,
        accounts: Iterable[int] = (),
        protected: Iterable[str] = (),
    ) -> None:
        names, emails, phones = _clean(names), _clean(emails), _clean(phones)
        self.accounts = sorted(set(accounts))
        self._names, self._contacts = names, {name_key(v) for v in emails | phones}
        searched = [(v, _pattern(v)) for v in names if len(v) >= 2]
        searched += [(v, f"(?i:{_pattern(v)})") for v in emails | phones if len(v) >= 2]
        kept = [(v, f"(?P<keep{i}>{_pattern(v)})") for i, v in enumerate(_clean(protected) - names)]
        searched = sorted(searched + kept, key=lambda item: (-len(item[0]), item[0]))
        self._free = re.compile("|".join(p for _, p in searched)) if searched else None
        items = "|".join(_pattern(n) for n in _longest_first(names))
        self._listed = re.compile(rf"(?:^|(?<=, )|(?<=: ))(?:{items})(?=, |$|{_DATED})") if names else None
        # what a stored text must contain (case aside) to be worth a look: the longest word of each
        self.needles = sorted({max(v.split(), key=len) for v in names | emails | phones})

    def free(self, text: str) -> str:
        """Free text (a summary, notes): every whole mention."""
        if self._free is None:
            return text
        return self._free.sub(lambda m: m[0] if any(m.groupdict().values()) else FORGOTTEN, text)

    def value(self, text: str) -> str:
        """A field's value in the history: all of it when it is the name, email or phone, else as free text."""
        whole = " ".join(text.split()) in self._names or name_key(text) in self._contacts
        return FORGOTTEN if whole else self.free(text)

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
    phones, current and earlier (from their own history), less the names another remaining contact
    at their accounts has too; and those accounts. Read before their rows are deleted."""
    c, ch = Contact.__table__, Change.__table__  # type: ignore[attr-defined]
    found: dict[str, set[str]] = {"name": set(), "email": set(), "phone": set()}
    accounts: set[int] = set()
    query = select(c.c.name, c.c.email, c.c.phone, c.c.account_id).where(c.c.id.in_(contact_ids))
    for name, email, phone, account_id in conn.execute(query):
        found["name"].add(name)
        found["email"].add(email or "")
        found["phone"].add(phone or "")
        accounts.add(account_id)
    earlier = select(ch.c.field, ch.c.old, ch.c.new).where(
        ch.c.entity == "contact", ch.c.entity_id.in_(contact_ids), ch.c.field.in_(list(found)))  # fmt: skip
    for field, old, new in conn.execute(earlier):
        found[field].update(v for v in (old, new) if v)
    others = c.c.id.not_in(contact_ids)
    keys = {name_key(n) for n in found["name"] if n.strip()}
    shared = set(
        conn.execute(select(c.c.name_key).where(others, c.c.account_id.in_(accounts), c.c.name_key.in_(keys))).scalars()
    )
    names = {n for n in found["name"] if name_key(n) not in shared}
    return Mentions(
        names, found["email"], found["phone"], accounts=accounts, protected=_longer_names(conn, names, others)
    )


def _longer_names(conn: Any, names: set[str], others: Any) -> set[str]:
    """Other remaining contacts' names (at any account: a text may name anyone) that hold one of
    `names` as a whole and are longer ("Li Wei" for "Li")."""
    c = Contact.__table__  # type: ignore[attr-defined]
    searched = [n for n in names if len(n) >= 2]
    if not searched:
        return set()
    near = or_(*(c.c.name.like(_like(n), escape="\\") for n in searched))
    found = set(conn.execute(select(c.c.name).where(others, near)).scalars())
    whole = re.compile("|".join(_pattern(n) for n in _longest_first(searched)))
    return {f for f in found if f not in names and whole.search(" ".join(f.split()))}


def _like(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# Every stored text a person may be mentioned in, and how it is read. The history's values are
# read by `_history_text` (by field).
TEXTS: list[tuple[Any, str, str]] = [
    (Change, "old", "history"), (Change, "new", "history"), (Interaction, "summary", "free"),
    (HandoverStep, "notes", "free"), (Contact, "notes", "free"), (Account, "notes", "free"),
    (HealthScore, "detail", "json"),
]  # fmt: skip


def _at_accounts(model: Any, accounts: list[int]) -> Any:
    """The rows of `model` that belong to `accounts`."""
    t = model.__table__
    if model is Account:
        return t.c.id.in_(accounts)
    if model is HandoverStep:
        h, c = Handover.__table__, Contact.__table__  # type: ignore[attr-defined]
        plans = select(h.c.id).join(c, c.c.id == h.c.contact_id).where(c.c.account_id.in_(accounts))
        return t.c.handover_id.in_(plans)
    return t.c.account_id.in_(accounts)


def _history_text(mentions: Mentions, field: str, text: str) -> str:
    return mentions.listed(text) if field.endswith(": contacts") else mentions.value(text)


def erase_mentions(conn: Any, mentions: Mentions) -> int:
    """Put `FORGOTTEN` for the person's mentions in every text of `TEXTS` at their accounts, on the
    caller's transaction. Returns the number of texts changed."""
    if not mentions.needles:
        return 0
    changed = 0
    for model, column, how in TEXTS:
        t = model.__table__
        col = t.c[column]
        extra = [t.c.field] if how == "history" else []
        near = or_(*(col.ilike(_like(n), escape="\\") for n in mentions.needles))
        query = select(t.c.id, col, *extra).where(near, _at_accounts(model, mentions.accounts))
        for id_, text, *field in conn.execute(query).all():
            if how == "history":
                new = _history_text(mentions, field[0], text)
            else:
                new = mentions.document(text) if how == "json" else mentions.free(text)
            if new != text:
                conn.execute(update(t).where(t.c.id == id_).values({column: new}))
                changed += 1
    return changed
