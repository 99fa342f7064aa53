"""Pure functions: account snapshots → findings (SPEC §6)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .errors import KamError
from .portfolio import Policy
from .portfolio import findings as portfolio_findings
from .snapshot import AccountView, ContactView

SEVERITIES = ("critical", "high", "medium", "low")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    account: str
    contact: str | None
    date: date | None
    message: str

    def as_record(self) -> dict[str, str | None]:
        return {
            "code": self.code, "severity": self.severity, "account": self.account, "contact": self.contact,
            "date": self.date.isoformat() if self.date else None, "message": self.message,
        }  # fmt: skip


@dataclass(frozen=True)
class CheckOptions:
    today: date
    horizon: date
    min_contacts: int = 2
    policy: Policy = field(default_factory=Policy)  # tiers, cadences, min_amount, HEALTH_LOW threshold


_WINDOW = re.compile(r"^\s*(\d+)\s*([dwm])\s*$", re.IGNORECASE)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window_end(spec: str, today: date) -> date:
    """`30d`, `2w`, `3m` from today, or a date (YYYY-MM-DD or YYYY/MM/DD) not before today."""
    from .vocab import VocabError, parse_date

    usage = f"--due: cannot read {spec!r}; use e.g. 30d, 2w, 3m or a date YYYY-MM-DD"
    m = _WINDOW.match(spec)
    try:
        if m:
            n, unit = int(m.group(1)), m.group(2).lower()
            if unit == "d":
                return today + timedelta(days=n)
            if unit == "w":
                return today + timedelta(weeks=n)
            return add_months(today, n)
        if spec.strip().count("-") + spec.strip().count("/") != 2:
            raise KamError(usage)
        end = parse_date(spec)
    except (OverflowError, ValueError):
        raise KamError(f"--due: {spec!r} reaches beyond the calendar") from None
    except VocabError:
        raise KamError(usage) from None
    if end < today:
        raise KamError(f"--due: {end.isoformat()} is before today ({today.isoformat()}); the window looks ahead")
    return end


def _is_key_person(c: ContactView, sole_supporter: ContactView | None) -> bool:
    return c.decision_maker or "champion" in c.roles or c is sole_supporter


def check_account(account: AccountView, opts: CheckOptions) -> list[Finding]:
    out: list[Finding] = []
    active = account.active_contacts

    def add(code: str, severity: str, contact: ContactView | None, when: date | None, message: str) -> None:
        out.append(Finding(code, severity, account.name, contact.name if contact else None, when, message))

    if len(active) < opts.min_contacts:
        only = active[0] if len(active) == 1 else None
        add("SINGLE_CONTACT", "high", only, None,
            f"{len(active)} active contact{'s' if len(active) != 1 else ''} (fewer than {opts.min_contacts}); "
            "the relationship hangs on too few people")  # fmt: skip
    supporters = [c for c in active if c.supporter]
    sole = supporters[0] if len(supporters) == 1 else None
    if sole is not None:
        add("SINGLE_SUPPORTER", "high", sole, None, f"{sole.name} is the only contact who supports us")
    if active and not any(c.decision_maker for c in active):
        add("NO_DECISION_MAKER", "medium", None, None, "no active contact has final say or the decision_maker role")
    departments = {c.department for c in active if c.department}
    if len(active) >= 2 and len(departments) == 1:
        add("SINGLE_DEPARTMENT", "low", None, None,
            f"all {len(active)} active contacts are in {next(iter(departments))}")  # fmt: skip

    for c in active:
        in_window = c.change_date is not None and c.change_date <= opts.horizon
        if _is_key_person(c, sole) and (in_window or c.change_risk in ("high", "confirmed")):
            what = "decision maker" if c.decision_maker else "champion" if "champion" in c.roles else "sole supporter"
            kind = f" ({c.change_kind})" if c.change_kind else ""
            if c.change_date is None:
                text = f"{what} {c.name} may change{kind} (change risk {c.change_risk})"
            elif c.change_date < opts.today:
                text = f"{what} {c.name} was due to change{kind} on {c.change_date.isoformat()} and is not marked as left"
            else:
                text = f"{what} {c.name} {'changes' if c.leaving else 'may change'}{kind} on {c.change_date.isoformat()}"
            add("KEY_PERSON_LEAVING", "critical", c, c.change_date, text)
    for c in account.contacts:
        if c.successor_id is not None:
            continue
        if c.status == "left":
            add("NO_SUCCESSOR", "high", c, c.change_date, f"{c.name} has left and nobody has taken over")
        elif c.leaving and c.change_date is not None and c.change_date <= opts.horizon:
            add("NO_SUCCESSOR", "high", c, c.change_date,
                f"{c.name} leaves on {c.change_date.isoformat()} and has no successor")  # fmt: skip
    by_id = account.by_id()
    for step in account.open_steps:
        if step.deadline is None or step.deadline > opts.horizon:
            continue
        who = by_id[step.contact_id].name
        owner = f" (owner {step.owner})" if step.owner else ""
        if step.deadline < opts.today:
            add("HANDOVER_OVERDUE", "high", by_id[step.contact_id], step.deadline,
                f"handover of {who}: step {step.step} was due {step.deadline.isoformat()}{owner}")  # fmt: skip
        else:
            add("HANDOVER_DUE", "medium", by_id[step.contact_id], step.deadline,
                f"handover of {who}: step {step.step} is due {step.deadline.isoformat()}{owner}")  # fmt: skip
    for code, severity, contact, when, message in portfolio_findings(account, opts.today, opts.policy):
        add(code, severity, contact, when, message)
    return out


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], f.account.casefold(), f.date or date.max, f.code))


def check_accounts(accounts: Iterable[AccountView], opts: CheckOptions) -> list[Finding]:
    return sort_findings(f for a in accounts for f in check_account(a, opts))


def fails(findings: Iterable[Finding], fail_on: str) -> bool:
    limit = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] <= limit for f in findings)
