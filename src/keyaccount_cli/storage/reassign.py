"""The writes of `kam reassign FROM TO` (docs/spec.md §9), on one account at a time inside the
caller's transaction: the owner, the contacts' `our_contacts`, the account team, each change a
history row with the source `reassign`, and the owner handover plan. Driver-level SQL through
`Sql`, as the plans' upkeep; the rules are `domain.owner_handover`'s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..domain.keys import name_key
from ..domain.order import sort_key
from ..domain.our_side import TEAM_FIELD, replaced, team_entry
from .owner_plans import open_owner_handover
from .statements import Sql

SOURCE = "reassign"


@dataclass(frozen=True)
class Moved:
    """One thing `kam reassign` moved (or would move): `change` is `owner`, `our_contacts` (of
    `contact`), `team` or `plan` (the owner handover plan opened: `after` is its handover date,
    `before` the open plan it replaced, if any)."""

    account: str
    change: str
    contact: str | None
    before: str | None
    after: str | None


class Reassigner:
    """Reassigns accounts from one of our people to another on the caller's connection."""

    def __init__(self, conn: Any, old: str, new: str, *, day: date, today: date, at: datetime) -> None:
        self.sql = Sql(conn)
        self.old, self.new = old, new
        self.day, self.today, self.at = day, today, at
        self.names: dict[int, str] = {}  # account id → name, of every account (`owners`)

    def owners(self) -> list[tuple[int, str, str | None]]:
        """(id, name, owner) of every account, by name."""
        rows = sorted(((i, n, o) for i, n, o in self.sql.all("SELECT id, name, owner FROM account")),
                      key=lambda r: sort_key(r[1]))  # fmt: skip
        self.names = {i: n for i, n, _ in rows}
        return rows

    def run(self, chosen: list[tuple[int, str, str]], *, everywhere: bool) -> list[Moved]:
        """Reassign the `chosen` accounts ((id, name, owner as stored), each FROM's) and open their
        owner plans; FROM's place among the contacts' `our_contacts` and on the teams goes to TO in
        those accounts, or (`everywhere`) in every account. What moved, account by account in the
        order of their names: owner, our_contacts, team, plan."""
        moved: dict[int, list[Moved]] = {i: [] for i in self.names}
        for account_id, name, owner in chosen:
            self.sql.run("UPDATE account SET owner = ?, updated_at = ? WHERE id = ?",
                         (self.new, self.sql.value(self.at), account_id))  # fmt: skip
            self._history("account", account_id, account_id, "owner", owner, self.new)
            moved[account_id].append(Moved(name, "owner", None, owner, self.new))
        scope = None if everywhere else {i for i, _, _ in chosen}
        for account_id, item in self._our_contacts(scope) + self._team(scope, {i for i, _, _ in chosen}):
            moved[account_id].append(item)
        for account_id, name, owner in chosen:
            before = open_owner_handover(self.sql, account_id, old=owner, new=self.new, day=self.day,
                                         today=self.today, at=self.at)  # fmt: skip
            moved[account_id].append(Moved(name, "plan", None, before, self.day.isoformat()))
        return [m for account_id in self.names for m in moved[account_id]]

    def _our_contacts(self, scope: set[int] | None) -> list[tuple[int, Moved]]:
        """FROM replaced by TO in each contact's `our_contacts` (of the accounts in `scope`, or all)."""
        out = []
        for contact_id, account_id, name, text in self.sql.all(
            "SELECT id, account_id, name, our_contacts FROM contact WHERE our_contacts IS NOT NULL ORDER BY id"
        ):  # fmt: skip
            new = None if scope is not None and account_id not in scope else replaced(text, self.old, self.new)
            if new is None:  # not in scope, or FROM is not among them
                continue
            self.sql.run("UPDATE contact SET our_contacts = ?, updated_at = ? WHERE id = ?",
                         (new, self.sql.value(self.at), contact_id))  # fmt: skip
            self._history("contact", contact_id, account_id, "our_contacts", text, new)
            out.append((account_id, Moved(self.names[account_id], "our_contacts", name, text, new)))
        return out

    def _team(self, scope: set[int] | None, taken: set[int]) -> list[tuple[int, Moved]]:
        """FROM's team entries (of the accounts in `scope`, or all) become TO's, in the same role,
        unless TO is on that team already or owns the account: then FROM's entry goes. TO's own
        entry goes on the accounts TO now owns (`taken`): an owner is not on their own team."""
        owners = dict(self.sql.all("SELECT id, owner FROM account"))
        new_key = name_key(self.new)
        keys = (name_key(self.old), new_key)
        rows = [r for r in self.sql.all("SELECT id, account_id, name, name_key, role FROM team_member ORDER BY id")
                if r[3] in keys and (scope is None or r[1] in scope)]  # fmt: skip
        has_new = {a for _, a, _, k, _ in rows if k == new_key}
        out = []
        for member_id, account_id, name, key, role in rows:
            owned = owners.get(account_id) is not None and name_key(owners[account_id]) == new_key
            if key == new_key and account_id not in taken:
                continue
            before, after = team_entry(name, role), None
            if key == new_key or account_id in has_new or owned:
                self.sql.run("DELETE FROM team_member WHERE id = ?", (member_id,))
            else:
                self.sql.run(
                    "UPDATE team_member SET name = ?, name_key = ? WHERE id = ?", (self.new, new_key, member_id)
                )
                after = team_entry(self.new, role)
            self._history("account", account_id, account_id, TEAM_FIELD, before, after)
            out.append((account_id, Moved(self.names[account_id], TEAM_FIELD, None, before, after)))
        return out

    def _history(self, entity: str, entity_id: int, account_id: int, field: str, old: Any, new: Any) -> None:
        self.sql.run(
            'INSERT INTO "change" (at, entity, entity_id, account_id, field, old, new, source)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (self.sql.value(self.at), entity, entity_id, account_id, field, old, new, SOURCE),
        )
