"""The history the map over time is rebuilt from (docs/spec.md §10), read through a `Reader` with
plain SQL by the `change` table's account index: the changes of an account's contacts after a day,
the days their records were made, and the day the account's recorded history begins."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ..domain.timeline import FieldChange
from .reader import Reader, _datetime


def _after(reader: Reader, on: date) -> object:
    """The first moment after the end of `on` (UTC), as the backend compares stored times."""
    cut = datetime.combine(on + timedelta(days=1), time(), UTC)
    return cut.strftime("%Y-%m-%d") if reader.dialect == "sqlite" else cut


def changes_after(reader: Reader, account_id: int, on: date) -> list[FieldChange]:
    """The changes to the account's contacts recorded after the end of `on`, oldest first."""
    rows = reader.rows(
        'SELECT at, entity_id, field, old, new FROM "change" WHERE account_id = :account'
        " AND entity = 'contact' AND at >= :cut ORDER BY at, id",
        {"account": account_id, "cut": _after(reader, on)},
    )
    found = [FieldChange(_datetime(at), cid, f, old, new) for at, cid, f, old, new in rows]  # type: ignore[arg-type]
    return [c for c in found if c.at.date() > on]


def born_days(reader: Reader, account_id: int) -> dict[int, date]:
    """Contact id → the day (UTC) the record of each of the account's contacts was made."""
    rows = reader.rows("SELECT id, created_at FROM contact WHERE account_id = :account", {"account": account_id})
    return {cid: _datetime(at).date() for cid, at in rows}  # type: ignore[union-attr]


def history_begins(reader: Reader, account_id: int) -> date | None:
    """The day (UTC) of the account's first recorded change (else the day its record was made)."""
    for sql in ('SELECT min(at) FROM "change" WHERE account_id = :account',
                "SELECT created_at FROM account WHERE id = :account"):  # fmt: skip
        for (at,) in reader.rows(sql, {"account": account_id}):
            if at is not None:
                return _datetime(at).date()  # type: ignore[union-attr]
    return None
