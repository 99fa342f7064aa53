"""`kam reassign FROM TO` (docs/spec.md §9): one of our people hands their accounts to another,
with an owner handover plan for each; and that plan, as `kam handover --account` shows and
completes it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..domain.keys import name_key
from ..domain.labels import label
from ..domain.order import sort_key
from ..domain.owner_handover import OWNER_STEP_TEXT, handover_day, owner_step_name
from ..errors import KamError
from ..i18n import _
from ..storage.database import Database
from ..storage.owner_plans import (
    complete_owner_step,
    load_owner_plan,
    open_owner_plan,
    owner_plan_closed,
    owner_step_done_on,
)
from ..storage.reader import Reader
from ..storage.reading import account_ids
from ..storage.reassign import Moved, Reassigner
from ..storage.records import require_account


@dataclass(frozen=True)
class Reassigned:
    """What `kam reassign` moved (or, with `dry_run`, would move), account by account."""

    old: str
    new: str
    day: date  # the handover date the plans count from
    accounts: list[str]
    moved: list[Moved] = field(default_factory=list)
    dry_run: bool = False

    def count(self, change: str) -> int:
        return sum(m.change == change for m in self.moved)


def _person(text: str, what: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise KamError(f"{what}: give a name")
    return name


def reassign(
    db: Database, old: str, new: str, *, accounts: Sequence[str] = (), on: date | None = None, today: date,
    now: datetime, dry_run: bool = False,
) -> Reassigned:  # fmt: skip
    """Give every account `old` owns (or only the `accounts` named, each of which `old` must own)
    to `new`, replace `old` by `new` among the contacts' `our_contacts` and on the account teams
    (of every account; with `accounts`, of those only), each change a history row, and open an
    owner handover plan for each account given, due from `on` (default OWNER_HANDOVER_DAYS from
    today). One transaction; with `dry_run`, rolled back."""
    old, new = _person(old, "FROM"), _person(new, "TO")
    if name_key(old) == name_key(new):
        raise KamError(f"TO: {new} is FROM; name the person who takes over")
    day = handover_day(today, on)
    with db.session(write=True) as s:
        r = Reassigner(s.connection(), old, new, day=day, today=today, at=now)
        chosen = _chosen(s, r.owners(), old, accounts)
        moved = r.run(chosen, everywhere=not accounts)
        if dry_run:
            s.rollback()
        else:
            s.commit()
    return Reassigned(old, new, day, [name for _, name, _ in chosen], moved, dry_run)


def _chosen(
    s: Any, owners: list[tuple[int, str, str | None]], old: str, named: Sequence[str]
) -> list[tuple[int, str, str]]:  # fmt: skip
    """(id, name, owner) of the accounts to reassign: those `old` owns, or the `named` ones, which
    must be known accounts that `old` owns."""
    key = name_key(old)
    mine = [(i, n, o) for i, n, o in owners if o is not None and name_key(o) == key]
    if not named:
        if not mine:
            people = {name_key(o): o for _, _, o in reversed(owners) if o}  # one spelling each: the first account's
            held = sorted(people.values(), key=sort_key)
            known = f"; the owners are {', '.join(held)}" if held else "; no account has an owner"
            raise KamError(f"FROM: {old} owns no account{known}")
        return mine
    picked: list[tuple[int, str, str]] = []
    for ref in named:
        try:
            account = require_account(s, ref)
        except KamError as exc:
            raise KamError(f"--account: {exc}") from None
        owner = next(o for i, _, o in owners if i == account.id)
        row = next((m for m in mine if m[0] == account.id), None)
        if row is None:
            raise KamError(f"--account: {account.name} is owned by {owner or 'nobody'}, not {old}")
        if row not in picked:
            picked.append(row)
    return picked


@dataclass
class OwnerPlanPage:
    title: str
    steps: list[dict[str, Any]]  # one record per step, with `description` and `overdue` for the table


def owner_plan(reader: Reader, account: str, today: date) -> OwnerPlanPage:
    """The account's open owner handover plan, else its last closed one; an error when it never had one."""
    (account_id,) = account_ids(reader, [account])
    plan = load_owner_plan(reader, account_id)
    if plan is None:
        raise KamError(f"{account} has no owner handover plan; kam reassign FROM TO --account {account} opens one")
    steps = [{
        "step": p["step"], "description": OWNER_STEP_TEXT[p["step"]], "owner": p["owner"],
        "deadline": p["deadline"].isoformat() if p["deadline"] else None, "status": p["status"],
        "done_on": p["done_on"].isoformat() if p["done_on"] else None, "notes": p["notes"],
        "overdue": plan.status == "open" and p["status"] == "open" and p["deadline"] is not None
                   and p["deadline"] < today,
    } for p in plan.steps]  # fmt: skip
    when = plan.reassigned_on.isoformat() if plan.reassigned_on else "?"
    title = _("Owner handover of {account}: {old} → {new} (reassigned on {date}) — plan {status}").format(
        account=plan.account,
        old=plan.from_owner,
        new=plan.to_owner,
        date=when,
        status=label("plan_status", plan.status),
    )
    return OwnerPlanPage(title, steps)


@dataclass(frozen=True)
class OwnerStepDone:
    """A step of an owner plan completed; `closed`: it was the last; `already`: the day it had been done on."""

    account: str
    step: str
    closed: bool = False
    already: date | None = None


def complete_owner_handover_step(
    db: Database, account: str, step: str, *, on: date, notes: str | None, today: date
) -> OwnerStepDone:  # fmt: skip
    """Mark `step` (a name, or its number 1–4) of the account's open owner plan done on `on`,
    not after today; the plan closes when its last step is done."""
    if on > today:
        raise KamError(
            f"--on: {on.isoformat()} is after today ({today.isoformat()}); a step is done on a day that has come"
        )
    try:
        name = owner_step_name(step)
    except KamError as exc:
        raise KamError(f"--done: {exc}") from None
    with db.session(write=True) as s:
        acc = require_account(s, account)
        assert acc.id is not None
        plan = open_owner_plan(s.connection(), acc.id)
        if plan is None:
            raise KamError(
                f"{acc.name} has no open owner handover plan; kam reassign FROM TO --account {acc.name} opens one"
            )
        if not complete_owner_step(s.connection(), plan[0], name, on=on, notes=notes):
            return OwnerStepDone(acc.name, name, already=owner_step_done_on(s.connection(), plan[0], name))
        closed = owner_plan_closed(s.connection(), plan[0])
        s.commit()
    return OwnerStepDone(acc.name, name, closed=closed)
