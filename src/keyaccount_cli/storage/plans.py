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
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from ..domain.succession import HISTORY_HORIZON_DAYS, PlanView, deadline, is_history, needs_plan, step_done
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


class _Plan(NamedTuple):
    id: int
    change_date: date | None
    kind: str | None
    status: str


@dataclass
class PlanChanges:
    """What `sync_plans` changed, by contact id: plans opened and cancelled, changes found to be
    history (no plan), plans whose change date moved, `successor` steps done."""

    opened: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    history: list[int] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)
    successor_done: list[int] = field(default_factory=list)

    def add(self, other: PlanChanges) -> None:
        for name in ("opened", "cancelled", "history", "moved", "successor_done"):
            getattr(self, name).extend(getattr(other, name))


def sync_plans(
    conn: Any, contact_ids: Iterable[int], *, offsets: Mapping[str, int], today: date, at: datetime,
    horizon: int = HISTORY_HORIZON_DAYS, leaving_now: Mapping[int, set[str]] | None = None, source: str = "",
) -> PlanChanges:  # fmt: skip
    """Open a plan for each contact who needs one and has none for this change; keep open steps'
    deadlines on the change date; mark `successor` done once a successor is recorded. A contact
    leaving without a change date changes on the day this records it (one set to `left` without
    a date left that day); a change dated more than `horizon` days before today is history: no
    plan. Works in batches: an import may hand over thousands of contacts. `leaving_now`: what the
    caller set (`leaving_values`); without it, what this run's history rows (time `at`, and
    `source` if given) say. `conn`: a `sqlite3` or SQLAlchemy connection inside the caller's transaction."""
    sql = Sql(conn)
    ids = sorted(set(contact_ids))
    changes = PlanChanges()
    for i in range(0, len(ids), 500):
        changes.add(_sync_batch(sql, ids[i : i + 500], offsets=offsets, today=today, at=at, horizon=horizon,
                                leaving_now=leaving_now, source=source))  # fmt: skip
    return changes


def _marks(items: list[Any]) -> str:
    return ", ".join("?" * len(items))


class _Sync(NamedTuple):
    """What one `sync_plans` run works with."""

    sql: Sql
    offsets: Mapping[str, int]
    today: date
    at: datetime
    horizon: int
    out: PlanChanges


def leaving_values(before: tuple[str | None, str | None], after: tuple[str | None, str | None]) -> set[str]:
    """The leaving values a change of (status, change risk) from `before` to `after` records, as
    `sync_plans` takes them: `leaving`, `left`, `confirmed`, or `left after leaving` (the same change
    going on)."""
    (status, risk), (new_status, new_risk) = before, after
    out = set()
    if new_status != status and new_status in ("leaving", "left"):
        out.add("left after leaving" if (status, new_status) == ("leaving", "left") else new_status)
    if new_risk != risk and new_risk == "confirmed":
        out.add("confirmed")
    return out


def _sync_batch(
    sql: Sql, ids: list[int], *, offsets: Mapping[str, int], today: date, at: datetime, horizon: int,
    leaving_now: Mapping[int, set[str]] | None, source: str = "",
) -> PlanChanges:  # fmt: skip
    run = _Sync(sql, offsets, today, at, horizon, PlanChanges())
    rows = [
        _Person(cid, status, risk, sql.python("change_date", day), kind, successor)
        for cid, status, risk, day, kind, successor in sql.run(
            "SELECT id, status, change_risk, change_date, change_kind, successor_id"
            f" FROM contact WHERE id IN ({_marks(ids)})", ids)
    ]  # fmt: skip
    _settle(sql, ids, today)
    people = {r.id: r for r in rows if needs_plan(r.status, r.change_risk, r.change_date)}
    called_off = [r.id for r in rows if r.id not in people]
    if called_off:  # back to active with no change ahead: the open plan is cancelled, not left to alarm
        run.out.cancelled.extend(cid for (cid,) in sql.all(
            f"SELECT contact_id FROM handover WHERE contact_id IN ({_marks(called_off)}) AND status = 'open'", called_off))  # fmt: skip
        sql.run(f"UPDATE handover SET status = 'cancelled' WHERE contact_id IN ({_marks(called_off)})"
                " AND status = 'open'", called_off)  # fmt: skip
    if not people:
        return run.out
    wanted = list(people)
    latest: dict[int, _Plan] = {}
    for plan_id, contact_id, day, kind, status in sql.all(
        "SELECT id, contact_id, change_date, kind, status FROM handover"
        f" WHERE contact_id IN ({_marks(wanted)}) AND status <> 'cancelled' ORDER BY id", wanted):  # fmt: skip
        latest[contact_id] = _Plan(plan_id, sql.python("change_date", day), kind, status)
    # who this run set to leaving, left or a confirmed change (its history rows have its time); from
    # `leaving` to `left` goes on with the same change (a plan done stays done)
    now_leaving: dict[int, set[str]] = {} if leaving_now is None else dict(leaving_now)
    for cid, old, value in [] if leaving_now is not None else sql.all(
        "SELECT entity_id, old, new FROM \"change\" WHERE entity = 'contact' AND field IN ('status', 'change_risk')"
        f" AND new IN ('leaving', 'left', 'confirmed') AND at = ?{' AND source = ?' if source else ''}"
        f" AND entity_id IN ({_marks(wanted)})", [sql.value(at), *([source] if source else []), *wanted]):  # fmt: skip
        now_leaving.setdefault(cid, set()).add(value if (old, value) != ("leaving", "left") else "left after leaving")
    new: list[tuple[_Person, date]] = []
    for cid, c in people.items():
        fresh = _sync_one(run, c, latest.get(cid), now_leaving.get(cid, set()))
        if fresh is not None:
            new.append((c, fresh))
    if new:
        _open_plans(sql, new, offsets=offsets, today=today, at=at)
        run.out.opened.extend(c.id for c, _ in new)
    return run.out


def _sync_one(run: _Sync, c: _Person, plan: _Plan | None, now: set[str]) -> date | None:
    """Keep one contact's latest plan in step with them; the day a new plan counts from, when they
    need one. `now`: the leaving values (status `leaving` or `left`, risk `confirmed`) this run set."""
    sql, today, out = run.sql, run.today, run.out
    if plan is not None and plan.status == "open" and _now_history(plan, c, today, run.horizon):
        sql.run("UPDATE handover SET status = 'cancelled' WHERE id = ?", (plan.id,))
        out.cancelled.append(c.id)
        plan = None
    if plan is None or not _same_change(plan, c, bool(now - {"left after leaving"})):
        day = c.change_date or today
        if not is_history(day, today, run.horizon):
            return day
        out.history.append(c.id)  # kept as a plan of status `history`, without steps: the map's, not the check's
        sql.run("INSERT INTO handover (contact_id, kind, change_date, status, opened_at) VALUES (?, ?, ?, ?, ?)",
                (c.id, c.change_kind, sql.value(day), "history", sql.value(run.at)))  # fmt: skip
        return None
    if plan.status != "open":
        return None
    left_now = bool(now & {"left", "left after leaving"})
    day = c.change_date or (today if left_now or plan.change_date is None else plan.change_date)
    if (day, c.change_kind) != (plan.change_date, plan.kind):
        if day != plan.change_date:
            out.moved.append(c.id)
        sql.run("UPDATE handover SET change_date = ?, kind = ? WHERE id = ?", (sql.value(day), c.change_kind, plan.id))
        sql.many("UPDATE handover_step SET deadline = ? WHERE handover_id = ? AND step = ? AND status = 'open'",
                 [(sql.value(deadline(day, s, run.offsets)), plan.id, s) for s in STEPS])  # fmt: skip
    if c.successor_id is not None and complete_step(sql, plan.id, "successor", on=today, notes=None, only_if_open=True):
        out.successor_done.append(c.id)
    return None


def _now_history(plan: _Plan, c: _Person, today: date, horizon: int) -> bool:
    """An open plan whose contact is given, today, a change date too far back: history now."""
    return c.change_date is not None and c.change_date != plan.change_date and is_history(c.change_date, today, horizon)


def _same_change(plan: _Plan, c: _Person, recorded_now: bool) -> bool:
    """Whether the contact's latest plan is for the change they have now. An open plan follows the
    change; a closed one is not opened again by a later edit, nor history turned into a plan, while
    the change date stays the same (or, undated, no leaving was recorded by this run)."""
    if plan.status == "open":
        return True
    if c.change_date is None:
        return not recorded_now
    return c.change_date == plan.change_date


def _settle(sql: Sql, ids: list[int], today: date) -> None:
    """Record as done the open steps of these contacts' open plans whose done day has come (a
    meeting logged ahead of its date, `schedule_step`), and close the plans left with none open."""
    plans = f"SELECT id FROM handover WHERE contact_id IN ({_marks(ids)}) AND status = 'open'"
    sql.run(
        f"UPDATE handover_step SET status = 'done', owner = coalesce(owner, {_ACCOUNT_OWNER}) WHERE status = 'open'"
        f" AND done_on IS NOT NULL AND done_on <= ? AND handover_id IN ({plans})", [sql.value(today), *ids],
    )  # fmt: skip
    sql.run(
        f"UPDATE handover SET status = 'closed' WHERE contact_id IN ({_marks(ids)}) AND status = 'open' AND NOT EXISTS"
        " (SELECT 1 FROM handover_step s WHERE s.handover_id = handover.id AND s.status = 'open')", ids,
    )  # fmt: skip


def _open_plans(
    sql: Sql, new: list[tuple[_Person, date]], *, offsets: Mapping[str, int], today: date, at: datetime
) -> None:  # fmt: skip
    """A plan with every step for each of `new` (with the day it counts from); `successor` is done
    already where one is recorded. The steps have no owner of their own: they follow the account's."""
    opened_at = sql.value(at)
    sql.many("INSERT INTO handover (contact_id, kind, change_date, status, opened_at) VALUES (?, ?, ?, ?, ?)",
             [(c.id, c.change_kind, sql.value(day), "open", opened_at) for c, day in new])  # fmt: skip
    new_ids = [c.id for c, _ in new]
    plan_of = {contact_id: plan_id for plan_id, contact_id in sql.all(
        f"SELECT id, contact_id FROM handover WHERE contact_id IN ({_marks(new_ids)}) AND status = 'open'", new_ids)}  # fmt: skip
    done_on = sql.value(today)
    sql.many(
        "INSERT INTO handover_step (handover_id, position, step, owner, deadline, status, done_on, notes)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(plan_of[c.id], i, s, None, sql.value(deadline(day, s, offsets)),
          *(("done", done_on) if s == "successor" and c.successor_id is not None else ("open", None)), None)
         for c, day in new for i, s in enumerate(STEPS, 1)],
    )  # fmt: skip


_ACCOUNT_OWNER = (
    "(SELECT a.owner FROM handover h JOIN contact c ON c.id = h.contact_id"
    " JOIN account a ON a.id = c.account_id WHERE h.id = handover_step.handover_id)"
)


def complete_step(
    conn: Any, plan_id: int, step: str, *, on: date, notes: str | None, only_if_open: bool = False,
) -> bool:  # fmt: skip
    """Mark a step done on `on`, with the account's owner as its owner if it had none of its own
    (who it was when it was done); the plan closes when every step is done. Returns whether
    anything changed. `conn`: a `sqlite3` or SQLAlchemy connection (or a `Sql` on one)."""
    sql = conn if isinstance(conn, Sql) else Sql(conn)
    sets, params = f"status = 'done', done_on = ?, owner = coalesce(owner, {_ACCOUNT_OWNER})", [sql.value(on)]
    if notes is not None:
        sets += ", notes = ?"
        params.append(notes)
    where = "handover_id = ? AND step = ?" + (" AND status = 'open'" if only_if_open else "")
    changed = sql.run(f"UPDATE handover_step SET {sets} WHERE {where}", (*params, plan_id, step)).rowcount > 0
    if sql.scalar("SELECT id FROM handover_step WHERE handover_id = ? AND status = 'open' LIMIT 1", (plan_id,)) is None:
        sql.run("UPDATE handover SET status = 'closed' WHERE id = ?", (plan_id,))
    return changed


def schedule_step(conn: Any, plan_id: int, step: str, *, on: date, notes: str | None) -> bool:
    """A step that will be done on `on`, a day after today (a meeting logged ahead of its date):
    it stays open, with `on` as its done day, and counts as done once that day has come
    (`succession.step_done`; `sync_plans` then records it done). The earliest such day is kept.
    Returns whether anything changed."""
    sql = Sql(conn)
    return (
        sql.run(  # type: ignore[no-any-return]
            "UPDATE handover_step SET done_on = ?, notes = coalesce(?, notes) WHERE handover_id = ? AND step = ?"
            " AND status = 'open' AND (done_on IS NULL OR done_on > ?)",
            (sql.value(on), notes, plan_id, step, sql.value(on)),
        ).rowcount
        > 0
    )


def step_done_on(conn: Any, plan_id: int, step: str) -> date | None:
    """The day a done step of the plan was done on."""
    sql = Sql(conn)
    day = sql.scalar("SELECT done_on FROM handover_step WHERE handover_id = ? AND step = ? AND status = 'done'",
                     (plan_id, step))  # fmt: skip
    return None if day is None else day if isinstance(day, date) else date.fromisoformat(str(day)[:10])


def plan_closed(conn: Any, plan_id: int) -> bool:
    return Sql(conn).scalar("SELECT status FROM handover WHERE id = ?", (plan_id,)) == "closed"


def set_step_owner(conn: Any, plan_id: int, owner: str, step: str | None) -> list[tuple[str, str | None]]:
    """Give `step` (else every open step) of the plan `owner` as an owner of its own. Returns the
    steps changed with the owner they had (their own, else the account's)."""
    sql = Sql(conn)
    which = "step = ?" if step else "status = 'open'"
    before = [(name, had) for name, had in sql.all(
        f"SELECT step, coalesce(owner, {_ACCOUNT_OWNER}) FROM handover_step WHERE handover_id = ? AND {which}"
        " ORDER BY position", (plan_id, step) if step else (plan_id,))]  # fmt: skip
    sql.run(f"UPDATE handover_step SET owner = ? WHERE handover_id = ? AND {which}",
            (owner, plan_id, step) if step else (owner, plan_id))  # fmt: skip
    return before


def plans_waiting_for(conn: Any, successor_id: int) -> list[int]:
    """Open plans of the people whose successor this contact is."""
    return [plan_id for (plan_id,) in Sql(conn).all(
        "SELECT h.id FROM handover h JOIN contact c ON c.id = h.contact_id WHERE c.successor_id = ? AND h.status = 'open'",
        (successor_id,))]  # fmt: skip


def load_plan(
    reader: Reader, contact_id: int, *, latest_closed: bool = True, today: date | None = None
) -> PlanView | None:
    """The contact's open plan, else (with `latest_closed`) the last closed one, read through the
    read-only commands' `Reader` (`kam handover`, `kam show`). A step without an owner of its own
    shows the account's owner as it is now; with `today`, a step done after today is still open,
    and a plan whose every step is done by today is closed."""
    plans = list(reader.rows(
        "SELECT h.id, h.kind, h.change_date, h.status, c.name, a.name, a.owner FROM handover h"
        " JOIN contact c ON c.id = h.contact_id JOIN account a ON a.id = c.account_id"
        " WHERE h.contact_id = :id AND h.status <> 'history'"
        " ORDER BY (h.status = 'open') DESC, h.id DESC LIMIT 1", {"id": contact_id}))  # fmt: skip
    if not plans or (plans[0][3] != "open" and not latest_closed):
        return None
    plan_id, kind, day, status, contact, account, account_owner = plans[0]
    plan = PlanView(contact=contact, account=account, kind=kind, change_date=_day(day), status=status)
    for step, position, owner, due, step_status, done_on, notes in reader.rows(
        "SELECT step, position, owner, deadline, status, done_on, notes FROM handover_step"
        " WHERE handover_id = :id ORDER BY position", {"id": plan_id}):  # fmt: skip
        done = _day(done_on)
        if today is not None and step_status == "open":  # a done day ahead (`schedule_step`) counts once it has come
            step_status, done = ("done", done) if step_done(step_status, done, today) else ("open", None)
        plan.steps.append({"step": step, "position": position, "description": STEP_TEXT[step],
                           "owner": owner or account_owner, "deadline": _day(due), "status": step_status,
                           "done_on": done, "notes": notes})  # fmt: skip
    if today is not None and status == "open" and plan.next_step is None:  # the last step's day has come
        plan.status = "closed"
    return plan


def history_change(reader: Reader, contact_id: int) -> date | None:
    """The change date of the contact's change that is history (no plan), if their latest is."""
    rows = list(reader.rows("SELECT status, change_date FROM handover WHERE contact_id = :id"
                            " AND status <> 'cancelled' ORDER BY id DESC LIMIT 1", {"id": contact_id}))  # fmt: skip
    return _day(rows[0][1]) if rows and rows[0][0] == "history" else None
