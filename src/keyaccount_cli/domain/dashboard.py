"""The team lead's dashboard (SPEC §7): tiers × bands, single-threaded deals, deals whose key
person changed, accounts whose key people changed most, coverage per account owner."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .checks import CheckOptions, check_account
from .graph import coverage as account_coverage
from .health import BANDS, Scorecard, assess
from .keys import name_key
from .portfolio import TIERS, key_person_changes, opportunity_record
from .views import AccountView

NO_TIER = "none"
NO_SCORE = "no_score"


def dashboard(accounts: Iterable[AccountView], card: Scorecard, opts: CheckOptions, *, min_amount: float) -> dict[str, Any]:
    policy = opts.policy
    grid = {t: dict.fromkeys((*BANDS, NO_SCORE), 0) for t in (*TIERS, NO_TIER)}
    big_open: list[dict[str, Any]] = []
    changed_open: list[dict[str, Any]] = []
    movers: list[dict[str, Any]] = []
    owners: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "accounts": 0, "active_contacts": 0, "thin_accounts": 0, "no_decision_maker": 0,
        "open_opportunities": 0, "single_threaded": 0})  # fmt: skip
    for a in accounts:
        tier = policy.tier(a) or NO_TIER
        result = assess(a, card, opts)
        grid[tier][result.band or NO_SCORE] += 1
        changes = key_person_changes(a, opts.today, card.key_people_months)
        if changes:
            movers.append({"account": a.name, "changes": len(changes), "people": [f"{c.name} {d.isoformat()}" for c, d in changes]})
        codes = {f.code for f in check_account(a, opts)}
        o = owners[a.owner or ""]
        o["accounts"] += 1
        o["active_contacts"] += account_coverage(a).active
        o["thin_accounts"] += bool(codes & {"SINGLE_CONTACT", "SINGLE_SUPPORTER"})
        o["no_decision_maker"] += "NO_DECISION_MAKER" in codes
        for opp in a.opportunities:
            if not policy.is_open(opp):
                continue
            rec = opportunity_record(opp, a, policy, opts.today)
            o["open_opportunities"] += 1
            single = rec["coverage"] in ("none", "single")
            if opp.amount is not None and opp.amount >= min_amount:
                big_open.append(rec)
                o["single_threaded"] += single
            if rec["stability"] == "changed":
                changed_open.append(rec)
    single = [r for r in big_open if r["coverage"] in ("none", "single")]
    by_amount = lambda r: (-(r["amount"] or 0), name_key(r["account"]), r["opportunity"])  # noqa: E731
    return {
        "as_of": opts.today.isoformat(),
        "tiers": [{"tier": t, **grid[t], "total": sum(grid[t].values())} for t in (*TIERS, NO_TIER)],
        "single_threaded": {
            "min_amount": min_amount, "open_opportunities": len(big_open), "count": len(single),
            "share": round(len(single) / len(big_open), 3) if big_open else None,
            "amount": sum(r["amount"] for r in single), "opportunities": sorted(single, key=by_amount),
        },
        "key_person_changed": {
            "days": 90, "count": len(changed_open), "amount": sum(r["amount"] or 0 for r in changed_open),
            "opportunities": sorted(changed_open, key=by_amount),
        },
        "key_people_changes": sorted(movers, key=lambda m: (-m["changes"], name_key(m["account"]))),
        "owners": [
            {"owner": owner or None, **o, "contacts_per_account": round(o["active_contacts"] / o["accounts"], 1)}
            for owner, o in sorted(owners.items(), key=lambda kv: (kv[0] == "", name_key(kv[0])))
        ],
    }  # fmt: skip


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
    return rows
