"""Pure functions: account snapshots → findings (docs/spec.md §6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from json.encoder import encode_basestring as encode_string  # type: ignore[attr-defined]
from operator import itemgetter
from typing import Any

from ..i18n import _, ngettext
from .dates import window_end as window_end  # re-exported: the window of `CheckOptions.horizon`
from .early_facts import EarlyPolicy
from .early_warnings import early_findings
from .findings import CODES, SEVERITIES, SEVERITY_RANK, Finding
from .graph import Coverage
from .labels import label
from .order import sort_key
from .our_side import our_side_findings
from .owner_handover import owner_findings
from .portfolio import Policy, is_key_person
from .portfolio import findings as portfolio_findings
from .red_flags import RedFlagPolicy, red_flag_findings
from .views import AccountBook, AccountFacts, AccountView, ContactView, Counts, Move, covered

MOVED_DAYS = 90  # CHAMPION_MOVED: a supporter who left for another account within this many days


@dataclass(frozen=True)
class CheckOptions:
    today: date
    horizon: date
    min_contacts: int = 2
    policy: Policy = field(default_factory=Policy)  # tiers, cadences, min_amount, HEALTH_LOW threshold
    red_flags: RedFlagPolicy = field(default_factory=RedFlagPolicy)  # the red flags' windows
    disabled: frozenset[str] = frozenset()  # codes left out (config `disabled_checks`)
    early: EarlyPolicy = field(default_factory=EarlyPolicy)  # the early warnings' windows (docs/spec.md §11)
    card: Any = None  # the health scorecard (`health.Scorecard`): a red band puts a renewal at risk


def facts_of(account: AccountView) -> AccountFacts:
    """The facts the checks need, from an account loaded whole, in one pass over its contacts."""
    return facts_and_coverage(account)[0]


def facts_and_coverage(account: AccountView) -> tuple[AccountFacts, Coverage]:
    """`facts_of` and the coverage counts (`coverage` without single points), from one pass
    over the account's contacts: what `kam accounts` and the accounts export give per account."""
    active = supporters = deciders = 0
    first: ContactView | None = None  # the first active contact, and the last supporter
    sole: ContactView | None = None
    departments: set[str] = set()
    watch: list[ContactView] = []
    watched = AccountFacts.watched
    for c in account.contacts:
        if watched(c):
            watch.append(c)
        if c.active:
            active += 1
            first = first or c
            if c.supporter:
                supporters += 1
                sole = c
            if c.department:
                departments.add(c.department)
            deciders += c.decision_maker
    names = {c.id: c.name for c in account.contacts} if account.open_steps else {}
    facts = AccountFacts(
        name=account.name, active=active, only_active=first.name if active == 1 and first else None,
        supporters=supporters, sole_supporter=(sole.id, sole.name) if supporters == 1 and sole else None,
        has_decision_maker=deciders > 0,
        departments=len(departments), department=next(iter(departments)) if len(departments) == 1 else None,
        watch=watch,
        steps=[(s, names[s.contact_id]) for s in account.open_steps], view=account, status=account.status,
        moves=account.moves, decision_makers=deciders, owner=account.owner,
        tier_inputs=(account.tier, account.annual_revenue), flags=account.flags, early=account.early,
        owner_steps=account.owner_steps,
    )  # fmt: skip
    _key_facts(facts, [c for c in account.contacts if c.active])
    return facts, Coverage(active, len(departments), supporters, deciders)


def _key_facts(facts: AccountFacts, active: list[ContactView]) -> None:
    """What our side and the red flags look at among the active contacts (as `reading` reads it
    in SQL): who of ours knows each key person, the champions, the deciders without an attitude."""
    facts.key_people = [c.our_contacts for c in active if is_key_person(c)]
    facts.champions = sum(1 for c in active if "champion" in c.roles)
    facts.unknown_attitude = [c.name for c in active if c.decision_maker and c.attitude is None]


def coverage(account: AccountView, points: dict[int, list[str]] | None = None) -> Coverage:
    """The counts over the account's active contacts (`facts_and_coverage`), and the names of the
    single `points` given (`graph.single_points(account)`, which `kam map` and `kam show` pass)."""
    cov = facts_and_coverage(account)[1]
    if points:
        names = {c.id: c.name for c in account.contacts}
        cov.single_points = [names[i] for i in sorted(points)]
    return cov


def check_account(account: AccountView, opts: CheckOptions) -> list[Finding]:
    return check_facts(facts_of(account), opts)


def check_facts(account: AccountFacts, opts: CheckOptions) -> list[Finding]:
    """The findings of docs/spec.md §6 for one account."""
    sole = account.sole_supporter
    out = count_findings(account.name, account.active, account.only_active, sole, account.has_decision_maker,
                         account.departments, account.department, opts, ours(account, opts),
                         ) if covered(account.status) else []  # fmt: skip
    out += change_findings(account, opts, None if sole is None else sole[0])
    if account.early is not None and covered(account.status):
        out += _early(account.name, account.early, account.watch, out, opts)
    return [f for f in out if f.code not in opts.disabled] if opts.disabled else out


def _early(name: str, early: Any, watch: list[ContactView], found: list[Finding], opts: CheckOptions) -> list[Finding]:
    """The early warnings (`early_warnings.early_findings`) of a customer account with these facts."""
    return early_findings(name, early, watch, found, opts.today, opts.early, opts.card, opts.disabled)


def kept(found: dict[str, list[Any]], codes: frozenset[str]) -> dict[str, list[Any]]:
    """`check_book`'s findings (or their JSON lines) of these codes only."""

    def code(f: Any) -> str:
        return f.code if isinstance(f, Finding) else f[10 : f.index('"', 10)]  # a line starts {"code": "

    return {severity: [f for f in fs if code(f) in codes] for severity, fs in found.items()}


def ours(account: AccountFacts, opts: CheckOptions) -> list[Finding]:
    """The findings of our side (`our_side.our_side_findings`) and the red flags
    (`red_flags.red_flag_findings`) of a customer account."""
    if not covered(account.status):
        return []
    tier = opts.policy.tier_of(*account.tier_inputs)
    return our_side_findings(account.name, account.owner, tier, account.key_people) + red_flag_findings(
        account.name, account.active, account.champions, account.unknown_attitude, account.flags, opts.today,
        opts.red_flags)  # fmt: skip


def count_findings(
    name: str, active: int, only_active: str | None, sole: tuple[int, str] | None, has_decision_maker: bool,
    departments: int, department: str | None, opts: CheckOptions, ours: list[Finding] | None = None,
) -> list[Finding]:  # fmt: skip
    """The findings from the counts over the account's active contacts (fields of `AccountFacts`), for
    a customer account (`views.covered`: the caller asks; `ours`, its findings of our side, are
    none for another account), with `ours` in their places. Within a severity they come in the order
    of `sort_findings` (none has a date; by code). `JsonLines.counts` writes the same as JSON lines."""
    out = []
    if active < opts.min_contacts:
        out.append(Finding("SINGLE_CONTACT", "high", name, only_active, None, _too_few(active, opts.min_contacts)))
    if sole is not None:
        out.append(Finding("SINGLE_SUPPORTER", "high", name, sole[1], None, _sole_supporter(sole[1])))
    if active and not has_decision_maker:
        out.append(Finding("NO_DECISION_MAKER", "medium", name, None, None, _no_decision_maker()))
    if active >= 2 and departments == 1:
        out.append(Finding("SINGLE_DEPARTMENT", "low", name, None, None, _one_department(active, department)))
    if ours:
        out += ours
        out.sort(key=_order)
    return out


# Each message is one text of the catalog with named placeholders, in the language in use.


def _too_few(active: int, least: int) -> str:
    return ngettext(
        "{n} active contact (fewer than {least}); the relationship hangs on too few people",
        "{n} active contacts (fewer than {least}); the relationship hangs on too few people",
        active,
    ).format(n=active, least=least)


def _sole_supporter(name: str) -> str:
    return _("{name} is the only contact who supports us").format(name=name)


def _no_decision_maker() -> str:
    return _("no active contact has final say or the decision_maker role")


def _one_department(active: int, department: str | None) -> str:
    return _("all {n} active contacts are in {department}").format(n=active, department=department)


def change_findings(
    account: AccountFacts, opts: CheckOptions, sole_id: int | None, later: list[ContactView] | None = None
) -> list[Finding]:
    """The findings from the people with a change ahead or behind them, the handover steps and the
    account's portfolio (docs/spec.md §7): all but the counts. With `later`, the sole supporter is not known
    yet: the people who are a key person only if they are the sole supporter go there instead, and
    `check_book` adds their finding once it knows."""
    name = account.name
    out: list[Finding] = []
    for c in account.watch:
        if c.history or not c.active or not (c.change_on is not None and c.change_on <= opts.horizon
                                             or c.change_risk in ("high", "confirmed")):  # fmt: skip
            continue
        if is_key_person(c):
            out.append(_leaving(c, name, opts))
        elif later is not None:
            later.append(c)
        elif c.id == sole_id:
            out.append(_leaving(c, name, opts))
    out += _successor_findings(account, opts)
    out += _step_findings(account, opts)
    out += _moved_findings(account, opts)
    out += [Finding(code, severity, name, None, day, message)
            for code, severity, day, message in owner_findings(account.owner_steps, opts.today, opts.horizon)]  # fmt: skip
    if account.view is not None:
        for code, severity, contact, when, message in portfolio_findings(account.view, opts.today, opts.policy):
            out.append(Finding(code, severity, name, contact.name if contact else None, when, message))
    return out


def _successor_findings(account: AccountFacts, opts: CheckOptions) -> list[Finding]:
    """NO_SUCCESSOR: someone who has left, or leaves within the window, with nobody to take over;
    not for a change that is history. An undated change counts from the day it was recorded."""
    out = []
    for c in account.watch:
        if c.successor_id is not None or c.history:
            continue
        day = c.change_on
        if c.status == "left":
            out.append(Finding("NO_SUCCESSOR", "high", account.name, c.name, day,
                               _("{name} has left and nobody has taken over").format(name=c.name)))  # fmt: skip
        elif c.leaving and day is not None and day <= opts.horizon:
            text = _("{name} leaves on {date} and has no successor").format(name=c.name, date=day.isoformat())
            out.append(Finding("NO_SUCCESSOR", "high", account.name, c.name, day, text))
    return out


def _moved_findings(account: AccountFacts, opts: CheckOptions) -> list[Finding]:
    """CHAMPION_MOVED: someone who supported us (attitude support or better, or the champion role) left
    for another account in the last MOVED_DAYS days (their change date), and no interaction with them
    there has been logged since (from that day up to today)."""
    out = []
    start = opts.today - timedelta(days=MOVED_DAYS)
    for c in account.watch:
        move = account.moves.get(c.id)
        day = c.change_on  # its date, else the day the move was recorded
        if move is None or day is None or not start < day <= opts.today or not (c.supporter or "champion" in c.roles):
            continue
        if any(day <= d <= opts.today for d in move.days):
            continue
        out.append(Finding("CHAMPION_MOVED", "medium", account.name, c.name, day, _moved(c, account.name, move, day)))
    return out


def _moved(c: ContactView, account: str, move: Move, day: date) -> str:
    if "champion" in c.roles:
        text = _("champion {name} left {account} for {to} on {date}; no interaction with them at {to} logged since")
    else:
        text = _("supporter {name} left {account} for {to} on {date}; no interaction with them at {to} logged since")
    return text.format(name=c.name, account=account, to=move.account, date=day.isoformat())


def _step_findings(account: AccountFacts, opts: CheckOptions) -> list[Finding]:
    """HANDOVER_OVERDUE and HANDOVER_DUE: the open handover steps due within the window."""
    out = []
    for step, who in account.steps:
        if step.deadline is None or step.deadline > opts.horizon:
            continue
        owner = _(" (owner {owner})").format(owner=step.owner) if step.owner else ""
        due = step.deadline.isoformat()
        if step.deadline < opts.today:
            text = _("handover of {name}: step {step} was due {date}{owner}")
            code, severity = "HANDOVER_OVERDUE", "high"
        else:
            text = _("handover of {name}: step {step} is due {date}{owner}")
            code, severity = "HANDOVER_DUE", "medium"
        message = text.format(name=who, step=step.step, date=due, owner=owner)
        out.append(Finding(code, severity, account.name, who, step.deadline, message))
    return out


def _leaving(c: ContactView, account: str, opts: CheckOptions) -> Finding:
    """KEY_PERSON_LEAVING for an active key person with a change in the window or a high or confirmed risk."""
    what = _("decision maker") if c.decision_maker else _("champion") if "champion" in c.roles else _("sole supporter")
    kind = _(" ({kind})").format(kind=label("change_kind", c.change_kind)) if c.change_kind else ""
    day = c.change_on
    if day is None:
        risk = label("change_risk", c.change_risk) if c.change_risk else c.change_risk
        text = _("{what} {name} may change{kind} (change risk {risk})").format(
            what=what, name=c.name, kind=kind, risk=risk
        )
    else:
        if day < opts.today:
            form = _("{what} {name} was due to change{kind} on {date} and is not marked as left")
        elif c.leaving:
            form = _("{what} {name} changes{kind} on {date}")
        else:
            form = _("{what} {name} may change{kind} on {date}")
        text = form.format(what=what, name=c.name, kind=kind, date=day.isoformat())
    return Finding("KEY_PERSON_LEAVING", "critical", account, c.name, day, text)


def finding_order(f: Finding) -> tuple[int, str, date, str, str, str]:
    """The order of findings (docs/spec.md §6), the one every output follows: severity (in the order of
    SEVERITIES), account, date; then code, contact and message, so the order never varies. Within one
    account it is `_order`."""
    rank, day, code, contact, message = _order(f)
    return rank, sort_key(f.account), day, code, contact, message


def _order(f: Finding) -> tuple[int, date, str, str, str]:
    """Where `finding_order` puts a finding among its account's."""
    return SEVERITY_RANK[f.severity], f.date or date.max, f.code, f.contact or "", f.message


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in `finding_order` (one account's by `_order`, the same without its name's key)."""
    found = list(findings)
    return sorted(found, key=_order if len({f.account for f in found}) <= 1 else finding_order)


def check_accounts(accounts: Iterable[AccountView | AccountFacts], opts: CheckOptions) -> list[Finding]:
    """Every account's findings in the order of `sort_findings`, without one sort of them all: each
    account's few findings are sorted, the accounts by name (no two have the same), and the
    findings dealt out by severity in that order."""
    found = []
    for a in accounts:
        findings = check_facts(a if isinstance(a, AccountFacts) else facts_of(a), opts)
        if findings:
            found.append((sort_key(findings[0].account), findings))
    found.sort(key=itemgetter(0))
    by_severity: dict[int, list[Finding]] = {rank: [] for rank in sorted(set(SEVERITY_RANK.values()))}
    for _key, findings in found:
        for f in sort_findings(findings) if len(findings) > 1 else findings:
            by_severity[SEVERITY_RANK[f.severity]].append(f)
    return [f for findings in by_severity.values() for f in findings]


_NO_COUNTS: Counts = (0, 0, None, 0, None, None, 0, 0, None, 0)  # `Counts` of an account without an active contact


def check_book(book: AccountBook, opts: CheckOptions, json: bool = False) -> dict[str, list[Any]]:
    """`check_accounts` of the book's accounts by severity, in the order of SEVERITIES: findings, or
    with `json` their lines as `JsonLines` writes them. In two parts: while the counts are computed,
    the findings that do not need them (the few accounts with a change, a handover step or a
    portfolio) and the accounts' order by name; then, with the counts, the rest, dealt out as they
    are made. An account's findings are sorted only where it has more than the counts' (which come
    in order: see count_findings)."""
    names = dict(book.accounts)
    early: dict[int, tuple[list[Finding], list[ContactView]]] = {}
    for id_ in book.watch.keys() | book.steps.keys() | book.views.keys() | book.owner_steps.keys():
        later: list[ContactView] = []
        found = change_findings(book.facts(id_, names[id_]), opts, None, later)
        if found or later:
            early[id_] = (found, later)
    order = sorted(book.accounts, key=lambda a: sort_key(a[1]))  # no two accounts have the same name
    by_severity: dict[str, list[Any]] = {severity: [] for severity in SEVERITIES}
    lines = JsonLines(opts, by_severity) if json else None
    if lines is not None:  # the accounts' names and the findings so far as JSON, while the counts are computed
        named = [(id_, name, encode_string(name)) for id_, name in order]
        ready = {id_: lines.ready(found) for id_, (found, _) in early.items()}
    counts = book.counts()
    if lines is not None:
        add = lines.counts
        for id_, name, account in named:
            if id_ not in early and id_ not in book.early:  # most accounts: one or two lines from the counts
                if covered(book.status(id_)):
                    row = counts.get(id_, _NO_COUNTS)
                    add(name, account, row, _book_ours(book, id_, name, opts, row))
            else:
                # the counts' findings, a sole supporter's leaving and the early warnings, among the lines made ahead
                ahead, later = early.get(id_, ([], []))
                found = _merged(name, counts.get(id_, _NO_COUNTS), ([], later), opts, book, id_, ahead)
                lines.merge(ready.get(id_, []), found)
        return _without(by_severity, opts)
    for id_, name in order:
        for f in _merged(name, counts.get(id_, _NO_COUNTS), early.get(id_), opts, book, id_):
            by_severity[f.severity].append(f)
    return _without(by_severity, opts)


def _without(found: dict[str, list[Any]], opts: CheckOptions) -> dict[str, list[Any]]:
    """The findings but those of the codes the config turns off."""
    if not opts.disabled:
        return found
    return kept(found, frozenset(CODES) - opts.disabled)


def _book_ours(book: AccountBook, id_: int, name: str, opts: CheckOptions, counts: Counts) -> list[Finding]:
    """`ours` of a customer account of the book, from its profile, key people, counts and flags."""
    owner, tier, revenue = book.profiles.get(id_, (None, None, None))
    return our_side_findings(name, owner, opts.policy.tier_of(tier, revenue), book.key_people.get(id_, [])) + (
        red_flag_findings(name, counts[1], counts[9], book.unknown_attitude.get(id_, []), book.flags.get(id_),
                          opts.today, opts.red_flags))  # fmt: skip


def _merged(
    name: str, counts: Counts, early: tuple[list[Finding], list[ContactView]] | None, opts: CheckOptions,
    book: AccountBook, id_: int, ahead: list[Finding] | None = None,
) -> list[Finding]:  # fmt: skip
    """An account's findings from its counts and its side (for a customer account), from what
    `check_book` found before them (`early`; `ahead`: those already written as lines, which are not
    returned again) and its early warnings, in the order of `sort_findings`."""
    _id, active, only_active, _supporters, sole_id, sole_name, dm, departments, department, _ch = counts
    sole = None if sole_id is None or sole_name is None else (sole_id, sole_name)
    found = (count_findings(name, active, only_active, sole, bool(dm), departments, department, opts,
                            _book_ours(book, id_, name, opts, counts))
             if covered(book.status(id_)) else [])  # fmt: skip
    warnings = book.early.get(id_)
    if early is None and warnings is None:
        return found  # in order: within a severity, by code, and none has a date
    if early is not None:
        changes, later = early
        found += changes
        found += (_leaving(c, name, opts) for c in later if c.id == sole_id)
    if warnings is not None and covered(book.status(id_)):
        found += _early(name, warnings, book.watch.get(id_, []), [*(ahead or []), *found], opts)
    if len(found) > 1:  # as sort_findings: the account is the same
        found.sort(key=_order)
    return found


class JsonLines:
    """Findings as the lines of `kam check --format json`: what `json.dumps(f.as_record(),
    ensure_ascii=False)` writes, without the dict, and for the findings from the counts without the
    finding."""

    def __init__(self, opts: CheckOptions, out: dict[str, list[str]]) -> None:
        self._opts = opts
        self._out = out  # the lines by severity
        self._high, self._medium, self._low = out["high"], out["medium"], out["low"]
        self._least = opts.min_contacts
        self._heads: dict[tuple[str, str], str] = {}
        self._dates: dict[date, str] = {}
        self._account = ("", "")  # the last account's name, and as JSON
        self._too_few = [encode_string(_too_few(n, opts.min_contacts)) for n in range(opts.min_contacts)]
        self._no_decision_maker = encode_string(_no_decision_maker())

    def ready(self, findings: list[Finding]) -> list[tuple[tuple[int, date, str, str, str], str]]:
        """The findings' lines ahead, each after its place among the account's (`_order`), in order."""
        return sorted((_order(f), self.line(f)) for f in findings)  # the same place: the same finding

    def merge(self, ready: list[tuple[tuple[int, date, str, str, str], str]], findings: list[Finding]) -> None:
        """An account's lines from `ready` and its other findings, in order."""
        if findings:
            ready = sorted([*ready, *((_order(f), self.line(f)) for f in findings)])
        out = [self._out[severity] for severity in SEVERITIES]
        for (rank, *_rest), line in ready:
            out[rank].append(line)

    def line(self, f: Finding) -> str:
        code, severity, account, contact, day, message = f
        head = self._heads.get((code, severity))
        if head is None:
            head = self._heads[code, severity] = (
                f'{{"code": {encode_string(code)}, "severity": {encode_string(severity)}, "account": '
            )
        if account is not self._account[0]:
            self._account = account, encode_string(account)
        if day is None:
            when = "null"
        elif (when := self._dates.get(day)) is None:  # type: ignore[assignment]
            when = self._dates[day] = encode_string(day.isoformat())
        return (f'{head}{self._account[1]}, "contact": {"null" if contact is None else encode_string(contact)}, '
                f'"date": {when}, "message": {encode_string(message)}}}')  # fmt: skip

    def counts(self, name: str, account: str, row: Counts, ours: list[Finding]) -> None:
        """The lines of `count_findings` for an account (its name, and as JSON), its `Counts` and its
        other findings from the counts' pass (`ours`: our side, the red flags), in order."""
        _id, active, only_active, _supporters, sole_id, sole_name, dm, departments, department, _ch = row
        if ours:  # then in the order of sort_findings, made as findings
            sole = None if sole_id is None or sole_name is None else (sole_id, sole_name)
            for f in count_findings(name, active, only_active, sole, bool(dm), departments, department, self._opts,
                                    ours):  # fmt: skip
                self._out[f.severity].append(self.line(f))
            return
        if active < self._least:
            self._high.append(
                f'{{"code": "SINGLE_CONTACT", "severity": "high", "account": {account}, "contact": '
                f'{"null" if only_active is None else encode_string(only_active)}, "date": null, "message": {self._too_few[active]}}}'
            )  # fmt: skip
        if sole_name is not None:
            self._high.append(
                f'{{"code": "SINGLE_SUPPORTER", "severity": "high", "account": {account}, "contact": {encode_string(sole_name)}, '
                f'"date": null, "message": {encode_string(_sole_supporter(sole_name))}}}'
            )  # fmt: skip
        if active and not dm:
            self._medium.append(
                f'{{"code": "NO_DECISION_MAKER", "severity": "medium", "account": {account}, "contact": null, '
                f'"date": null, "message": {self._no_decision_maker}}}'
            )  # fmt: skip
        if active >= 2 and departments == 1:
            self._low.append(
                f'{{"code": "SINGLE_DEPARTMENT", "severity": "low", "account": {account}, "contact": null, '
                f'"date": null, "message": {encode_string(_one_department(active, department))}}}'
            )  # fmt: skip
