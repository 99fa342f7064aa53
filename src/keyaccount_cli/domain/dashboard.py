"""The team lead's dashboard (docs/spec.md §7): tiers × bands, single-threaded deals, deals whose key
person changed, accounts whose key people changed most, coverage per account owner, and our people
whose accounts' key relationships hang on them alone (docs/spec.md §9), the renewals of the window and where
key people change most (docs/spec.md §11)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from .checks import CheckOptions, check_facts
from .early_warnings import in_window
from .findings import Finding
from .health import BANDS, Scorecard, assess
from .order import sort_key
from .our_side import sole_holder, sole_holders
from .portfolio import TIERS, key_person_changes, opportunity_record
from .views import AccountFacts, AccountView, ContactView, OpportunityView, covered

NO_TIER = "none"
NO_SCORE = "no_score"
THIN_CODES = frozenset({"SINGLE_CONTACT", "SINGLE_SUPPORTER"})

OwnerTally = dict[str, int]


def dashboard(
    book: Iterable[AccountFacts], card: Scorecard, opts: CheckOptions, *, min_amount: float
) -> dict[str, Any]:
    """The dashboard of the accounts whose facts are given, each with its view (`facts.view`: an
    account loaded whole, or a whole book's view, `reading.iter_book_facts`)."""
    grid = _empty_grid()
    big_open: list[dict[str, Any]] = []
    changed_open: list[dict[str, Any]] = []
    movers: list[dict[str, Any]] = []
    owners: dict[str, OwnerTally] = defaultdict(_empty_owner_tally)
    alone: list[tuple[str, str | None]] = []  # (account, the one of ours it hangs on)
    renewals: list[dict[str, Any]] = []
    where: dict[str, dict[str, int]] = {k: defaultdict(int) for k in CHANGE_GROUPS}  # key-person changes by …
    for facts in book:
        a = facts.view
        assert a is not None
        if covered(facts.status):
            alone.append((a.name, sole_holder(facts.key_people, a.owner)))
        findings = check_facts(facts, opts)  # once, for the health band and the owner's tally
        grid[opts.policy.tier(a) or NO_TIER][assess(a, card, opts, findings, facts=facts).band or NO_SCORE] += 1
        mover = _key_people_mover(a, opts.today, card.key_people_months, facts.watch, where)
        if mover is not None:
            movers.append(mover)
        renewal = _renewal(facts, findings, opts)
        if renewal is not None:
            renewals.append(renewal)
        tally = owners[a.owner or ""]
        _count_account(tally, facts.active, findings)
        for opp, rec in _open_deals(a, opts):
            tally["open_opportunities"] += 1
            if opp.amount is not None and opp.amount >= min_amount:
                big_open.append(rec)
                tally["single_threaded"] += _is_single_threaded(rec)
            if rec["stability"] == "changed":
                changed_open.append(rec)
    return {
        "as_of": opts.today.isoformat(),
        "tiers": _tier_rows(grid),
        "single_threaded": _single_threaded_deals(big_open, min_amount),
        "key_person_changed": _key_person_changed_deals(changed_open),
        "key_people_changes": sorted(movers, key=lambda m: (-m["changes"], sort_key(m["account"]))),
        "owners": _owner_rows(owners),
        "sole_holders": sole_holders(alone),
        "renewals": _renewals(renewals, opts),
        "key_people_changes_by": {k: _most_first(where[k]) for k in CHANGE_GROUPS},
    }


# where key people changed most (docs/spec.md §11): by the account's industry, the person's department and title
CHANGE_GROUPS = ("industry", "department", "title")


def _renewal(facts: AccountFacts, findings: list[Finding], opts: CheckOptions) -> dict[str, Any] | None:
    """A customer account's renewal in the window (`renewal_window`), whether it is at risk (it has
    a RENEWAL_AT_RISK finding); None for another account."""
    early, a = facts.early, facts.view
    if (
        early is None
        or a is None
        or not covered(facts.status)
        or not in_window(early.renewal_date, opts.today, opts.early)
    ):
        return None
    day = early.renewal_date
    assert day is not None
    return {"account": a.name, "renewal_date": day.isoformat(), "days": (day - opts.today).days,
            "annual_revenue": a.annual_revenue, "at_risk": any(f.code == "RENEWAL_AT_RISK" for f in findings)}  # fmt: skip


def _renewals(rows: list[dict[str, Any]], opts: CheckOptions) -> dict[str, Any]:
    """The renewals of the window: how many, their annual revenue, how many at risk; soonest first."""
    return {
        "days": opts.early.renewal_window, "count": len(rows),
        "annual_revenue": sum(r["annual_revenue"] or 0 for r in rows), "at_risk": sum(r["at_risk"] for r in rows),
        "accounts": sorted(rows, key=lambda r: (r["renewal_date"], sort_key(r["account"]))),
    }  # fmt: skip


def _most_first(counts: dict[str, int]) -> list[dict[str, Any]]:
    return [{"name": k, "changes": n} for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], sort_key(kv[0])))]


def _empty_grid() -> dict[str, dict[str, int]]:
    """Accounts per tier (with `none`) and health band (with `no_score`), all zero."""
    return {t: dict.fromkeys((*BANDS, NO_SCORE), 0) for t in (*TIERS, NO_TIER)}


def _tier_rows(grid: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    return [{"tier": t, **grid[t], "total": sum(grid[t].values())} for t in (*TIERS, NO_TIER)]


def _empty_owner_tally() -> OwnerTally:
    return {
        "accounts": 0, "active_contacts": 0, "thin_accounts": 0, "no_decision_maker": 0,
        "open_opportunities": 0, "single_threaded": 0,
    }  # fmt: skip


def _key_people_mover(
    account: AccountView, today: date, months: int, watched: list[ContactView], where: dict[str, dict[str, int]]
) -> dict[str, Any] | None:  # fmt: skip
    """The account's key people who left or were replaced in the last `months` (all among its
    `watched` contacts), each counted in `where` by industry, department and title (those given);
    None if none."""
    changes = key_person_changes(account, today, months, watched)
    if not changes:
        return None
    for c, _day in changes:
        for group, value in (("industry", account.industry), ("department", c.department), ("title", c.title)):
            if value:
                where[group][value] += 1
    people = [f"{c.name} {d.isoformat()}" for c, d in changes]
    return {"account": account.name, "changes": len(changes), "people": people}


def _count_account(tally: OwnerTally, active: int, findings: Iterable[Finding]) -> None:
    """Add one account, its `active` contacts and whether it is thin or lacks a decision maker
    (from its `findings`)."""
    codes = {f.code for f in findings}
    tally["accounts"] += 1
    tally["active_contacts"] += active
    tally["thin_accounts"] += bool(codes & THIN_CODES)
    tally["no_decision_maker"] += "NO_DECISION_MAKER" in codes


def _open_deals(account: AccountView, opts: CheckOptions) -> Iterator[tuple[OpportunityView, dict[str, Any]]]:
    """The account's open opportunities, each with its record."""
    for opp in account.opportunities:
        if opts.policy.is_open(opp):
            yield opp, opportunity_record(opp, account, opts.policy, opts.today)


def _is_single_threaded(rec: dict[str, Any]) -> bool:
    return rec["coverage"] in ("none", "single")


def _by_amount(rec: dict[str, Any]) -> tuple[float, str, str]:
    """Largest deal first, then by account and opportunity name."""
    return (-(rec["amount"] or 0), sort_key(rec["account"]), rec["opportunity"])


def _single_threaded_deals(big_open: list[dict[str, Any]], min_amount: float) -> dict[str, Any]:
    """Of the open deals of at least `min_amount`, those resting on one contact or none."""
    single = [r for r in big_open if _is_single_threaded(r)]
    return {
        "min_amount": min_amount,
        "open_opportunities": len(big_open),
        "count": len(single),
        "share": round(len(single) / len(big_open), 3) if big_open else None,
        "amount": sum(r["amount"] for r in single),
        "opportunities": sorted(single, key=_by_amount),
    }


def _key_person_changed_deals(changed_open: list[dict[str, Any]]) -> dict[str, Any]:
    """The open deals whose key person changed recently."""
    return {
        "days": 90,
        "count": len(changed_open),
        "amount": sum(r["amount"] or 0 for r in changed_open),
        "opportunities": sorted(changed_open, key=_by_amount),
    }


def _owner_rows(owners: dict[str, OwnerTally]) -> list[dict[str, Any]]:
    """One row per account owner by name, accounts without an owner last."""
    return [
        {"owner": owner or None, **o, "contacts_per_account": round(o["active_contacts"] / o["accounts"], 1)}
        for owner, o in sorted(owners.items(), key=lambda kv: (kv[0] == "", sort_key(kv[0])))
    ]


def long_rows(board: dict[str, Any]) -> list[dict[str, Any]]:
    """The dashboard as (section, item, measure, value) rows, for CSV."""
    rows: list[dict[str, Any]] = []

    def add(section: str, item: str | None, measure: str, value: Any) -> None:
        rows.append({"section": section, "item": item, "measure": measure, "value": value})

    for t in board["tiers"]:
        for k, v in t.items():
            if k != "tier":
                add("tiers", t["tier"], k, v)
    st = board["single_threaded"]
    for k in ("min_amount", "open_opportunities", "count", "share", "amount"):
        add("single_threaded", None, k, st[k])
    for r in st["opportunities"]:
        add("single_threaded", f"{r['account']} / {r['opportunity']}", "amount", r["amount"])
    kc = board["key_person_changed"]
    for k in ("days", "count", "amount"):
        add("key_person_changed", None, k, kc[k])
    for r in kc["opportunities"]:
        add("key_person_changed", f"{r['account']} / {r['opportunity']}", "amount", r["amount"])
    for m in board["key_people_changes"]:
        add("key_people_changes", m["account"], "changes", m["changes"])
    for o in board["owners"]:
        for k, v in o.items():
            if k != "owner":
                add("owners", o["owner"], k, v)
    for h in board["sole_holders"]:
        add("sole_holders", h["name"], "accounts", h["count"])
    rn = board["renewals"]
    for k in ("days", "count", "annual_revenue", "at_risk"):
        add("renewals", None, k, rn[k])
    for r in rn["accounts"]:
        for k in ("renewal_date", "days", "annual_revenue", "at_risk"):
            add("renewals", r["account"], k, r[k])
    for group, counts in board["key_people_changes_by"].items():
        for c in counts:
            add(f"key_people_changes_by_{group}", c["name"], "changes", c["changes"])
    return rows
