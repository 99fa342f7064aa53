"""The map over time (docs/spec.md §10): an account as it stood at the end of a past day, rebuilt
from its contacts and relations as they are now and the history recorded since (`rewind`), and the
net changes between two such views (`net_changes`). Pure: plain views and history rows in, views
and records out.

The history writes a reference (reports-to, successor, a relation's other person) by the name the
person had then; rewinding, a name is read back as the contact of the account who had that name
at that moment (the lowest id among namesakes). A forgotten person's history is erased and every
mention of them reads `[forgotten]`: they are on no past map, and a reference to them reads as none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, NamedTuple

from .keys import name_key
from .order import sort_key
from .our_side import people
from .views import AccountView, ContactView, RelationView
from .vocab import ATTITUDE_SCORE, POWER_RANK


class FieldChange(NamedTuple):
    """One history row of a contact, as `rewind` reads it (the values in the history's words)."""

    at: datetime
    contact_id: int
    field: str
    old: str | None
    new: str | None


def _multi(value: str | None) -> tuple[str, ...]:
    return tuple(v for v in value.split(";") if v) if value else ()


def _flag(value: str | None) -> bool | None:
    return None if value is None else value == "yes"


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _text(value: str | None) -> str | None:
    return value


def _known(ranks: Mapping[str, int]) -> Callable[[str | None], str | None]:
    """A vocabulary value as the history wrote it; one the vocabulary does not know reads as none."""
    return lambda value: value if value in ranks else None


# a contact's fields the history writes as they are stored, and how a value is read back
_FIELDS: dict[str, Callable[[str | None], Any]] = {
    "email": _text, "phone": _text, "title": _text, "department": _text, "roles": _multi,
    "decision_power": _known(POWER_RANK), "attitude": _known(ATTITUDE_SCORE), "concerns": _multi,
    "can_sign": _flag, "project_owner": _flag,
    "status": lambda v: v or "active", "change_risk": _text, "change_date": _day, "change_kind": _text,
    "notes": _text, "our_contacts": people,
}  # fmt: skip
_REFERENCES = {"reports_to": "reports_to_id", "successor": "successor_id"}
RELATION = "relation "  # a relation's history field: `relation trusts`


class _Rewind:
    """The account's people and relations, taken back one change at a time, newest first."""

    def __init__(self, view: AccountView) -> None:
        self.people = {c.id: replace(c) for c in view.contacts}
        self.relations = [replace(r) for r in view.relations]
        self.unborn: set[int] = set()  # created after the day: not on the map
        self.by_name: dict[str, set[int]] = defaultdict(set)  # names (and their keys) → who has them now
        for c in self.people.values():
            self.rename(c.id, None, c.name)

    def rename(self, contact_id: int, old: str | None, new: str) -> None:
        for before in (old, name_key(old)) if old else ():
            self.by_name[before].discard(contact_id)
        self.by_name[new].add(contact_id)
        self.by_name[name_key(new)].add(contact_id)

    def named(self, name: str | None, other_than: int) -> int | None:
        """The contact who had this name at this moment (not `other_than`, not one created later)."""
        if not name:
            return None
        for key in (name, name_key(name)):
            found = [i for i in self.by_name.get(key, ()) if i != other_than and i not in self.unborn]
            if found:
                return min(found)
        return None

    def undo(self, change: FieldChange) -> None:
        c = self.people.get(change.contact_id)
        if c is None:
            return
        f, old, new = change.field, change.old, change.new
        if f == "*":
            if new is not None and new.startswith("created"):
                self.unborn.add(c.id)
        elif f == "name" and old:
            self.rename(c.id, c.name, old)
            c.name = old
        elif f in _FIELDS:
            setattr(c, f, _FIELDS[f](old))
        elif f in _REFERENCES:
            setattr(c, _REFERENCES[f], self.named(old, c.id))
        elif f == "moved_to" and old is None:
            c.moved_to_id = None
        elif f.startswith(RELATION):
            self.undo_relation(c.id, f.removeprefix(RELATION), old, new)

    def undo_relation(self, contact_id: int, kind: str, old: str | None, new: str | None) -> None:
        if new is not None:  # it was added: it was not there before
            other = self.named(new, contact_id)
            self.relations = [
                r for r in self.relations if not (r.from_id == contact_id and r.to_id == other and r.kind == kind)
            ]
        if old is not None:  # it was removed: it was there
            other = self.named(old, contact_id)
            if other is not None and not any(
                r.from_id == contact_id and r.to_id == other and r.kind == kind for r in self.relations
            ):
                self.relations.append(RelationView(contact_id, other, kind))


def rewind(view: AccountView, later: Sequence[FieldChange], born: Mapping[int, date], on: date) -> AccountView:
    """The account as it stood at the end of `on`: `view` as it is now, with the history of its
    contacts recorded after that day (`later`, oldest first) undone, newest first. People created
    after the day (their history says so, or `born`: contact id → the day their record was made)
    are absent, and so are references to them and their relations."""
    state = _Rewind(view)
    for change in reversed(later):
        state.undo(change)
    gone = state.unborn | {i for i, day in born.items() if day > on}
    contacts = [c for c in view.contacts if c.id not in gone]
    kept = [state.people[c.id] for c in contacts]
    for c in kept:
        if c.reports_to_id in gone:
            c.reports_to_id = None
        if c.successor_id in gone:
            c.successor_id = None
    relations = [r for r in state.relations if r.from_id not in gone and r.to_id not in gone]
    steps = [s for s in view.open_steps if s.contact_id not in gone]
    return replace(view, contacts=kept, relations=relations, open_steps=steps)


# --- net changes ------------------------------------------------------------

# the fields `kam changes` compares, in the order it lists them (`contact`: the person added or gone)
CHANGE_FIELDS = ("contact", "attitude", "decision_power", "roles", "reports_to", "status", "successor")
CHANGE_KEYS = ("contact", "field", "before", "after", "direction")
ADDED, GONE = "added", "gone"
_RANKS = {"attitude": ATTITUDE_SCORE, "decision_power": POWER_RANK}


def _values(c: ContactView, names: Mapping[int, str]) -> dict[str, Any]:
    return {
        "attitude": c.attitude, "decision_power": c.decision_power, "roles": list(c.roles) or None,
        "reports_to": names.get(c.reports_to_id) if c.reports_to_id is not None else None,
        "status": c.status, "successor": names.get(c.successor_id) if c.successor_id is not None else None,
    }  # fmt: skip


def direction(field: str, before: Any, after: Any) -> str | None:
    """`better` or `worse` for a change of attitude or decision power between two known values."""
    rank = _RANKS.get(field)
    if rank is None or before not in rank or after not in rank or rank[before] == rank[after]:
        return None
    return "better" if rank[after] > rank[before] else "worse"


def net_changes(past: AccountView, now: AccountView) -> list[dict[str, Any]]:
    """One record per contact and field that differs between `past` and `now` (keys CHANGE_KEYS;
    canonical values, roles a list, people by name): a person added (`contact`: `added`) with the
    values they have, or gone (`gone`), then each changed field. By contact name, then field."""
    before_names = {c.id: c.name for c in past.contacts}
    after_names = {c.id: c.name for c in now.contacts}
    then, current = past.by_id(), now.by_id()
    records: list[tuple[str, int, int, dict[str, Any]]] = []
    for cid in sorted(then.keys() | current.keys()):
        was, now_c = then.get(cid), current.get(cid)
        name = (now_c or was).name  # type: ignore[union-attr]
        if now_c is None:
            records.append((name, cid, 0, _row(name, "contact", None, GONE)))
            continue
        new = _values(now_c, after_names)
        if was is None:  # a person added: the values they have (an active status is no news)
            records.append((name, cid, 0, _row(name, "contact", None, ADDED)))
            old: dict[str, Any] = dict.fromkeys(new) | {"status": "active"}
        else:
            old = _values(was, before_names)
        for k, f in enumerate(CHANGE_FIELDS[1:], 1):
            if old[f] != new[f]:
                records.append((name, cid, k, _row(name, f, old[f], new[f])))
    records.sort(key=lambda r: (sort_key(r[0]), r[1], r[2]))
    return [r[3] for r in records]


def _row(name: str, field: str, before: Any, after: Any) -> dict[str, Any]:
    return {"contact": name, "field": field, "before": before, "after": after,
            "direction": direction(field, before, after)}  # fmt: skip
