"""Succession (SPEC §5): handover plans, their steps and deadlines, successor suggestions.

Plan upkeep works on a Core connection so that the importer's transaction and
the commands' sessions (via `session.connection()`) share one implementation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from .errors import KamError
from .models import Account, Contact, Handover, HandoverStep
from .snapshot import AccountView, ContactView
from .vocab import ATTITUDE_SCORE, DEFAULT_DEADLINES, POWER_RANK, STEP_TEXT, STEPS

__all__ = ["DEFAULT_DEADLINES", "STEPS", "STEP_TEXT"]  # defined with the vocabularies, re-exported

_H = Handover.__table__
_S = HandoverStep.__table__
_C = Contact.__table__
_A = Account.__table__


def needs_plan(status: str | None, change_risk: str | None, change_date: date | None) -> bool:
    """A contact whose change is coming or has happened gets a handover plan."""
    return status in ("leaving", "left") or change_risk == "confirmed" or change_date is not None


def deadline(change_date: date | None, step: str, offsets: Mapping[str, int]) -> date | None:
    return change_date + timedelta(days=offsets[step]) if change_date else None


def step_name(value: str) -> str:
    """A step by name or number (1–5)."""
    v = value.strip().lower().replace("-", "_")
    if v.isdigit() and 1 <= int(v) <= len(STEPS):
        return STEPS[int(v) - 1]
    if v in STEPS:
        return v
    raise KamError(f"unknown step {value!r}; steps are {', '.join(f'{i} {s}' for i, s in enumerate(STEPS, 1))}")


def open_plan_id(conn: Connection, contact_id: int) -> int | None:
    row = conn.execute(select(_H.c.id).where(_H.c.contact_id == contact_id, _H.c.status == "open")).first()
    return row[0] if row else None


def sync_plans(
    conn: Connection, contact_ids: Iterable[int], *, offsets: Mapping[str, int], today: date, at: datetime,
) -> list[int]:  # fmt: skip
    """Open a plan for each contact who needs one and has none; keep open steps' deadlines on the
    change date; mark `successor` done once a successor is recorded. Returns the contacts whose
    plan was opened now. Works in batches: an import may hand over thousands of contacts."""
    ids = sorted(set(contact_ids))
    opened: list[int] = []
    for i in range(0, len(ids), 500):
        opened += _sync_batch(conn, ids[i : i + 500], offsets=offsets, today=today, at=at)
    return opened


def _sync_batch(conn: Connection, ids: list[int], *, offsets: Mapping[str, int], today: date, at: datetime) -> list[int]:
    rows = conn.execute(
        select(_C.c.id, _C.c.status, _C.c.change_risk, _C.c.change_date, _C.c.change_kind, _C.c.successor_id,
               _A.c.owner).join(_A, _A.c.id == _C.c.account_id).where(_C.c.id.in_(ids))
    ).all()  # fmt: skip
    people = {r.id: r for r in rows if needs_plan(r.status, r.change_risk, r.change_date)}
    called_off = [r.id for r in rows if r.id not in people]
    if called_off:  # back to active with no change ahead: the open plan is cancelled, not left to alarm
        conn.execute(update(_H).where(_H.c.contact_id.in_(called_off), _H.c.status == "open").values(status="cancelled"))
    if not people:
        return []
    plans = {
        r.contact_id: r for r in conn.execute(
            select(_H.c.id, _H.c.contact_id, _H.c.change_date, _H.c.kind)
            .where(_H.c.contact_id.in_(list(people)), _H.c.status == "open"))
    }  # fmt: skip
    new = [c for cid, c in people.items() if cid not in plans]
    if new:
        conn.execute(_H.insert(), [{"contact_id": c.id, "kind": c.change_kind, "change_date": c.change_date,
                                    "status": "open", "opened_at": at} for c in new])  # fmt: skip
        created = conn.execute(select(_H.c.id, _H.c.contact_id).where(
            _H.c.contact_id.in_([c.id for c in new]), _H.c.status == "open"))  # fmt: skip
        plan_of = {contact_id: plan_id for plan_id, contact_id in created}
        done = {"status": "done", "done_on": today}
        conn.execute(_S.insert(), [
            {"handover_id": plan_of[c.id], "position": i, "step": s, "owner": c.owner,
             "deadline": deadline(c.change_date, s, offsets), "status": "open", "done_on": None,
             **(done if s == "successor" and c.successor_id is not None else {})}
            for c in new for i, s in enumerate(STEPS, 1)
        ])  # fmt: skip
    moved = [(people[cid], plan) for cid, plan in plans.items()
             if (plan.change_date, plan.kind) != (people[cid].change_date, people[cid].change_kind)]  # fmt: skip
    for c, plan in moved:
        conn.execute(update(_H).where(_H.c.id == plan.id).values(change_date=c.change_date, kind=c.change_kind))
        for s in STEPS:
            conn.execute(update(_S).where(_S.c.handover_id == plan.id, _S.c.step == s, _S.c.status == "open")
                         .values(deadline=deadline(c.change_date, s, offsets)))  # fmt: skip
    for cid, plan in plans.items():
        if people[cid].successor_id is not None:
            complete_step(conn, plan.id, "successor", on=today, notes=None, only_if_open=True)
    return [c.id for c in new]


def complete_step(
    conn: Connection, plan_id: int, step: str, *, on: date, notes: str | None, only_if_open: bool = False,
) -> bool:  # fmt: skip
    """Mark a step done; the plan closes when every step is done. Returns whether anything changed."""
    where = [_S.c.handover_id == plan_id, _S.c.step == step]
    if only_if_open:
        where.append(_S.c.status == "open")
    values: dict[str, Any] = {"status": "done", "done_on": on}
    if notes is not None:
        values["notes"] = notes
    changed = conn.execute(update(_S).where(*where).values(**values)).rowcount > 0
    left = conn.execute(select(_S.c.id).where(_S.c.handover_id == plan_id, _S.c.status == "open")).first()
    if left is None:
        conn.execute(update(_H).where(_H.c.id == plan_id).values(status="closed"))
    return changed


def plans_waiting_for(conn: Connection, successor_id: int) -> list[int]:
    """Open plans of the people whose successor this contact is."""
    rows = conn.execute(
        select(_H.c.id).join(_C, _C.c.id == _H.c.contact_id)
        .where(_C.c.successor_id == successor_id, _H.c.status == "open")  # fmt: skip
    )
    return [r[0] for r in rows]


@dataclass
class PlanView:
    contact: str
    account: str
    kind: str | None
    change_date: date | None
    status: str
    steps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def next_step(self) -> dict[str, Any] | None:
        return next((s for s in self.steps if s["status"] == "open"), None)


def load_plan(conn: Connection, contact_id: int, *, latest_closed: bool = True) -> PlanView | None:
    """The contact's open plan, else (with `latest_closed`) the last closed one."""
    q = select(_H).where(_H.c.contact_id == contact_id).order_by((_H.c.status == "open").desc(), _H.c.id.desc())
    h = conn.execute(q).first()
    if h is None or (h.status != "open" and not latest_closed):
        return None
    who = conn.execute(select(_C.c.name, _A.c.name).join(_A, _A.c.id == _C.c.account_id).where(_C.c.id == contact_id)).first()
    assert who is not None
    plan = PlanView(contact=who[0], account=who[1], kind=h.kind, change_date=h.change_date, status=h.status)
    for s in conn.execute(select(_S).where(_S.c.handover_id == h.id).order_by(_S.c.position)):
        plan.steps.append({"step": s.step, "position": s.position, "description": STEP_TEXT[s.step],
                           "owner": s.owner, "deadline": s.deadline, "status": s.status,
                           "done_on": s.done_on, "notes": s.notes})  # fmt: skip
    return plan


# --- successor suggestions -------------------------------------------------


@dataclass
class Candidate:
    contact: ContactView
    score: int
    reasons: list[str]


def suggest_successors(account: AccountView, departing_id: int) -> list[Candidate]:
    """Ranked candidates (SPEC §4): direct reports and same-department peers, then people the
    departing contact trusts or referred, then their manager; power and attitude raise the rank;
    people who are leaving themselves are left out. Within a rank, people closer to the departing
    contact in the account's network (reports-to lines and relations) come first."""
    import networkx as nx

    from .graph import network

    g = network(account)
    distance = nx.single_source_shortest_path_length(g, departing_id) if departing_id in g else {}
    by_id = account.by_id()
    me = by_id[departing_id]
    trusted = {r.to_id for r in account.relations if r.from_id == departing_id and r.kind == "trusts"}
    referred = {r.to_id for r in account.relations if r.from_id == departing_id and r.kind == "referred"}
    peers = {r.to_id if r.from_id == departing_id else r.from_id for r in account.relations
             if r.kind == "peer" and departing_id in (r.from_id, r.to_id)}  # fmt: skip
    out = []
    for c in account.contacts:
        if c.id == departing_id or not c.active or c.leaving:
            continue
        reasons: list[str] = []
        tier = 0
        if c.reports_to_id == departing_id:
            tier, reasons = 3, ["direct report"]
        elif me.department and c.department == me.department and c.id != me.reports_to_id:
            tier, reasons = 3, [f"same department ({c.department})"]
        if c.id in peers and tier < 3:
            tier = 2
            reasons.append("peer")
        if c.id in trusted:
            tier = max(tier, 2)
            reasons.append(f"trusted by {me.name}")
        if c.id in referred:
            tier = max(tier, 2)
            reasons.append(f"referred by {me.name}")
        if c.id == me.reports_to_id:
            tier = max(tier, 1)
            reasons.append("their manager")
        if tier == 0:
            steps = distance.get(c.id)
            reasons.append(f"{steps} steps away in the map" if steps else "same account, not connected")
        power = POWER_RANK.get(c.decision_power or "", 0)
        attitude = ATTITUDE_SCORE.get(c.attitude or "", 0)
        if c.decision_power:
            reasons.append(f"power {c.decision_power}")
        if c.attitude:
            reasons.append(f"attitude {c.attitude}")
        out.append(Candidate(c, tier * 10 + power + attitude, reasons))
    out.sort(key=lambda k: (-k.score, distance.get(k.contact.id, len(by_id)), k.contact.name))
    return out
