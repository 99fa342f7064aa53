"""Owner handover plans in the database (docs/spec.md §9): opened by `kam reassign`, a step
completed by `kam handover --account ACCOUNT --done STEP` or, for `key_contacts_met`, by the new
owner's meetings; read back for `kam handover --account` and for the checks.

The writes are driver-level SQL on the caller's connection (a `sqlite3` connection or a
SQLAlchemy one, through `Sql`), as `plans.py` does for the contacts' plans: `kam log` and the
interactions import share them. The reads go through the read-only commands' `Reader`. The
rules (deadlines, who counts as met) are `domain.owner_handover`'s.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..domain.owner_handover import counts_for_meeting, is_key_contact, key_contacts_met_on, owner_deadline
from ..domain.views import OwnerStepView
from ..domain.vocab import OWNER_STEPS
from .reader import Reader, _day, _in
from .statements import Sql


def _sql(conn: Any) -> Sql:
    return conn if isinstance(conn, Sql) else Sql(conn)


def open_owner_plan(conn: Any, account_id: int) -> tuple[int, str, str, date] | None:
    """The account's open owner handover plan: (id, from owner, to owner, day of the reassignment)."""
    sql = _sql(conn)
    rows = sql.all("SELECT id, from_owner, to_owner, reassigned_on FROM owner_handover"
                   " WHERE account_id = ? AND status = 'open' ORDER BY id DESC", (account_id,))  # fmt: skip
    if not rows:
        return None
    plan_id, old, new, day = rows[0]
    return plan_id, old, new, sql.python("reassigned_on", day)


def open_owner_handover(
    conn: Any, account_id: int, *, old: str, new: str, day: date, today: date, at: datetime
) -> str | None:  # fmt: skip
    """Open the account's owner handover plan from `old` to `new`: the four steps, each owned by
    `new`, due from the handover date `day`; reassigned today. An open plan it had before is
    cancelled: returned as `FROM → TO`."""
    sql = _sql(conn)
    before = open_owner_plan(sql, account_id)
    if before is not None:
        sql.run("UPDATE owner_handover SET status = 'cancelled' WHERE id = ?", (before[0],))
    sql.run("INSERT INTO owner_handover (account_id, from_owner, to_owner, reassigned_on, status, opened_at)"
            " VALUES (?, ?, ?, ?, 'open', ?)", (account_id, old, new, sql.value(today), sql.value(at)))  # fmt: skip
    plan_id = sql.scalar("SELECT max(id) FROM owner_handover WHERE account_id = ?", (account_id,))
    sql.many("INSERT INTO owner_handover_step (owner_handover_id, position, step, owner, deadline, status)"
             " VALUES (?, ?, ?, ?, ?, ?)",
             [(plan_id, i, s, new, sql.value(owner_deadline(day, s)), "open") for i, s in enumerate(OWNER_STEPS, 1)])  # fmt: skip
    return None if before is None else f"{before[1]} → {before[2]}"


def complete_owner_step(conn: Any, plan_id: int, step: str, *, on: date, notes: str | None) -> bool:
    """Mark an open step of the plan done on `on`; the plan closes when every step is done.
    Returns whether anything changed."""
    sql = _sql(conn)
    sets, params = "status = 'done', done_on = ?", [sql.value(on)]
    if notes is not None:
        sets += ", notes = ?"
        params.append(notes)
    changed = sql.run(f"UPDATE owner_handover_step SET {sets} WHERE owner_handover_id = ? AND step = ?"
                      " AND status = 'open'", (*params, plan_id, step)).rowcount > 0  # fmt: skip
    if sql.scalar("SELECT id FROM owner_handover_step WHERE owner_handover_id = ? AND status = 'open' LIMIT 1",
                  (plan_id,)) is None:  # fmt: skip
        sql.run("UPDATE owner_handover SET status = 'closed' WHERE id = ?", (plan_id,))
    return changed


def owner_step_done_on(conn: Any, plan_id: int, step: str) -> date | None:
    """The day a done step of the plan was done on."""
    sql = _sql(conn)
    day = sql.scalar("SELECT done_on FROM owner_handover_step WHERE owner_handover_id = ? AND step = ?"
                     " AND status = 'done'", (plan_id, step))  # fmt: skip
    return sql.python("done_on", day)  # type: ignore[no-any-return]


def owner_plan_closed(conn: Any, plan_id: int) -> bool:
    return _sql(conn).scalar("SELECT status FROM owner_handover WHERE id = ?", (plan_id,)) == "closed"


def complete_key_contacts_met(
    conn: Any, account_id: int, *, kind: str, by: str | None, on: date, today: date
) -> str | None:  # fmt: skip
    """After an interaction of `kind` had by `by` on `on` was recorded with the account: when it
    counts towards the open owner plan's `key_contacts_met` (`counts_for_meeting`) and the new
    owner has now met every key contact (`key_contacts_met_on`), the step is done on the day the
    last of them was met. Returns the new owner's name when it was done now."""
    sql = _sql(conn)
    plan = open_owner_plan(sql, account_id)
    if plan is None:
        return None
    plan_id, _old, new, since = plan
    if not counts_for_meeting(kind, by, new, on, since, today):
        return None
    key = [cid for cid, status, roles, power in sql.all(
        "SELECT id, status, roles, decision_power FROM contact WHERE account_id = ?", (account_id,))
        if is_key_contact(status, roles, power)]  # fmt: skip
    first_met: dict[int, date] = {}
    for contact_id, kind_, day, who in sql.all(
        'SELECT ic.contact_id, i.kind, i."on", i.by_person FROM interaction i'
        " JOIN interaction_contact ic ON ic.interaction_id = i.id WHERE i.account_id = ?", (account_id,)
    ):  # fmt: skip
        day = sql.python("on", day)
        if counts_for_meeting(kind_, who, new, day, since, today) and day < first_met.get(contact_id, date.max):
            first_met[contact_id] = day
    met = key_contacts_met_on(key, first_met)
    if met is None or not complete_owner_step(sql, plan_id, "key_contacts_met", on=met, notes=None):
        return None
    return new  # type: ignore[no-any-return]


# --- reading -------------------------------------------------------------------------------


@dataclass
class OwnerPlanView:
    """An owner handover plan as `kam handover --account` shows it."""

    account: str
    from_owner: str
    to_owner: str
    reassigned_on: date | None
    status: str
    steps: list[dict[str, Any]] = field(default_factory=list)


def load_owner_plan(reader: Reader, account_id: int) -> OwnerPlanView | None:
    """The account's open owner handover plan, else its last closed one (never a cancelled one)."""
    plans = list(reader.rows(
        "SELECT h.id, a.name, h.from_owner, h.to_owner, h.reassigned_on, h.status FROM owner_handover h"
        " JOIN account a ON a.id = h.account_id WHERE h.account_id = :id AND h.status <> 'cancelled'"
        " ORDER BY (h.status = 'open') DESC, h.id DESC LIMIT 1", {"id": account_id}))  # fmt: skip
    if not plans:
        return None
    plan_id, account, old, new, day, status = plans[0]
    plan = OwnerPlanView(account, old, new, _day(day), status)
    for step, owner, due, step_status, done_on, notes in reader.rows(
        "SELECT step, owner, deadline, status, done_on, notes FROM owner_handover_step"
        " WHERE owner_handover_id = :id ORDER BY position", {"id": plan_id}):  # fmt: skip
        plan.steps.append({"step": step, "owner": owner, "deadline": _day(due), "status": step_status,
                           "done_on": _day(done_on), "notes": notes})  # fmt: skip
    return plan


def open_owner_steps(
    reader: Reader, wanted: list[int] | None, due: date | None = None
) -> dict[int, list[OwnerStepView]]:
    """Account id → the open steps of its open owner handover plan (those due by `due`, if given),
    by deadline: what the checks look at, on both read paths."""
    steps: dict[int, list[OwnerStepView]] = defaultdict(list)
    sqlite = getattr(reader, "dialect", "sqlite") == "sqlite"
    by = "" if due is None else " AND s.deadline <= :due"
    where = _in("h.account_id", wanted).replace(" WHERE ", " AND ")
    for account_id, step, deadline, old, new in reader.rows(
        "SELECT h.account_id, s.step, s.deadline, h.from_owner, h.to_owner FROM owner_handover_step s"
        " JOIN owner_handover h ON h.id = s.owner_handover_id WHERE h.status = 'open' AND s.status = 'open'"
        + by + where + " ORDER BY s.deadline, s.position, s.id",
        {"due": due.isoformat() if sqlite else due} if due else None,
    ):  # fmt: skip
        day = _day(deadline)
        if day is not None:
            steps[account_id].append(OwnerStepView(step, day, old, new))
    return dict(steps)
