"""Writing an account's team (docs/spec.md §9): `kam team --add/--remove`. A change to a team is a
history row on the account, field `team`, its text `NAME (role)`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from ..domain.keys import name_key
from ..domain.our_side import TEAM_FIELD, team_entry
from .models import Account, TeamMember
from .records import record_change


def members(session: Session, account_id: int) -> list[TeamMember]:
    return list(session.scalars(select(TeamMember).where(col(TeamMember.account_id) == account_id)).all())


def find_member(session: Session, account_id: int, name: str) -> TeamMember | None:
    return session.scalars(
        select(TeamMember).where(col(TeamMember.account_id) == account_id, col(TeamMember.name_key) == name_key(name))
    ).first()


def put_member(session: Session, account: Account, name: str, role: str, *, source: str, at: datetime) -> bool:
    """Put `name` on the account's team in `role` (a new entry, or a new role for one there);
    False when they were there in that role already."""
    assert account.id is not None
    found = find_member(session, account.id, name)
    if found is not None and found.role == role:
        return False
    old = team_entry(found.name, found.role) if found is not None else None
    if found is None:
        found = TeamMember(account_id=account.id, name=name, name_key=name_key(name), role=role, added_at=at)
    else:
        found.role = role
    session.add(found)
    record_change(session, entity="account", entity_id=account.id, account_id=account.id, field=TEAM_FIELD,
                  old=old, new=team_entry(found.name, role), source=source, at=at)  # fmt: skip
    return True


def drop_member(session: Session, account: Account, member: TeamMember, *, source: str, at: datetime) -> None:
    assert account.id is not None
    session.delete(member)
    record_change(session, entity="account", entity_id=account.id, account_id=account.id, field=TEAM_FIELD,
                  old=team_entry(member.name, member.role), new=None, source=source, at=at)  # fmt: skip
