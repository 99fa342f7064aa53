"""What if these people left today (docs/spec.md §10): an account's view as it would be, and what
that changes: the findings that would appear, the single points and coverage before → after.

The findings are `checks.check_account`'s on the changed view: no rule of its own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from .checks import CheckOptions, check_account, coverage, facts_of, sort_findings
from .findings import Finding
from .graph import Coverage, single_points
from .keys import name_key
from .order import sort_key
from .our_side import holders
from .succession import deadline
from .views import AccountView, ContactView, StepView
from .vocab import STEPS

# the latest handover plan of a contact that was not cancelled: (its change date, its status)
PlanMark = tuple[date | None, str]


@dataclass(frozen=True)
class Leavers:
    """Who leaves today: these contacts (by id), or one of our people (`staff`, a name)."""

    contacts: frozenset[int] = frozenset()
    staff: str | None = None


@dataclass
class Impact:
    """What one account would see: the new findings (in the order of `sort_findings`), its coverage
    and single points before and after, its owner, our people who know its key contacts (decision
    makers and champions) and its team (beside the owner), before and after."""

    account: str
    findings: list[Finding]
    before: Coverage
    after: Coverage
    owner: tuple[str | None, str | None]
    holders: tuple[list[str], list[str]]
    team: tuple[list[str], list[str]] = field(default_factory=lambda: ([], []))


def left_today(
    account: AccountView, leavers: Leavers, today: date, offsets: Mapping[str, int],
    plans: Mapping[int, PlanMark] | None = None,
) -> AccountView:  # fmt: skip
    """The account as `kam leave CONTACT --on TODAY` would leave it for each leaving contact (status
    left, change date today, change confirmed, the successor they have kept; their handover plan's
    open steps due from today, or a new plan when their latest is not open and not for today), or,
    for one of our people leaving, without them as owner and in any contact's `our_contacts`.
    Contacts who left already stay as they are. `plans`: each contact's latest plan (`PlanMark`)."""
    if leavers.staff is not None:
        return _without_staff(account, name_key(leavers.staff))
    gone = {c.id: c for c in account.contacts if c.id in leavers.contacts and c.active}
    if not gone:
        return account
    contacts = [
        replace(c, status="left", change_date=today, change_risk="confirmed", history=False, recorded_day=None)
        if c.id in gone else c
        for c in account.contacts
    ]  # fmt: skip
    steps = [s for s in account.open_steps if s.contact_id not in gone]
    for c in gone.values():
        steps += _plan_steps(c, account, today, offsets, (plans or {}).get(c.id))
    return replace(account, contacts=contacts, open_steps=steps)


def _plan_steps(
    c: ContactView, account: AccountView, today: date, offsets: Mapping[str, int], plan: PlanMark | None
) -> list[StepView]:  # fmt: skip
    """The open steps of the contact's plan once they left today (`storage.plans.sync_plans`'s rule):
    an open plan's open steps follow the new change date; a plan closed for today's change stays
    closed; else a new plan opens. `successor` is done where a successor is recorded."""
    if plan is not None and plan[1] == "open":
        mine = [s for s in account.open_steps if s.contact_id == c.id]
        return [replace(s, deadline=deadline(today, s.step, offsets)) for s in mine
                if not (s.step == "successor" and c.successor_id is not None)]  # fmt: skip
    if plan is not None and plan[0] == today:
        return []
    return [StepView(c.id, s, deadline(today, s, offsets), account.owner) for s in STEPS
            if not (s == "successor" and c.successor_id is not None)]  # fmt: skip


def _without_staff(account: AccountView, key: str) -> AccountView:
    """The account without the person of ours whose name key is `key`: as owner, and in each
    contact's `our_contacts`."""
    owner = None if account.owner and name_key(account.owner) == key else account.owner
    contacts = [
        replace(c, our_contacts=tuple(n for n in c.our_contacts if name_key(n) != key))
        if any(name_key(n) == key for n in c.our_contacts) else c
        for c in account.contacts
    ]  # fmt: skip
    return replace(account, owner=owner, contacts=contacts)


def new_findings(before: Iterable[Finding], after: Iterable[Finding]) -> list[Finding]:
    """The findings of `after` that are not among `before`: a finding is there already when one
    with the same code, account, contact and date is (its message may read otherwise, as a count
    in it changes)."""
    there = Counter((f.code, f.account, f.contact, f.date) for f in before)
    out = []
    for f in after:
        key = (f.code, f.account, f.contact, f.date)
        if there[key]:
            there[key] -= 1
        else:
            out.append(f)
    return out


def impact(
    account: AccountView, leavers: Leavers, opts: CheckOptions, offsets: Mapping[str, int],
    plans: Mapping[int, PlanMark] | None = None, team: Sequence[str] = (),
) -> Impact:  # fmt: skip
    """What the account would see if `leavers` left today (`left_today`): the findings `kam check`
    would add, and the rest of `Impact`. `team`: our people on its team beside the owner."""
    after = left_today(account, leavers, opts.today, offsets, plans)
    found = new_findings(check_account(account, opts), check_account(after, opts))
    key = None if leavers.staff is None else name_key(leavers.staff)
    return Impact(
        account=account.name,
        findings=sort_findings(found),
        before=coverage(account, single_points(account)),
        after=coverage(after, single_points(after)),
        owner=(account.owner, after.owner),
        holders=(_holders(account), _holders(after)),
        team=(list(team), [n for n in team if key is None or name_key(n) != key]),
    )


def _holders(account: AccountView) -> list[str]:
    """Our people who know at least one of the account's active key contacts, in name order."""
    return sorted(holders(facts_of(account).key_people).values(), key=sort_key)
