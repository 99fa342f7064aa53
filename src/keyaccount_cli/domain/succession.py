"""Succession (docs/spec.md §5): handover plans, their steps and deadlines, successor suggestions.

The rules only: who needs a plan, when each step is due, a plan as shown, and successor
suggestions. Keeping plans in step with the contacts runs SQL: that is `storage.plans`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..errors import KamError
from ..i18n import _
from .labels import shown
from .order import ranked
from .views import AccountView, ContactView
from .vocab import ATTITUDE_SCORE, DEFAULT_DEADLINES, POWER_RANK, STEP_TEXT, STEPS

__all__ = ["DEFAULT_DEADLINES", "STEPS", "STEP_TEXT"]  # defined with the vocabularies, re-exported


def needs_plan(status: str | None, change_risk: str | None, change_date: date | None) -> bool:
    """A contact whose change is coming or has happened gets a handover plan."""
    return status in ("leaving", "left") or change_risk == "confirmed" or change_date is not None


HISTORY_HORIZON_DAYS = 180  # config `history_horizon_days`: a change dated further back when recorded is history


def is_history(change_date: date | None, recorded: date, horizon_days: int = HISTORY_HORIZON_DAYS) -> bool:
    """A change dated more than `horizon_days` before the day it is recorded (docs/spec.md §8): history,
    for which no plan is opened and no finding raised (old CRM data brought in)."""
    return change_date is not None and change_date < recorded - timedelta(days=horizon_days)


def step_done(status: str, done_on: date | None, today: date) -> bool:
    """Whether a step is done by `today`: done, or open with a done day that has come (a meeting
    logged ahead of its date is kept on the open step, and counts from its day on)."""
    return status == "done" or (done_on is not None and done_on <= today)


def deadline(change_date: date | None, step: str, offsets: Mapping[str, int]) -> date | None:
    return change_date + timedelta(days=offsets[step]) if change_date else None


def step_name(value: str) -> str:
    """A step by name or number (1–5)."""
    v = value.strip().lower().replace("-", "_")
    if v.isascii() and v.isdigit() and 1 <= int(v) <= len(STEPS):
        return STEPS[int(v) - 1]
    if v in STEPS:
        return v
    raise KamError(f"unknown step {value!r}; steps are {', '.join(f'{i} {s}' for i, s in enumerate(STEPS, 1))}")


@dataclass
class PlanView:
    """A handover plan as `kam handover` and `kam show` show it (`storage.plans.load_plan`)."""

    contact: str
    account: str
    kind: str | None
    change_date: date | None
    status: str
    steps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def next_step(self) -> dict[str, Any] | None:
        return next((s for s in self.steps if s["status"] == "open"), None)


# --- successor suggestions -------------------------------------------------


@dataclass
class Candidate:
    contact: ContactView
    score: int
    reasons: list[str]


def suggest_successors(account: AccountView, departing_id: int) -> list[Candidate]:
    """Ranked candidates (docs/spec.md §4): direct reports and same-department peers, then people the
    departing contact trusts or referred, then their manager; power and attitude raise the rank;
    people who are leaving themselves are left out. Within a rank, people closer to the departing
    contact in the account's network (reports-to lines and relations) come first."""
    from .graph import adjacency, distances

    distance = distances(adjacency(account), departing_id)
    by_id = account.by_id()
    me = by_id[departing_id]
    ties = _ties(account, departing_id)
    out = []
    for c in account.contacts:
        if c.id == departing_id or not c.active or c.leaving:
            continue
        tier, reasons = _closeness(c, me, ties, distance)
        if c.decision_power:
            reasons.append(_("power: {power}").format(power=shown("decision_power", c.decision_power)))
        if c.attitude:
            reasons.append(_("attitude: {attitude}").format(attitude=shown("attitude", c.attitude)))
        points = POWER_RANK.get(c.decision_power or "", 0) + ATTITUDE_SCORE.get(c.attitude or "", 0)
        out.append(Candidate(c, tier * 10 + points, reasons))
    far = len(by_id)
    return ranked(out, lambda k: (-k.score, distance.get(k.contact.id, far)), lambda k: k.contact.name)


def _ties(account: AccountView, departing_id: int) -> dict[str, set[int]]:
    """Whom the departing contact trusts, referred, and is a peer of."""
    mine = [r for r in account.relations if departing_id in (r.from_id, r.to_id)]
    return {
        "trusts": {r.to_id for r in mine if r.from_id == departing_id and r.kind == "trusts"},
        "referred": {r.to_id for r in mine if r.from_id == departing_id and r.kind == "referred"},
        "peer": {r.to_id if r.from_id == departing_id else r.from_id for r in mine if r.kind == "peer"},
    }


def _closeness(
    c: ContactView, me: ContactView, ties: dict[str, set[int]], distance: dict[int, int]
) -> tuple[int, list[str]]:
    """How close a candidate stands to the departing contact (3 report or same department, 2 peer,
    trusted or referred, 1 their manager, 0 otherwise), and why."""
    reasons: list[str] = []
    tier = 0
    if c.reports_to_id == me.id:
        tier, reasons = 3, [_("direct report")]
    elif me.department and c.department == me.department and c.id != me.reports_to_id:
        tier, reasons = 3, [_("same department ({department})").format(department=c.department)]
    if c.id in ties["peer"] and tier < 3:
        tier = 2
        reasons.append(_("peer"))
    if c.id in ties["trusts"]:
        tier = max(tier, 2)
        reasons.append(_("trusted by {name}").format(name=me.name))
    if c.id in ties["referred"]:
        tier = max(tier, 2)
        reasons.append(_("referred by {name}").format(name=me.name))
    if c.id == me.reports_to_id:
        tier = max(tier, 1)
        reasons.append(_("their manager"))
    if tier == 0:
        steps = distance.get(c.id)
        reasons.append(_("{n} steps away in the map").format(n=steps) if steps else _("same account, not connected"))
    return tier, reasons
