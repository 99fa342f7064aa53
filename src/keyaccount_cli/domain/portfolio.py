"""Tiers, follow-up cadence, opportunities and key-person changes (docs/spec.md §7), on account snapshots.

Pure functions: the snapshot carries the account's interactions, opportunities and
recorded health scores; the policy carries the configured thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..i18n import _
from .dates import add_months
from .labels import label
from .views import AccountView, ContactView, OpportunityView, covered

TIERS = ("strategic", "key", "standard")
DEFAULT_TIERS: dict[str, dict[str, int]] = {
    "strategic": {"min_revenue": 10_000_000, "cadence_days": 7},
    "key": {"min_revenue": 3_000_000, "cadence_days": 14},
    "standard": {"min_revenue": 0, "cadence_days": 90},
}
DEFAULT_MIN_AMOUNT = 1_000_000
# Stages (compared ignoring case and surrounding spaces) after which an opportunity is no longer open.
DEFAULT_CLOSED_STAGES = [
    "won", "lost", "closed", "closed won", "closed lost", "cancelled", "canceled",
    "赢单", "输单", "成交", "已成交", "丢单", "关闭", "已关闭", "取消",
]  # fmt: skip
CHANGED_DAYS = 90  # an opportunity's key person "changed" within this many days
COVERAGE = ("none", "single", "multi", "cross_department")
STABILITY = ("stable", "at_risk", "changed")


@dataclass(frozen=True)
class Policy:
    tiers: Mapping[str, Mapping[str, int]] = field(default_factory=lambda: DEFAULT_TIERS)
    min_amount: float = DEFAULT_MIN_AMOUNT
    closed_stages: frozenset[str] = frozenset(s.casefold() for s in DEFAULT_CLOSED_STAGES)
    health_low: float = 60

    def tier(self, account: AccountView) -> str | None:
        """The account's own tier, else the one its annual revenue reaches, else none."""
        return self.tier_of(account.tier, account.annual_revenue)

    def tier_of(self, tier: str | None, revenue: float | None) -> str | None:
        """`tier()` of an account with this stored tier and annual revenue."""
        if tier:
            return tier
        if revenue is None:
            return None
        ranked = sorted(TIERS, key=lambda t: -self.tiers[t]["min_revenue"])
        return next((t for t in ranked if revenue >= self.tiers[t]["min_revenue"]), None)

    def tier_source(self, account: AccountView) -> str | None:
        """Where `tier()` comes from: `set` (the account's own), `revenue` (the one its annual revenue
        reaches), or None (no tier)."""
        if account.tier:
            return "set"
        return "revenue" if self.tier(account) is not None else None

    def cadence(self, tier: str | None) -> int | None:
        return self.tiers[tier]["cadence_days"] if tier else None

    def is_open(self, opp: OpportunityView) -> bool:
        return opp.stage is None or " ".join(opp.stage.split()).casefold() not in self.closed_stages


def is_key_person(c: ContactView) -> bool:
    return c.decision_maker or "champion" in c.roles


def change_day(c: ContactView, left_on: Mapping[int, date]) -> date | None:
    """When a contact left or was replaced: the change date of someone who left (else the day
    the history recorded them as left), or the change date of someone who has a successor."""
    if c.status == "left":
        return c.change_date or left_on.get(c.id)
    if c.successor_id is not None:
        return c.change_date
    return None


def changed_between(
    account: AccountView, start: date, end: date, *, key_only: bool, among: Iterable[ContactView] | None = None
) -> list[tuple[ContactView, date]]:  # fmt: skip
    """Contacts who left or were replaced after `start` and up to `end`, oldest first. `among`: the
    contacts to look at, when not all of the account's: everyone with a change day is watched
    (`AccountFacts.watched`: they left, or have a change date), so the watched ones will do."""
    out = []
    for c in account.contacts if among is None else among:
        day = change_day(c, account.left_on)
        if day is not None and start < day <= end and (not key_only or is_key_person(c)):
            out.append((c, day))
    return sorted(out, key=lambda p: (p[1], p[0].id))


def key_person_changes(
    account: AccountView, today: date, months: int = 12, among: Iterable[ContactView] | None = None
) -> list[tuple[ContactView, date]]:  # fmt: skip
    return changed_between(account, add_months(today, -months), today, key_only=True, among=among)


def coverage(opp: OpportunityView, account: AccountView) -> str:
    """`none`, `single` (one active contact), `multi`, `cross_department` (two departments or more)."""
    people = _linked(opp, account, active=True)
    if not people:
        return "none"
    if len(people) == 1:
        return "single"
    return "cross_department" if len({c.department for c in people if c.department}) >= 2 else "multi"


def stability(opp: OpportunityView, account: AccountView, today: date) -> str:
    """`changed` (a linked contact left or was replaced in the last 90 days), `at_risk` (one is
    leaving or at high/confirmed change risk), else `stable`."""
    linked = _linked(opp, account, active=False)
    start = today - timedelta(days=CHANGED_DAYS)
    for c in linked:
        day = change_day(c, account.left_on)
        if day is not None and start < day <= today:
            return "changed"
    if any(c.active and (c.status == "leaving" or c.change_risk in ("high", "confirmed")) for c in linked):
        return "at_risk"
    return "stable"


def _linked(opp: OpportunityView, account: AccountView, *, active: bool) -> list[ContactView]:
    by_id = account.by_id()
    people = [by_id[i] for i in opp.contact_ids if i in by_id]
    return [c for c in people if c.active] if active else people


def opportunity_record(opp: OpportunityView, account: AccountView, policy: Policy, today: date) -> dict[str, Any]:
    people = _linked(opp, account, active=True)
    return {
        "account": account.name, "opportunity": opp.name, "amount": opp.amount, "stage": opp.stage,
        "close_date": opp.close_date.isoformat() if opp.close_date else None, "open": policy.is_open(opp),
        "contacts": [c.name for c in people], "coverage": coverage(opp, account),
        "stability": stability(opp, account, today), "owner": account.owner,
    }  # fmt: skip


def last_interaction(account: AccountView, today: date) -> date | None:
    return max((d for d in account.interaction_days if d <= today), default=None)


def findings(
    account: AccountView, today: date, policy: Policy
) -> list[tuple[str, str, ContactView | None, date | None, str]]:
    """FOLLOW_UP_OVERDUE (for a customer account: `views.covered`), SINGLE_THREADED_DEAL and HEALTH_LOW
    as (code, severity, contact, date, message)."""
    out: list[tuple[str, str, ContactView | None, date | None, str]] = []
    tier = policy.tier(account)
    cadence = policy.cadence(tier) if covered(account.status) else None
    if cadence is not None:
        last = last_interaction(account, today)
        shown_tier = label("tier", tier) if tier else tier
        if last is None:
            out.append(("FOLLOW_UP_OVERDUE", "medium", None, None,
                        _("no interaction logged yet; a {tier} account is followed up every {days} days")
                        .format(tier=shown_tier, days=cadence)))  # fmt: skip
        elif (today - last).days > cadence:
            out.append(("FOLLOW_UP_OVERDUE", "medium", None, last + timedelta(days=cadence),
                        _("last interaction {date} ({ago} days ago); a {tier} account is followed up every {days} days")
                        .format(date=last.isoformat(), ago=(today - last).days, tier=shown_tier, days=cadence)))  # fmt: skip
    for opp in account.opportunities:
        if not policy.is_open(opp) or opp.amount is None or opp.amount < policy.min_amount:
            continue
        people = _linked(opp, account, active=True)
        if len(people) >= 2:
            continue
        stage = _(", stage {stage}").format(stage=opp.stage) if opp.stage else ""
        who = _("one contact: {name}").format(name=people[0].name) if people else _("no active contact")
        out.append(("SINGLE_THREADED_DEAL", "high", people[0] if people else None, opp.close_date,
                    _("open opportunity {name} ({amount}{stage}) has {who}")
                    .format(name=opp.name, amount=f"{opp.amount:,.0f}", stage=stage, who=who)))  # fmt: skip
    recorded = [(d, s) for d, s in account.health_scores if d <= today]
    if len(recorded) >= 2:
        (d1, s1), (d2, s2) = recorded[-2:]
        if s1 is not None and s2 is not None and s1 < policy.health_low and s2 < policy.health_low:
            out.append(("HEALTH_LOW", "high", None, d2,
                        _("health {last} on {last_date} and {before} on {before_date}, both below {least}")
                        .format(last=f"{s2:g}", last_date=d2.isoformat(), before=f"{s1:g}",
                                before_date=d1.isoformat(), least=f"{policy.health_low:g}")))  # fmt: skip
    return out
