"""The floor under `kam accounts`, `kam health` and `kam report --format json`: a plain sqlite3 +
json script (no kam imports) that does the reads kam's JSON output needs and turns them into the
objects kam writes, with the same keys, as a first attempt at each would.

    python bench/floor.py accounts|health|report DB [--as-of 2026-11-22] > out.json

What it reads, for all three: every account (id, name, industry, tier, owner, annual revenue, and
for `health` the four health inputs), every contact with the fields the checks look at (id,
account, name, department, roles, decision power, attitude, status, change risk, change date,
successor), streamed in account order beside the accounts; the open steps of open handover plans
(account, deadline); for `health` and `report` when the history marked each contact left. Rows
are tuples; nothing is validated.

What it computes, per account: the effective tier (its own, else the default tier its revenue
reaches) and where it comes from (`tier_source`); the active contacts, distinct departments, supporters (attitude support or
strong_support) and decision makers (final say or the decision_maker role); the findings of
SPEC §6 with the default configuration (min_contacts 2, due 30 days): SINGLE_CONTACT,
SINGLE_SUPPORTER, NO_DECISION_MAKER, SINGLE_DEPARTMENT, KEY_PERSON_LEAVING, NO_SUCCESSOR,
HANDOVER_OVERDUE / HANDOVER_DUE, and of §9-§10 as far as the bench database holds them
(SINGLE_THREADED_INSIDE, OWNER_MISSING, NO_CHAMPION, UNKNOWN_ATTITUDE, and CHAMPION_QUIET for every
champion, as no interaction is read), counted (`accounts`) or their codes (`health`, `report`); the
key people who left or were replaced in the last 12 months; for `health`, the default
scorecard's score in floats with its deductions, band and a short explanation. `report` writes
the grid of tiers × bands, the key-people changes, the coverage per owner, the renewals of the
next 90 days and the key-people changes by industry, department and title (docs/spec.md §11).

What it does not compute: the portfolio findings of SPEC §7 (FOLLOW_UP_OVERDUE,
SINGLE_THREADED_DEAL, HEALTH_LOW) and the opportunities (`report`'s deal sections are written
empty), so it reads no interactions, opportunities or recorded scores: the bench database
(`bench/generate.py`) has none, no tiers and no revenue, and on it the floor's output is kam's
byte for byte (bench/run.py checks that). No configuration file, no `--lang`, no table or CSV.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections import defaultdict
from datetime import date, timedelta

TIERS = (("strategic", 10_000_000), ("key", 3_000_000), ("standard", 0))
SUPPORT = ("support", "strong_support")
CONTACTS = ("SELECT account_id, id, name, department, roles, decision_power, attitude, status, change_risk,"
            " change_date, successor_id, title, our_contacts FROM contact ORDER BY account_id, id")  # fmt: skip


def main() -> None:
    command, db = sys.argv[1], sys.argv[2]
    today = date.fromisoformat(sys.argv[sys.argv.index("--as-of") + 1] if "--as-of" in sys.argv else "2026-11-22")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    inputs = ", usage, renewal_intent, p1_tickets, nps" if command == "health" else ""
    accounts = conn.execute(
        f"SELECT id, name, industry, tier, owner, annual_revenue, status, renewal_date{inputs} FROM account ORDER BY id"
    )
    steps = defaultdict(list)
    for account_id, deadline in conn.execute(
        "SELECT c.account_id, s.deadline FROM handover_step s JOIN handover h ON h.id = s.handover_id"
        " JOIN contact c ON c.id = h.contact_id WHERE h.status = 'open' AND s.status = 'open'"
    ):
        steps[account_id].append(deadline)
    left_on: dict[int, str] = {}
    if command != "accounts":
        for contact_id, at in conn.execute(
            "SELECT entity_id, max(at) FROM \"change\" WHERE entity = 'contact' AND field = 'status'"
            " AND new = 'left' GROUP BY entity_id"
        ):
            left_on[contact_id] = at[:10]
    state = {"today": today.isoformat(), "horizon": (today + timedelta(days=30)).isoformat(), "steps": steps,
             "left_on": left_on, "since": _months_back(today, 12).isoformat()}  # fmt: skip
    records = (_record(command, account, people, state) for account, people in _walk(accounts, conn.execute(CONTACTS)))
    out = sys.stdout
    if command == "report":
        out.write("[\n" + json.dumps(_report(records, today), ensure_ascii=False) + "\n]\n")
        return
    rows = sorted(records, key=lambda r: " ".join(r["account"].split()).casefold())
    out.write("[")
    sep = "\n"
    for r in rows:
        out.write(sep + json.dumps(r, ensure_ascii=False))
        sep = ",\n"
    out.write("\n]\n" if sep != "\n" else "]\n")


def _walk(accounts, contacts):
    """(account row, its contact rows), the two streams read side by side."""
    pending = next(contacts, None)
    for account in accounts:
        people = []
        while pending is not None and pending[0] <= account[0]:
            if pending[0] == account[0]:
                people.append(pending)
            pending = next(contacts, None)
        yield account, people


def _months_back(day: date, months: int) -> date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _record(command, account, people, state):
    id_, name, industry, tier, owner, revenue, account_status, renewal = account[:8]
    source = "set" if tier else None
    if not tier and revenue is not None:
        tier = next((t for t, least in TIERS if revenue >= least), None)
        source = "revenue" if tier else None
    active = supporters = deciders = champions = 0
    key = []  # the our_contacts of each active decision maker and champion
    departments = set()
    sole = None
    codes, maybe, red = [], [], []
    horizon, today = state["horizon"], state["today"]
    for _, cid, _who, dept, roles, power, attitude, status, risk, change, successor, _title, ours in people:
        roles = roles.split(";") if roles else ()
        decides = power == "final" or "decision_maker" in roles
        if status != "left":
            active += 1
            champions += "champion" in roles
            if decides or "champion" in roles:
                key.append(ours)
            if account_status == "customer" and "champion" in roles:
                red.append("CHAMPION_QUIET")  # the floor reads no interactions: none was ever logged
            if account_status == "customer" and decides and attitude is None:
                red.append("UNKNOWN_ATTITUDE")
            if dept:
                departments.add(dept)
            if attitude in SUPPORT:
                supporters += 1
                sole = cid
            deciders += decides
        if successor is None and (status == "left" or (status == "leaving" or risk == "confirmed")
                                  and change is not None and change <= horizon):  # fmt: skip
            codes.append("NO_SUCCESSOR")
        if status != "left" and (change is not None and change <= horizon or risk in ("high", "confirmed")):
            if decides or "champion" in roles:
                codes.append("KEY_PERSON_LEAVING")
            else:
                maybe.append(cid)  # a key person if they are the sole supporter, known once all are counted
    for deadline in state["steps"].get(id_, ()):
        if deadline is not None and deadline[:10] <= horizon:
            codes.append("HANDOVER_OVERDUE" if deadline[:10] < today else "HANDOVER_DUE")
    if supporters == 1 and sole in maybe:
        codes.append("KEY_PERSON_LEAVING")
    if account_status == "customer":  # the coverage findings are a customer's only
        if active < 2:
            codes.append("SINGLE_CONTACT")
        if supporters == 1:
            codes.append("SINGLE_SUPPORTER")
        if active and not deciders:
            codes.append("NO_DECISION_MAKER")
        if active >= 2 and len(departments) == 1:
            codes.append("SINGLE_DEPARTMENT")
        # our side and the red flags (docs/spec.md §9, §10), as far as the bench database holds them
        holders = {" ".join(n.split()).casefold() for o in key for n in (o.split(";") if o else ())}
        if key and len(holders) <= 1:
            codes.append("SINGLE_THREADED_INSIDE")
        if tier and not owner:
            codes.append("OWNER_MISSING")
        if active and not champions:
            codes.append("NO_CHAMPION")
        codes += red
    if command == "accounts":
        return {"account": name, "industry": industry, "tier": tier, "owner": owner, "contacts": active,
                "departments": len(departments), "supporters": supporters, "decision_makers": deciders,
                "findings": len(codes), "renewal_date": renewal, "tier_source": source,
                "status": account_status}  # fmt: skip
    changes = _key_changes(people, state)
    if command == "health":
        return _health(name, tier, account[8:], codes, changes) | {"tier_source": source}
    return {"account": name, "tier": tier, "owner": owner, "active": active, "codes": codes, "changes": changes,
            "industry": industry, "revenue": revenue, "status": account_status, "renewal": renewal,
            "groups": _key_changes(people, state, groups=True)}  # fmt: skip


def _key_changes(people, state, groups=False):
    """The key people who left or were replaced in the last 12 months: 'name day', oldest first
    (with `groups`: their (department, title))."""
    out = []
    for _, cid, who, dept, roles, power, _, status, _, change, successor, title, _ours in people:
        if not (
            power == "final" or (roles and ("decision_maker" in roles.split(";") or "champion" in roles.split(";")))
        ):
            continue
        day = (change or state["left_on"].get(cid)) if status == "left" else change if successor is not None else None
        if day is not None and state["since"] < day[:10] <= state["today"]:
            out.append((day[:10], cid, (dept, title) if groups else f"{who} {day[:10]}"))
    return [text for _, _, text in sorted(out)]


POINTS = {"usage": lambda v: 10 if v > 80 else 7 if v >= 50 else 3, "p1_tickets": lambda v: 10 if v <= 0 else 6 if v <= 2 else 2,
          "nps": lambda v: 10 if v >= 9 else 7 if v >= 7 else 1}  # fmt: skip
INTENT = {"proactive": 10, "satisfied": 7, "unclear": 4}
WEIGHTS = {"usage": 30, "renewal_intent": 30, "p1_tickets": 20, "nps": 20}


def _health(name, tier, inputs, codes, changes):
    values = dict(zip(("usage", "renewal_intent", "p1_tickets", "nps"), inputs, strict=True))
    points = {
        d: None if v is None else INTENT.get(v) if d == "renewal_intent" else POINTS[d](v) for d, v in values.items()
    }
    used = {d: w for d, w in WEIGHTS.items() if points[d] is not None}
    out = {"account": name, "tier": tier, "score": None, "band": None}
    for d in WEIGHTS:
        out[d], out[f"{d}_points"] = values[d], points[d] if d in used else None
    out.update(base=None, deductions=0, deduction_reasons=[],
               explanation="no health data (usage, renewal intent, P1 tickets, NPS)")  # fmt: skip
    if not used:
        return out
    base = sum(used[d] * points[d] for d in used) / sum(used.values()) * 10
    reasons = []
    if len(changes) >= 2:
        reasons.append(f"{len(changes)} key-person changes in 12 months: {', '.join(changes)} (−10)")
    thin = [c for c in ("SINGLE_CONTACT", "SINGLE_SUPPORTER") if c in codes]
    if thin:
        reasons.append(" and ".join(thin) + " (−10)")
    score = round(min(100.0, max(0.0, base - 10 * len(reasons))), 1)
    out.update(score=score, band="red" if score < 60 else "yellow" if score < 76 else "green",
               base=round(base, 2), deductions=10 * len(reasons), deduction_reasons=reasons,
               explanation=f"{base:.2f} - {10 * len(reasons)} = {score}")  # fmt: skip
    return out


def _report(records, today):
    grid = {t: {"red": 0, "yellow": 0, "green": 0, "no_score": 0} for t in ("strategic", "key", "standard", "none")}
    movers, owners, renewals = [], {}, []
    by = {"industry": {}, "department": {}, "title": {}}
    until = (today + timedelta(days=90)).isoformat()
    for r in records:
        for dept, title in r["groups"]:
            for group, value in (("industry", r["industry"]), ("department", dept), ("title", title)):
                if value:
                    by[group][value] = by[group].get(value, 0) + 1
        if r["status"] == "customer" and r["renewal"] and today.isoformat() <= r["renewal"][:10] <= until:
            day = r["renewal"][:10]
            renewals.append({"account": r["account"], "renewal_date": day,
                             "days": (date.fromisoformat(day) - today).days, "annual_revenue": r["revenue"],
                             "at_risk": bool(set(r["codes"]) & RISKS)})  # fmt: skip
        grid[r["tier"] or "none"]["no_score"] += 1  # no health inputs: no score (the floor reads none)
        if r["changes"]:
            movers.append({"account": r["account"], "changes": len(r["changes"]), "people": r["changes"]})
        o = owners.setdefault(r["owner"] or "", {"accounts": 0, "active_contacts": 0, "thin_accounts": 0,
                                                 "no_decision_maker": 0, "open_opportunities": 0, "single_threaded": 0})  # fmt: skip
        o["accounts"] += 1
        o["active_contacts"] += r["active"]
        o["thin_accounts"] += "SINGLE_CONTACT" in r["codes"] or "SINGLE_SUPPORTER" in r["codes"]
        o["no_decision_maker"] += "NO_DECISION_MAKER" in r["codes"]
    key = lambda text: " ".join(text.split()).casefold()  # noqa: E731
    return {
        "as_of": today.isoformat(),
        "tiers": [{"tier": t, **g, "total": sum(g.values())} for t, g in grid.items()],
        "single_threaded": {
            "min_amount": 1000000,
            "open_opportunities": 0,
            "count": 0,
            "share": None,
            "amount": 0,
            "opportunities": [],
        },  # fmt: skip
        "key_person_changed": {"days": 90, "count": 0, "amount": 0, "opportunities": []},
        "key_people_changes": sorted(movers, key=lambda m: (-m["changes"], key(m["account"]))),
        "owners": [
            {"owner": owner or None, **o, "contacts_per_account": round(o["active_contacts"] / o["accounts"], 1)}
            for owner, o in sorted(owners.items(), key=lambda kv: (kv[0] == "", key(kv[0])))
        ],  # fmt: skip
        "sole_holders": [],  # no owners and no one of ours in the bench database
        "renewals": {"days": 90, "count": len(renewals), "annual_revenue": sum(r["annual_revenue"] or 0 for r in renewals),
                     "at_risk": sum(r["at_risk"] for r in renewals),
                     "accounts": sorted(renewals, key=lambda r: (r["renewal_date"], key(r["account"])))},  # fmt: skip
        "key_people_changes_by": {g: [{"name": k, "changes": n} for k, n in sorted(c.items(), key=lambda kv: (-kv[1], key(kv[0])))]
                                  for g, c in by.items()},  # fmt: skip
    }


RISKS = {"KEY_PERSON_LEAVING", "NO_SUCCESSOR", "SINGLE_CONTACT", "SINGLE_SUPPORTER"}


if __name__ == "__main__":
    main()
