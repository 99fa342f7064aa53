"""Pure functions: account snapshots → findings (SPEC §6)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter
from typing import NamedTuple

from .errors import KamError
from .portfolio import Policy
from .portfolio import findings as portfolio_findings
from .snapshot import AccountFacts, AccountView

SEVERITIES = ("critical", "high", "medium", "low")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


class Finding(NamedTuple):  # a tuple: a check over a million contacts makes hundreds of thousands
    code: str
    severity: str
    account: str
    contact: str | None
    date: date | None
    message: str

    def as_record(self) -> dict[str, str | None]:
        return dict(zip(FINDING_KEYS, self.as_row(), strict=True))

    def as_row(self) -> tuple[str, str, str, str | None, str | None, str]:
        """The values of `as_record`, in the order of FINDING_KEYS."""
        return self.code, self.severity, self.account, self.contact, self.date.isoformat() if self.date else None, self.message


FINDING_KEYS = ("code", "severity", "account", "contact", "date", "message")  # JSON keys and CSV columns (SPEC §6)


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
        if spec.strip().count("-") + spec.strip().count("/") not in (1, 2):  # a date, or YYYY-MM (its first day)
            raise KamError(usage)
        end = parse_date(spec)
    except (OverflowError, ValueError):
        raise KamError(f"--due: {spec!r} reaches beyond the calendar") from None
    except VocabError:
        raise KamError(usage) from None
    if end < today:
        raise KamError(f"--due: {end.isoformat()} is before today ({today.isoformat()}); the window looks ahead")
    return end


def facts_of(account: AccountView) -> AccountFacts:
    """The facts the checks need, from an account loaded whole."""
    active = account.active_contacts
    supporters = [c for c in active if c.supporter]
    departments = sorted({c.department for c in active if c.department})
    names = {c.id: c.name for c in account.contacts}
    return AccountFacts(
        name=account.name, active=len(active), only_active=active[0].name if len(active) == 1 else None,
        supporters=len(supporters),
        sole_supporter=(supporters[0].id, supporters[0].name) if len(supporters) == 1 else None,
        has_decision_maker=any(c.decision_maker for c in active),
        departments=len(departments), department=departments[0] if len(departments) == 1 else None,
        watch=[c for c in account.contacts if AccountFacts.watched(c)],
        steps=[(s, names[s.contact_id]) for s in account.open_steps], view=account,
    )  # fmt: skip


def check_account(account: AccountView, opts: CheckOptions) -> list[Finding]:
    return check_facts(facts_of(account), opts)


def check_facts(account: AccountFacts, opts: CheckOptions) -> list[Finding]:
    """The findings of SPEC §6 for one account."""
    out: list[Finding] = []
    name = account.name

    def add(code: str, severity: str, contact: str | None, when: date | None, message: str) -> None:
        out.append(Finding(code, severity, name, contact, when, message))

    active = account.active
    if active < opts.min_contacts:
        add("SINGLE_CONTACT", "high", account.only_active, None,
            f"{active} active contact{'s' if active != 1 else ''} (fewer than {opts.min_contacts}); "
            "the relationship hangs on too few people")  # fmt: skip
    sole = account.sole_supporter
    if sole is not None:
        add("SINGLE_SUPPORTER", "high", sole[1], None, f"{sole[1]} is the only contact who supports us")
    if active and not account.has_decision_maker:
        add("NO_DECISION_MAKER", "medium", None, None, "no active contact has final say or the decision_maker role")
    if active >= 2 and account.departments == 1:
        add("SINGLE_DEPARTMENT", "low", None, None, f"all {active} active contacts are in {account.department}")

    for c in account.watch:
        if not c.active:
            continue
        key = c.decision_maker or "champion" in c.roles or (sole is not None and c.id == sole[0])
        in_window = c.change_date is not None and c.change_date <= opts.horizon
        if key and (in_window or c.change_risk in ("high", "confirmed")):
            what = "decision maker" if c.decision_maker else "champion" if "champion" in c.roles else "sole supporter"
            kind = f" ({c.change_kind})" if c.change_kind else ""
            if c.change_date is None:
                text = f"{what} {c.name} may change{kind} (change risk {c.change_risk})"
            elif c.change_date < opts.today:
                text = f"{what} {c.name} was due to change{kind} on {c.change_date.isoformat()} and is not marked as left"
            else:
                text = f"{what} {c.name} {'changes' if c.leaving else 'may change'}{kind} on {c.change_date.isoformat()}"
            add("KEY_PERSON_LEAVING", "critical", c.name, c.change_date, text)
    for c in account.watch:
        if c.successor_id is not None:
            continue
        if c.status == "left":
            add("NO_SUCCESSOR", "high", c.name, c.change_date, f"{c.name} has left and nobody has taken over")
        elif c.leaving and c.change_date is not None and c.change_date <= opts.horizon:
            add("NO_SUCCESSOR", "high", c.name, c.change_date,
                f"{c.name} leaves on {c.change_date.isoformat()} and has no successor")  # fmt: skip
    for step, who in account.steps:
        if step.deadline is None or step.deadline > opts.horizon:
            continue
        owner = f" (owner {step.owner})" if step.owner else ""
        if step.deadline < opts.today:
            add("HANDOVER_OVERDUE", "high", who, step.deadline,
                f"handover of {who}: step {step.step} was due {step.deadline.isoformat()}{owner}")  # fmt: skip
        else:
            add("HANDOVER_DUE", "medium", who, step.deadline,
                f"handover of {who}: step {step.step} is due {step.deadline.isoformat()}{owner}")  # fmt: skip
    if account.view is not None:
        for code, severity, contact, when, message in portfolio_findings(account.view, opts.today, opts.policy):
            add(code, severity, contact.name if contact else None, when, message)
    return out


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Severity, account, date (SPEC §6); then code, contact and message, so the order never varies."""
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], f.account.casefold(), f.date or date.max, f.code,
                                           f.contact or "", f.message))  # fmt: skip


def check_accounts(accounts: Iterable[AccountView | AccountFacts], opts: CheckOptions) -> list[Finding]:
    """Every account's findings in the order of `sort_findings`, without one sort of them all: each
    account's few findings are sorted, the accounts by name (no two have the same), and the
    findings dealt out by severity in that order."""
    found = []
    for a in accounts:
        findings = check_facts(a if isinstance(a, AccountFacts) else facts_of(a), opts)
        if findings:
            found.append((findings[0].account.casefold(), findings))
    found.sort(key=itemgetter(0))
    by_severity: dict[int, list[Finding]] = {rank: [] for rank in sorted(set(SEVERITY_RANK.values()))}
    for _, findings in found:
        for f in sort_findings(findings) if len(findings) > 1 else findings:
            by_severity[SEVERITY_RANK[f.severity]].append(f)
    return [f for findings in by_severity.values() for f in findings]


def fails(findings: Iterable[Finding], fail_on: str) -> bool:
    limit = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] <= limit for f in findings)
