"""What happened at an account, read through a `Reader` with plain SQL: its change history (by the
`change` table's account and entity indexes) and its recent interactions. (A contact's handover
plan is read by `plans.load_plan`.)"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, NamedTuple

from .reader import Reader, _datetime, _day, _in, _text_order


class ChangeRow(NamedTuple):
    """One row of the change history."""

    at: datetime
    entity: str
    entity_id: int
    field: str
    old: str | None
    new: str | None
    source: str


def history(reader: Reader, *, contact_id: int | None = None, account_id: int | None = None) -> list[ChangeRow]:
    """The changes of a contact, or of an account and its contacts, oldest first."""
    where, params = "", {}
    if contact_id is not None:
        where, params = " WHERE entity = 'contact' AND entity_id = :id", {"id": contact_id}
    elif account_id is not None:
        where, params = " WHERE account_id = :id", {"id": account_id}
    rows = reader.rows('SELECT at, entity, entity_id, field, old, new, source FROM "change"' + where + " ORDER BY at, id",
                       params)  # fmt: skip
    return [ChangeRow(_datetime(at), *rest) for at, *rest in rows]  # type: ignore[arg-type]


def recent_interactions(reader: Reader, account_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """The account's last interactions, newest first, with the names of who took part."""
    items = list(reader.rows(
        'SELECT id, "on", kind, summary, by_person FROM interaction WHERE account_id = :id ORDER BY "on" DESC, id DESC'
        f" LIMIT {int(limit)}", {"id": account_id}))  # fmt: skip
    names: dict[int, list[str]] = defaultdict(list)
    if items:
        for interaction_id, name in reader.rows(
            "SELECT ic.interaction_id, c.name FROM interaction_contact ic JOIN contact c ON c.id = ic.contact_id"
            + _in("ic.interaction_id", [i[0] for i in items]) + f" ORDER BY {_text_order(reader, 'c.name')}"
        ):  # fmt: skip
            names[interaction_id].append(name)
    return [{"date": _day(on).isoformat(), "kind": kind, "contacts": names[id_], "summary": summary, "by": by}  # type: ignore[union-attr]
            for id_, on, kind, summary, by in items]  # fmt: skip
