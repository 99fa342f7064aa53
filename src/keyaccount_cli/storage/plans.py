"""Handover plans in the database (docs/spec.md §5): opening and keeping them in step with the contacts,
completing steps, and reading a plan back.

The upkeep is driver-level SQL on the caller's connection: the importer's own `sqlite3`
connection, or a command's SQLAlchemy connection (`session.connection()`), so one implementation
serves both and the import never loads SQLAlchemy. A plan is read back through the read-only
commands' `Reader` (`reader.py`). The rules (who needs a plan, the deadlines) are
`domain.succession`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, NamedTuple

from ..domain.succession import PlanView, deadline, needs_plan
from ..domain.vocab import STEP_TEXT, STEPS
from .reader import Reader, _day
from .statements import Sql


def open_plan_id(conn: Any, contact_id: int) -> int | None:
    return Sql(conn).scalar("SELECT id FROM handover WHERE contact_id = ? AND status = 'open'", (contact_id,))  # type: ignore[no-any-return]


class _Person(NamedTuple):
    id: int
    status: str
    change_risk: str | None
    change_date: date | None
    change_kind: str | None
    successor_id: int | None
    owner: str | None


def sync_plans(
    conn: Any, contact_ids: Iterable[int], *, offsets: Mapping[str, int], today: date, at: datetime,
) -> list[int]:  # fmt: skip
    """Open a plan for each contact who needs one and has none; keep open steps' deadlines on the
    change date; mark `successor` done once a successor is recorded. Returns the contacts whose
    plan was opened now. Works in batches: an import may hand over thousands of contacts.
    `conn`: a `sqlite3` or SQLAlchemy connection inside the caller's transaction."""
    sql = Sql(conn)
    ids = sorted(set(contact_ids))
    opened: list[int] = []
    for i in range(0, len(ids), 500):
        opened += _sync_batch(sql, ids[i : i + 500], offsets=offsets, today=today, at=at)
    return opened


def _marks(items: list[Any]) -> str:
    return ", ".join("?" * len(items))


def _sync_batch(sql: Sql, ids: list[int], *, offsets: Mapping[str, int], today: date, at: datetime) -> list[int]:
    rows = [
        _Person(cid, status, risk, sql.python("change_date", day), kind, successor, owner)
        for cid, status, risk, day, kind, successor, owner in sql.run(
            "SELECT c.id, c.status, c.change_risk, c.change_date, c.change_kind, c.successor_id, a.owner"
            f" FROM contact c JOIN account a ON a.id = c.account_id WHERE c.id IN ({_marks(ids)})", ids)
    ]  # fmt: skip
    people = {r.id: r for r in rows if needs_plan(r.status, r.change_risk, r.change_date)}
    called_off = [r.id for r in rows if r.id not in people]
    if called_off:  # back to active with no change ahead: the open plan is cancelled, not left to alarm
        sql.run(f"UPDATE handover SET status = 'cancelled' WHERE contact_id IN ({_marks(called_off)})"
                " AND status = 'open'", called_off)  # fmt: skip
    if not people:
        return []
    wanted = list(people)
    plans = {
        contact_id: (plan_id, sql.python("change_date", day), kind)
        for plan_id, contact_id, day, kind in sql.all(
            "SELECT id, contact_id, change_date, kind FROM handover"
            f" WHERE contact_id IN ({_marks(wanted)}) AND status = 'open'", wanted)
    }  # fmt: skip
    new = [c for cid, c in people.items() if cid not in plans]
    if new:
        _open_plans(sql, new, offsets=offsets, today=today, at=at)
    for cid, (plan_id, day, kind) in plans.items():
        c = people[cid]
        if (day, kind) != (c.change_date, c.change_kind):
            sql.run(
                "UPDATE handover SET change_date = ?, kind = ? WHERE id = ?",
                (sql.value(c.change_date), c.change_kind, plan_id),
            )
            sql.many("UPDATE handover_step SET deadline = ? WHERE handover_id = ? AND step = ? AND status = 'open'",
                     [(sql.value(deadline(c.change_date, s, offsets)), plan_id, s) for s in STEPS])  # fmt: skip
    for cid, (plan_id, _, _) in plans.items():
        if people[cid].successor_id is not None:
            complete_step(sql, plan_id, "successor", on=today, notes=None, only_if_open=True)
    return [c.id for c in new]


def _open_plans(sql: Sql, new: list[_Person], *, offsets: Mapping[str, int], today: date, at: datetime) -> None:
    """A plan with every step for each of `new`; `successor` is done already where one is recorded."""
    opened_at = sql.value(at)
    sql.many("INSERT INTO handover (contact_id, kind, change_date, status, opened_at) VALUES (?, ?, ?, ?, ?)",
             [(c.id, c.change_kind, sql.value(c.change_date), "open", opened_at) for c in new])  # fmt: skip
    new_ids = [c.id for c in new]
    plan_of = {contact_id: plan_id for plan_id, contact_id in sql.all(
        f"SELECT id, contact_id FROM handover WHERE contact_id IN ({_marks(new_ids)}) AND status = 'open'", new_ids)}  # fmt: skip
    done_on = sql.value(today)
    sql.many(
        "INSERT INTO handover_step (handover_id, position, step, owner, deadline, status, done_on, notes)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(plan_of[c.id], i, s, c.owner, sql.value(deadline(c.change_date, s, offsets)),
          *(("done", done_on) if s == "successor" and c.successor_id is not None else ("open", None)), None)
         for c in new for i, s in enumerate(STEPS, 1)],
    )  # fmt: skip


def complete_step(
    conn: Any, plan_id: int, step: str, *, on: date, notes: str | None, only_if_open: bool = False,
) -> bool:  # fmt: skip
    """Mark a step done; the plan closes when every step is done. Returns whether anything changed.
    `conn`: a `sqlite3` or SQLAlchemy connection (or a `Sql` on one)."""
    sql = conn if isinstance(conn, Sql) else Sql(conn)
    sets, params = "status = 'done', done_on = ?", [sql.value(on)]
    if notes is not None:
        sets += ", notes = ?"
        params.append(notes)
    where = "handover_id = ? AND step = ?" + (" AND status = 'open'" if only_if_open else "")
    changed = sql.run(f"UPDATE handover_step SET {sets} WHERE {where}", (*params, plan_id, step)).rowcount > 0
    if sql.scalar("SELECT id FROM handover_step WHERE handover_id = ? AND status = 'open' LIMIT 1", (plan_id,)) is None:
        sql.run("UPDATE handover SET status = 'closed' WHERE id = ?", (plan_id,))
    return changed


def plans_waiting_for(conn: Any, successor_id: int) -> list[int]:
    """Open plans of the people whose successor this contact is."""
    return [plan_id for (plan_id,) in Sql(conn).all(
        "SELECT h.id FROM handover h JOIN contact c ON c.id = h.contact_id WHERE c.successor_id = ? AND h.status = 'open'",
        (successor_id,))]  # fmt: skip


def load_plan(reader: Reader, contact_id: int, *, latest_closed: bool = True) -> PlanView | None:
    """The contact's open plan, else (with `latest_closed`) the last closed one, read through the
    read-only commands' `Reader` (`kam handover`, `kam show`)."""
    plans = list(reader.rows(
        "SELECT h.id, h.kind, h.change_date, h.status, c.name, a.name FROM handover h"
        " JOIN contact c ON c.id = h.contact_id JOIN account a ON a.id = c.account_id"
        " WHERE h.contact_id = :id ORDER BY (h.status = 'open') DESC, h.id DESC LIMIT 1", {"id": contact_id}))  # fmt: skip
    if not plans or (plans[0][3] != "open" and not latest_closed):
        return None
    plan_id, kind, day, status, contact, account = plans[0]
    plan = PlanView(contact=contact, account=account, kind=kind, change_date=_day(day), status=status)
    for step, position, owner, due, step_status, done_on, notes in reader.rows(
        "SELECT step, position, owner, deadline, status, done_on, notes FROM handover_step"
        " WHERE handover_id = :id ORDER BY position", {"id": plan_id}):  # fmt: skip
        plan.steps.append({"step": step, "position": position, "description": STEP_TEXT[step], "owner": owner,
                           "deadline": _day(due), "status": step_status, "done_on": _day(done_on), "notes": notes})  # fmt: skip
    return plan
