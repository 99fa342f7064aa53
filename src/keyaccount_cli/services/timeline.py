"""The map over time (docs/spec.md §10): an account as it stood at the end of a past day, and
`kam changes`: what changed on its map since then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.timeline import net_changes, rewind
from ..domain.views import AccountView
from ..storage.reader import Reader
from ..storage.reading import load_accounts
from ..storage.timeline import born_days, changes_after, history_begins


def past_view(reader: Reader, view: AccountView, on: date) -> tuple[AccountView, date | None]:
    """`view` (the account now) as it stood at the end of `on`, and, when `on` is before the day
    the account's recorded history begins, that day (else None)."""
    assert view.id is not None
    past = rewind(view, changes_after(reader, view.id, on), born_days(reader, view.id), on)
    begins = history_begins(reader, view.id)
    return past, begins if begins is not None and on < begins else None


@dataclass
class MapChanges:
    """The net changes to an account's map since a day (`net_changes`' records), and, when that
    day is before the account's recorded history begins, the day it begins."""

    account: str
    since: date
    records: list[dict[str, Any]]
    begins: date | None


def map_changes(reader: Reader, account: str, since: date) -> MapChanges:
    """What changed on the map of the account named `account` between the end of `since` and now."""
    (view,) = load_accounts(reader, [account])
    past, begins = past_view(reader, view, since)
    return MapChanges(account=view.name, since=since, records=net_changes(past, view), begins=begins)
