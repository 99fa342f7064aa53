"""The early warnings (docs/spec.md §11): a renewal coming up, at risk or not, and engagement
falling off. For customer accounts (the caller asks). Pure: the facts come in `EarlyFacts`, the
account's other findings (the reasons a renewal is at risk) from the check that calls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from ..i18n import _, ngettext
from .dates import add_months
from .early_facts import EarlyFacts, EarlyPolicy
from .findings import Finding
from .labels import label
from .portfolio import change_day, is_key_person
from .views import ContactView

# the findings that put a renewal at risk, in the order the message names them
RISK_CODES = ("KEY_PERSON_LEAVING", "NO_SUCCESSOR", "SINGLE_CONTACT", "SINGLE_SUPPORTER")
THIN_CODES = ("SINGLE_CONTACT", "SINGLE_SUPPORTER")  # as `health.THIN_CODES`: the coverage deduction


def in_window(day: date | None, today: date, policy: EarlyPolicy) -> bool:
    """Whether a renewal date falls from today up to the window's end."""
    return day is not None and today <= day <= today + timedelta(days=policy.renewal_window)


def early_findings(
    name: str, early: EarlyFacts | None, watch: Sequence[ContactView], found: Sequence[Finding], today: date,
    policy: EarlyPolicy, card: Any, disabled: frozenset[str] = frozenset(),
) -> list[Finding]:  # fmt: skip
    """RENEWAL_AT_RISK or RENEWAL_DUE, and ENGAGEMENT_DROP, of a customer account with these `early`
    facts, `watch`ed contacts (everyone with a change day) and other `found` findings. `card`: the
    health scorecard (`health.Scorecard`; None: the health band is no reason); a code in `disabled`
    is no reason either, as it is no finding."""
    if early is None:
        return []
    out = []
    if in_window(early.renewal_date, today, policy):
        out.append(_renewal(name, early, watch, found, today, card, disabled))
    drop = _dropped(early, policy)
    if drop is not None:
        text = ngettext("{recent} interaction in the last {days} days, {before} in the {days} days before (down {drop}%)",
                        "{recent} interactions in the last {days} days, {before} in the {days} days before (down {drop}%)",
                        early.recent)  # fmt: skip
        out.append(Finding("ENGAGEMENT_DROP", "medium", name, None, None, text.format(
            recent=early.recent, before=early.before, days=policy.days, drop=drop)))  # fmt: skip
    return out


def _dropped(early: EarlyFacts, policy: EarlyPolicy) -> int | None:
    """The drop in percent, when it is one (None: no ENGAGEMENT_DROP)."""
    before, recent = early.before, early.recent
    if before < policy.least or before - recent < policy.drop * before - 1e-9:
        return None
    return round((before - recent) * 100 / before)


def _renewal(
    name: str, early: EarlyFacts, watch: Sequence[ContactView], found: Sequence[Finding], today: date, card: Any,
    disabled: frozenset[str],
) -> Finding:  # fmt: skip
    day = early.renewal_date
    assert day is not None
    days = (day - today).days
    reasons = renewal_reasons(early, watch, found, today, card, disabled)
    if not reasons:
        text = ngettext("renewal on {date}, in {n} day", "renewal on {date}, in {n} days", days)
        return Finding("RENEWAL_DUE", "low", name, None, day, text.format(date=day.isoformat(), n=days))
    text = ngettext("renewal on {date}, in {n} day, at risk: {reasons}",
                    "renewal on {date}, in {n} days, at risk: {reasons}", days)  # fmt: skip
    return Finding("RENEWAL_AT_RISK", "critical", name, None, day,
                   text.format(date=day.isoformat(), n=days, reasons=_("; ").join(reasons)))  # fmt: skip


def renewal_reasons(
    early: EarlyFacts, watch: Sequence[ContactView], found: Sequence[Finding], today: date, card: Any,
    disabled: frozenset[str] = frozenset(),
) -> list[str]:  # fmt: skip
    """Why the account's renewal is at risk, each as a text: its KEY_PERSON_LEAVING, NO_SUCCESSOR,
    SINGLE_CONTACT and SINGLE_SUPPORTER findings, a red health band, an open owner handover."""
    shown = [f for f in found if f.code not in disabled]
    out = []
    for code in RISK_CODES:
        people = list(dict.fromkeys(f.contact for f in shown if f.code == code and f.contact))
        if any(f.code == code for f in shown):
            out.append(_reason(code, people))
    band = health_band(early, watch, shown, today, card)
    if band is not None and band[1] == "red":
        out.append(_("health {score} ({band})").format(score=f"{band[0]:g}", band=label("band", "red")))
    for old, new in early.handovers:
        out.append(_("owner handover from {old} to {new} open").format(old=old, new=new))
    return out


def _reason(code: str, people: list[str]) -> str:
    who = ", ".join(people)
    if code == "KEY_PERSON_LEAVING":
        return _("key person leaving: {names}").format(names=who)
    if code == "NO_SUCCESSOR":
        return _("no successor for {names}").format(names=who)
    if code == "SINGLE_CONTACT":
        return _("a single contact")
    return _("a single supporter: {names}").format(names=who)


def health_band(
    early: EarlyFacts, watch: Sequence[ContactView], found: Sequence[Finding], today: date, card: Any
) -> tuple[float, str] | None:  # fmt: skip
    """Today's health score and band, as `kam health` gives them: from the inputs, the key people
    who changed within the scorecard's months (all among the `watch`ed) and the thin coverage
    among the `found` findings; None without a score (or a scorecard)."""
    if card is None or early.inputs is None:
        return None
    from_day = add_months(today, -card.key_people_months)
    changes = sorted(((c, d) for c in watch if is_key_person(c) and (d := change_day(c, early.left_on)) is not None
                      and from_day < d <= today), key=lambda p: (p[1], p[0].id))  # fmt: skip
    thin = sorted({f.code for f in found if f.code in THIN_CODES}, key=THIN_CODES.index)
    result = card.score_of(early.inputs, key_people_changed=[f"{c.name} {d.isoformat()}" for c, d in changes],
                           thin_coverage=thin)  # fmt: skip
    return None if result.score is None else (result.score, result.band)
