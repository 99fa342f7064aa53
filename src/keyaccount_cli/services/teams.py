"""Changing an account's team (docs/spec.md §9): `kam team ACCOUNT --add NAME --role ROLE | --remove NAME`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.keys import name_key
from ..errors import KamError
from ..i18n import _
from ..storage.database import Database
from ..storage.records import require_account
from ..storage.teams import drop_member, find_member, members, put_member


@dataclass(frozen=True)
class TeamChange:
    """What `kam team --add/--remove` did: `done` False when the person was there in that role already."""

    account: str
    name: str
    role: str
    removed: bool
    done: bool


def change_team(
    db: Database, account: str, *, add: str | None = None, role: str | None = None, remove: str | None = None,
    now: datetime,
) -> TeamChange:  # fmt: skip
    """Put `add` on the account's team in `role` (a canonical team role), or take `remove` off it,
    with a history row (source `team`), in one transaction. The owner is on the team as its owner."""
    name = " ".join((add or remove or "").split())
    if not name:
        raise KamError(_("a team member must be named"))
    with db.session(write=True) as s:
        acc = require_account(s, account)
        assert acc.id is not None
        if acc.owner and name_key(acc.owner) == name_key(name):
            raise KamError(_("{name} owns {account}: the owner is on its team as its owner "
                             "(kam reassign FROM TO hands an account over)").format(name=name, account=acc.name))  # fmt: skip
        if remove is not None:
            member = find_member(s, acc.id, name)
            if member is None:
                raise KamError(_no_member(name, acc.name, [m for m, _r in _names(s, acc.id)]))
            drop_member(s, acc, member, source="team", at=now)
            done, role = True, member.role
        else:
            assert role is not None
            done = put_member(s, acc, name, role, source="team", at=now)
        s.commit()
        return TeamChange(acc.name, name, role, removed=remove is not None, done=done)


def _names(session: Any, account_id: int) -> list[tuple[str, str]]:
    return [(m.name, m.role) for m in members(session, account_id)]


def _no_member(name: str, account: str, members: list[str]) -> str:
    if members:
        return _("{name} is not on the team of {account}; its team: {members}").format(
            name=repr(name), account=account, members=", ".join(members))  # fmt: skip
    return _("{name} is not on the team of {account}; it has nobody beside its owner (kam team ACCOUNT "
             "--add NAME --role ROLE)").format(name=repr(name), account=account)  # fmt: skip
