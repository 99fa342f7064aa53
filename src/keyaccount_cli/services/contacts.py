"""Writing contacts: `kam add`, `set`, `relate` and `successor` (recording one)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..domain.succession import HISTORY_HORIZON_DAYS
from ..errors import KamError
from ..storage.database import Database
from ..storage.plans import PlanChanges, leaving_values, sync_plans
from ..storage.records import (
    add_relation,
    check_reference,
    contact_named,
    contact_with_email,
    ensure_account,
    find_account_name,
    load_dates,
    new_contact,
    record_change,
    remove_relation,
    resolve_contact,
    update_contact,
)


@dataclass(frozen=True)
class Added:
    """A contact `kam add` created; `new_account`: their account was created with them."""

    id: int
    name: str
    account: str
    new_account: bool


@dataclass(frozen=True)
class Changed:
    """What `kam set` (or `kam successor`) changed on a contact: the fields, in the order given,
    and what that did to their handover plan."""

    name: str
    fields: list[str]
    plans: PlanChanges = field(default_factory=PlanChanges)


@dataclass(frozen=True)
class Related:
    """A relation `kam relate` recorded or removed; `done`: False when there was nothing to do."""

    name: str
    kind: str
    other: str
    removed: bool
    done: bool


@dataclass(frozen=True)
class SuccessorSet:
    """A successor recorded; `changed`: False when it was recorded already."""

    name: str
    successor: str
    changed: bool
    plans: PlanChanges = field(default_factory=PlanChanges)


def check_changes(values: Mapping[str, Any], reports_to: str | None) -> None:
    """`kam set` must be given something to change."""
    if not values and reports_to is None:
        raise KamError("nothing to change: give at least one option (kam set --help lists them)")


def add_contact(
    db: Database, account: str, values: dict[str, Any], *, reports_to: str | None = None, now: datetime,
) -> Added:  # fmt: skip
    """Add a contact (`values`: parsed field values, with `name` and `name_key`) to `account`,
    which is created if new. An email belongs to one contact only; a second contact of the same
    name at one account needs an email, and so does the one already there (else an export
    could not tell them apart). `reports_to`: the manager, a contact of the same account."""
    with db.session(write=True) as s:
        acc, created = ensure_account(s, account, source="add", at=now)
        assert acc.id is not None
        if values.get("email"):
            clash = contact_with_email(s, values["email"])
            if clash is not None:
                raise KamError(f"email {values['email']!r} already belongs to {clash.name} (#{clash.id}); "
                               "use kam set to change them")  # fmt: skip
        namesake = contact_named(s, acc.id, values["name_key"])
        if namesake is not None and not (values.get("email") and namesake.email):
            raise KamError(f"{acc.name} already has a contact called {namesake.name} (#{namesake.id}); "
                           "give both an email to add a namesake, or use kam set")  # fmt: skip
        contact = new_contact(s, acc.id, values, at=now)
        assert contact.id is not None
        if reports_to:
            manager = resolve_contact(s, reports_to, acc.name)
            check_reference(s, contact, manager, "reports_to")
            contact.reports_to_id = manager.id
        record_change(s, entity="contact", entity_id=contact.id, account_id=acc.id,
                      field="*", old=None, new="created", source="add", at=now)  # fmt: skip
        s.commit()
    return Added(id=contact.id, name=contact.name, account=acc.name, new_account=created)


def set_contact(
    db: Database, contact: str, values: dict[str, Any], *, reports_to: str | None = None,
    account: str | None = None, offsets: Mapping[str, int], today: date, now: datetime,
    horizon: int = HISTORY_HORIZON_DAYS,
) -> Changed:  # fmt: skip
    """Change a contact's fields (`values`: parsed field values; None clears one), each change
    a history row; `reports_to`: the new manager ("" for none). The email must stay unique; the
    contact's handover plan follows the change (opened, moved or cancelled). A stored date that
    cannot be read is one this can overwrite."""
    check_changes(values, reports_to)
    changes = dict(values)
    with db.session(write=True) as s:
        c = resolve_contact(s, contact, account, dates=False)
        load_dates(s, c)
        assert c.id is not None
        if reports_to is not None:
            if reports_to.strip():
                manager = resolve_contact(s, reports_to, find_account_name(s, c.account_id))
                check_reference(s, c, manager, "reports_to")
                changes["reports_to_id"] = manager.id
            else:
                changes["reports_to_id"] = None
        if changes.get("email"):
            clash = contact_with_email(s, changes["email"], other_than=c.id)
            if clash is not None:
                raise KamError(f"email {changes['email']!r} already belongs to {clash.name} (#{clash.id})")
        before = (c.status, c.change_risk)
        changed = update_contact(s, c, changes, source="set", at=now)
        s.flush()
        leaving = {c.id: leaving_values(before, (c.status, c.change_risk))}
        plans = sync_plans(s.connection(), [c.id], offsets=offsets, today=today, at=now, horizon=horizon,
                           leaving_now=leaving)  # fmt: skip
        s.commit()
    return Changed(name=c.name, fields=changed, plans=plans)


def relate(
    db: Database, contact: str, other: str, kind: str, *, remove: bool = False, account: str | None = None,
    now: datetime,
) -> Related:  # fmt: skip
    """Record (or, `remove`, drop) the relation `kind` (a canonical relation kind) from `contact`
    to `other`, two people of one account."""
    with db.session(write=True) as s:
        a = resolve_contact(s, contact, account)
        b = resolve_contact(s, other, account)
        if remove:
            done = remove_relation(s, a, b, kind, source="relate", at=now)
        else:
            done = add_relation(s, a, b, kind, source="relate", at=now)
        s.commit()
    return Related(name=a.name, kind=kind, other=b.name, removed=remove, done=done)


def record_successor(
    db: Database, contact: str, other: str, *, account: str | None = None, offsets: Mapping[str, int],
    today: date, now: datetime, horizon: int = HISTORY_HORIZON_DAYS,
) -> SuccessorSet:  # fmt: skip
    """Record `other` (a contact of the same account) as the one who takes over from `contact`;
    an open handover plan then has its `successor` step done."""
    with db.session(write=True) as s:
        c = resolve_contact(s, contact, account)
        o = resolve_contact(s, other, find_account_name(s, c.account_id))
        assert c.id is not None
        check_reference(s, c, o, "successor")
        changed = update_contact(s, c, {"successor_id": o.id}, source="successor", at=now)
        s.flush()
        plans = sync_plans(s.connection(), [c.id], offsets=offsets, today=today, at=now, horizon=horizon,
                           leaving_now={})  # fmt: skip
        s.commit()
    return SuccessorSet(name=c.name, successor=o.name, changed=bool(changed), plans=plans)
