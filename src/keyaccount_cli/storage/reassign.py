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
from ..domain.owner_handover import replaced, team_text
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

    def owners(self) -> list[tuple[int, str, str | None]]:
        """(id, name, owner) of every account, by name."""
        rows = self.sql.all("SELECT id, name, owner FROM account")
        return sorted(((i, n, o) for i, n, o in rows), key=lambda r: sort_key(r[1]))

    def account(self, account_id: int, name: str, owner: str) -> list[Moved]:
        """Reassign one account FROM owns (`owner`: its owner as stored); what moved."""
        moved = [Moved(name, "owner", None, owner, self.new)]
        self.sql.run("UPDATE account SET owner = ?, updated_at = ? WHERE id = ?",
                     (self.new, self.sql.value(self.at), account_id))  # fmt: skip
        self._history("account", account_id, account_id, "owner", owner, self.new)
        moved += self._our_contacts(account_id, name)
        moved += self._team(account_id, name)
        before = open_owner_handover(self.sql, account_id, old=owner, new=self.new, day=self.day, today=self.today,
                                     at=self.at)  # fmt: skip
        moved.append(Moved(name, "plan", None, before, self.day.isoformat()))
        return moved

    def _our_contacts(self, account_id: int, account: str) -> list[Moved]:
        out = []
        key = name_key(self.old)
        for contact_id, name, text in self.sql.all(
            "SELECT id, name, our_contacts FROM contact WHERE account_id = ? AND our_contacts IS NOT NULL ORDER BY id",
            (account_id,),
        ):  # fmt: skip
            names = [n.strip() for n in text.split(";") if n.strip()]
            if not any(name_key(n) == key for n in names):
                continue
            new = ";".join(replaced(names, self.old, self.new))
            self.sql.run("UPDATE contact SET our_contacts = ?, updated_at = ? WHERE id = ?",
                         (new, self.sql.value(self.at), contact_id))  # fmt: skip
            self._history("contact", contact_id, account_id, "our_contacts", text, new)
            out.append(Moved(account, "our_contacts", name, text, new))
        return out

    def _team(self, account_id: int, account: str) -> list[Moved]:
        rows = self.sql.all("SELECT id, name, name_key, role FROM team_member WHERE account_id = ?", (account_id,))
        mine = [(i, n, r) for i, n, k, r in rows if k == name_key(self.old)]
        if not mine:
            return []
        ((member_id, name, role),) = mine  # one entry per person and account (a unique key)
        before = team_text(name, role)
        if any(k == name_key(self.new) for _i, _n, k, _r in rows):  # the new owner is on the team already
            self.sql.run("DELETE FROM team_member WHERE id = ?", (member_id,))
            after = None
        else:
            self.sql.run("UPDATE team_member SET name = ?, name_key = ? WHERE id = ?",
                         (self.new, name_key(self.new), member_id))  # fmt: skip
            after = team_text(self.new, role)
        self._history("account", account_id, account_id, "team", before, after)
        return [Moved(account, "team", None, before, after)]

    def _history(self, entity: str, entity_id: int, account_id: int, field: str, old: Any, new: Any) -> None:
        self.sql.run(
            'INSERT INTO "change" (at, entity, entity_id, account_id, field, old, new, source)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (self.sql.value(self.at), entity, entity_id, account_id, field, old, new, SOURCE),
        )
