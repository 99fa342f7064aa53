"""When a key person changes: `kam leave`, `handover --done`, `log` and `forget`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..domain.succession import HISTORY_HORIZON_DAYS, step_name
from ..domain.views import PROSPECT
from ..errors import KamError
from ..storage.database import Database
from ..storage.interactions import add_interaction, complete_first_meetings
from ..storage.owner_plans import complete_key_contacts_met
from ..storage.plans import (
    PlanChanges,
    complete_step,
    leaving_values,
    open_plan_id,
    plan_closed,
    set_step_owner,
    step_done_on,
    sync_plans,
)
from ..storage.records import (
    check_reference,
    ensure_account,
    find_account_name,
    forget_contact,
    get_contact,
    new_contact,
    record_change,
    require_account,
    resolve_contact,
    same_person,
    update_contact,
)

if TYPE_CHECKING:
    from ..storage.models import Contact


@dataclass(frozen=True)
class Left:
    """A change `kam leave` recorded. `status`: `left` (the day has come) or `leaving`;
    `changed`: False when all of it was recorded already; `lead`: the contact kept at the
    account they moved to; `plan_opened`: their handover plan was opened now."""

    name: str
    on: date
    status: str
    changed: bool
    lead: int | None
    plan_opened: bool
    plans: PlanChanges = field(default_factory=PlanChanges)
    successor: str | None = None  # the successor recorded now


@dataclass(frozen=True)
class StepDone:
    """A step completed; `closed`: that was the plan's last step; `already`: the day it had been
    done on before (then nothing changed)."""

    name: str
    step: str
    closed: bool = False
    already: date | None = None


@dataclass(frozen=True)
class OwnerSet:
    """Steps given an owner of their own: (step, the owner it had) for each."""

    name: str
    owner: str
    steps: list[tuple[str, str | None]]


@dataclass(frozen=True)
class Logged:
    """An interaction recorded; `first_meetings`: the successors whose first meeting it was
    (once per handover step it completed)."""

    account: str
    kind: str
    on: date
    first_meetings: list[str] = field(default_factory=list)
    ahead: bool = False  # dated after today: the steps it completes count once its day has come
    by: str | None = None  # our person who had it
    key_contacts_met: str | None = None  # the new owner, when it completed their owner plan's key_contacts_met


@dataclass(frozen=True)
class Person:
    """Whom `kam forget` would erase: the contact and their records at every account (moved to/from)."""

    id: int
    name: str
    records: list[int]


def leave(
    db: Database, contact: str, *, on: date, kind: str | None = None, successor: str | None = None,
    moved_to: str | None = None, account: str | None = None, offsets: Mapping[str, int], today: date,
    now: datetime, horizon: int = HISTORY_HORIZON_DAYS,
) -> Left:  # fmt: skip
    """Record that `contact` leaves (or left: `on` is not after `today`) on `on`, a confirmed
    change of `kind`, with `successor` (same account) taking over, and open their handover plan.
    `moved_to`: the account they go to (created if new), where they are kept as a new contact,
    a lead linked to the old record (one lead per account, however often this is recorded)."""
    values: dict[str, Any] = {"change_date": on, "status": "left" if on <= today else "leaving",
                              "change_risk": "confirmed"}  # fmt: skip
    if kind:
        values["change_kind"] = kind
    lead = None
    named = None
    with db.session(write=True) as s:
        c = resolve_contact(s, contact, account)
        assert c.id is not None
        if successor:
            other = resolve_contact(s, successor, find_account_name(s, c.account_id))
            check_reference(s, c, other, "successor")
            values["successor_id"] = other.id
        if moved_to:
            lead = _lead(s, c, moved_to, now)
            values["moved_to_id"] = lead
        before = (c.status, c.change_risk)
        changed = update_contact(s, c, values, source="leave", at=now)
        if successor and "successor" in changed:
            named = other.name
        s.flush()
        leaving = {c.id: leaving_values(before, (c.status, c.change_risk))}
        plans = sync_plans(s.connection(), [c.id], offsets=offsets, today=today, at=now, horizon=horizon,
                           leaving_now=leaving)  # fmt: skip
        s.commit()
    return Left(name=c.name, on=on, status=values["status"], changed=bool(changed), lead=lead,
                plan_opened=bool(plans.opened), plans=plans, successor=named)  # fmt: skip


def _lead(s: Any, c: Contact, moved_to: str, now: datetime) -> int:
    """The contact that keeps `c` at the account `moved_to`: the one recorded before, else a new one."""
    # a new account they go to is a prospect (docs/spec.md §8): a former champion there is a lead
    new_account, _ = ensure_account(s, moved_to, source="leave", at=now, status=PROSPECT)
    assert new_account.id is not None
    if new_account.id == c.account_id:
        raise KamError(f"--moved-to: {c.name} is already at {new_account.name}")
    old_account = find_account_name(s, c.account_id)
    earlier = get_contact(s, c.moved_to_id)
    if earlier is not None and earlier.id is not None and earlier.account_id == new_account.id:
        return earlier.id
    lead = new_contact(s, new_account.id, {
        "name": c.name, "name_key": c.name_key, "phone": c.phone, "attitude": c.attitude,
        "notes": f"lead: formerly {c.title or 'contact'} at {old_account}",
    }, at=now)  # fmt: skip
    assert lead.id is not None
    record_change(s, entity="contact", entity_id=lead.id, account_id=new_account.id, field="*", old=None,
                  new=f"created (moved from {old_account})", source="leave", at=now)  # fmt: skip
    return lead.id


def complete_handover_step(
    db: Database, contact: str, step: str, *, on: date, notes: str | None = None, account: str | None = None,
    today: date | None = None,
) -> StepDone:  # fmt: skip
    """Mark `step` (a name, or its number 1–5) of the contact's open handover plan done on `on`,
    which cannot be after `today` (nothing is completed in the future); the plan closes when its
    last step is done."""
    if today is not None and on > today:
        raise KamError(
            f"--on: {on.isoformat()} is after today ({today.isoformat()}); a step is done on a day that has come"
        )
    with db.session(write=True) as s:
        c = resolve_contact(s, contact, account)
        assert c.id is not None
        name = step_name(step)
        plan_id = _plan_of(s, c, contact)
        if not complete_step(s.connection(), plan_id, name, on=on, notes=notes, only_if_open=True):
            return StepDone(name=c.name, step=name, already=step_done_on(s.connection(), plan_id, name))
        closed = plan_closed(s.connection(), plan_id)
        s.commit()
    return StepDone(name=c.name, step=name, closed=closed)


def _plan_of(s: Any, c: Contact, contact: str) -> int:
    assert c.id is not None
    plan_id = open_plan_id(s.connection(), c.id)
    if plan_id is None:
        raise KamError(f"{c.name} has no open handover plan; kam leave {contact} --on DATE opens one")
    return plan_id


def set_handover_owner(
    db: Database, contact: str, owner: str, *, step: str | None = None, account: str | None = None, now: datetime,
) -> OwnerSet:  # fmt: skip
    """Give one step (a name or number), else every open step, of the contact's open plan `owner`
    as an owner of its own (a step without one follows the account's owner), each change a
    history row of the contact."""
    who = owner.strip()
    if not who:
        raise KamError("--owner: give a name")
    with db.session(write=True) as s:
        c = resolve_contact(s, contact, account)
        assert c.id is not None
        name = step_name(step) if step else None
        plan_id = _plan_of(s, c, contact)
        steps = [(st, had) for st, had in set_step_owner(s.connection(), plan_id, who, name)]
        for st, had in steps:
            if had != who:
                record_change(s, entity="contact", entity_id=c.id, account_id=c.account_id,
                              field=f"handover {st} owner", old=had, new=who, source="handover", at=now)  # fmt: skip
        s.commit()
    return OwnerSet(name=c.name, owner=who, steps=[(st, had) for st, had in steps if had != who])


def interaction_summary(summary: str) -> str:
    """What an interaction is recorded with: the summary, trimmed, which cannot be empty."""
    if not summary.strip():
        raise KamError("the summary cannot be empty")
    return summary.strip()


def log_interaction(
    db: Database, account: str, summary: str, *, contacts: Sequence[str] = (), kind: str = "note", on: date,
    now: datetime, today: date | None = None, by: str | None = None,
) -> Logged:  # fmt: skip
    """Record an interaction (`kind`: a canonical interaction kind) with the account and these
    contacts of it, had by our person `by` (default: the account's owner). A meeting or visit
    with a successor completes the `first_meeting` step of the handover plan of the person they
    take over from; a meeting, visit or call of the new owner may complete their owner plan's
    `key_contacts_met` (`owner_plans.complete_key_contacts_met`)."""
    text = interaction_summary(summary)
    who = None if by is None else " ".join(by.split())
    if by is not None and not who:
        raise KamError("--by: give a name")
    with db.session(write=True) as s:
        acc = require_account(s, account)
        assert acc.id is not None
        people = [resolve_contact(s, ref, acc.name) for ref in contacts]
        ids = [p.id for p in people if p.id is not None]
        who = who or acc.owner or None
        add_interaction(s, acc.id, on=on, kind=kind, summary=text, contact_ids=ids, at=now, by=who)
        met = complete_first_meetings(s.connection(), kind, ids, on=on, notes=text, today=today)
        owner_met = complete_key_contacts_met(s.connection(), acc.id, kind=kind, by=who, on=on, today=today or on)
        s.commit()
    names = {p.id: p.name for p in people}
    return Logged(account=acc.name, kind=kind, on=on, first_meetings=[names[i] for i in met],
                  ahead=today is not None and on > today, by=who, key_contacts_met=owner_met)  # fmt: skip


def find_person(db: Database, contact: str, *, account: str | None = None) -> Person:
    """The person `kam forget` is asked to erase, with their records at other accounts."""
    with db.session() as s:
        c = resolve_contact(s, contact, account)
        assert c.id is not None
        return Person(id=c.id, name=c.name, records=same_person(s, c.id))


def forget(db: Database, person: Person, *, now: datetime) -> dict[str, int]:
    """Erase the person (every record of theirs) for good; how many rows of each kind went
    (relations, handover plans, opportunity links, history rows, texts that mentioned them)."""
    return forget_contact(db, person.records, at=now)
