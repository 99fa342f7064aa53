"""The writes of `kam import --kind relations|handovers` and of contacts.csv's `moved_to` column
(docs/spec.md §8, `kam import DIR`): rows parsed and checked by `importing.tables`, written with plain Core
statements in the import's one transaction, every change in the history.

A contact is named as `kam export all` writes it (`exports.contact_ref`): by email; else by name,
when no other contact has that name; else `NAME (ACCOUNT)`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update

from ..domain.keys import email_key, name_key, phone_key, written_as_phone
from ..domain.our_side import TEAM_FIELD, team_entry
from ..domain.succession import deadline, needs_plan
from ..domain.vocab import DEFAULT_DEADLINES, OWNER_STEPS, STEPS
from .contact_rows import CLEAR
from .models import Account, Contact, Handover, HandoverStep, OwnerHandover, OwnerHandoverStep, Relation, TeamMember
from .table_import import Reason, RowRefused, TableWriter, Tally, _new_id, transaction


@contextmanager
def link_import(
    db: Any, kind: str, *, source: str, now: datetime, result: Tally, dry_run: bool, today: date,
    offsets: Mapping[str, int] | None = None,
) -> Iterator[LinkWriter]:  # fmt: skip
    """`table_import` for relations, handovers, owner handovers and moves (`kind`)."""
    with transaction(db, dry_run=dry_run) as conn:
        yield LinkWriter(conn, kind, source=source, now=now, result=result, today=today,
                         offsets=offsets or DEFAULT_DEADLINES)  # fmt: skip


def _qualified(ref: str) -> Iterator[tuple[str, str]]:
    """(name, account) for each way `NAME (ACCOUNT)` splits."""
    if not ref.endswith(")"):
        return
    at = ref.find(" (")
    while at > 0:
        yield ref[:at], ref[at + 2 : -1]
        at = ref.find(" (", at + 1)


class LinkWriter(TableWriter):
    """Writes the rows of a relations or handovers file, or the moves of a contacts file."""

    def __init__(self, *args: Any, today: date, offsets: Mapping[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.offsets = offsets

    def write(self, line: int, values: dict[str, Any], *, check_only: bool = False) -> None:
        """Write one row in a savepoint of its own; a row that is refused (`RowRefused`) leaves
        nothing. `check_only`: a row whose other cells did not parse, checked all the same."""
        counts = (self.result.created, self.result.updated, self.result.unchanged, self.result.accounts_created)
        savepoint = self.conn.begin_nested()
        try:
            getattr(self, self.kind)(line, values)
        except BaseException:
            savepoint.rollback()
            raise
        if check_only:
            savepoint.rollback()
            r = self.result
            r.created, r.updated, r.unchanged, r.accounts_created = counts
        else:
            savepoint.commit()

    def once(self, key: Any, line: int, what: str, field_name: str) -> None:
        if key in self.seen:
            raise RowRefused([(field_name, None, f"the same {what} as line {self.seen[key]}")])
        self.seen[key] = line

    def account_of(self, name: str, *, create: bool) -> int:
        """The id of the account named; made when it is new (`create`: a prospect, as an account
        `kam leave --moved-to` makes), else refused."""
        reasons: list[Reason] = []
        found = self.account_id(name, reasons)
        if found is not None:
            return found
        if not create:
            raise RowRefused(reasons)
        a = Account.__table__  # type: ignore[attr-defined]
        new_id = _new_id(self.conn.execute(insert(a).values(name=name, name_key=name_key(name), status="prospect",
                                                           created_at=self.now, updated_at=self.now)))  # fmt: skip
        self.history("account", new_id, new_id, "*", None, "created")
        self.result.accounts_created += 1
        return new_id

    def person(self, ref: str, field_name: str, account_id: int | None = None) -> Any:
        """The one contact `ref` names (at `account_id`, if given)."""
        c, a = Contact.__table__, Account.__table__  # type: ignore[attr-defined]
        query = select(c.c.id, c.c.name, c.c.account_id, c.c.status, c.c.change_risk, c.c.change_date,
                       c.c.change_kind, c.c.moved_to_id, c.c.phone)  # fmt: skip
        if "@" in ref:
            rows = self.conn.execute(query.where(c.c.email == email_key(ref))).all()
        elif written_as_phone(ref):  # namesakes at one account are written by their phones
            where = [c.c.phone.is_not(None)] + ([c.c.account_id == account_id] if account_id else [])
            rows = [r for r in self.conn.execute(query.where(*where)).all() if phone_key(r.phone) == phone_key(ref)]
        else:
            where = [c.c.name_key == name_key(ref)] + ([c.c.account_id == account_id] if account_id else [])
            rows = self.conn.execute(query.where(*where)).all()
            if len(rows) != 1:
                found = {r.id: r for name, account in _qualified(ref) for r in self.conn.execute(
                    query.join(a, a.c.id == c.c.account_id).where(
                        c.c.name_key == name_key(name), a.c.name_key == name_key(account))).all()}  # fmt: skip
                rows = list(found.values()) if len(found) == 1 or (found and not rows) else rows
        if not rows:
            raise RowRefused([(field_name, ref, f"{ref!r} names nobody")])
        if len(rows) > 1:
            raise RowRefused(
                [
                    (
                        field_name,
                        ref,
                        f"{ref!r} names {len(rows)} contacts; write the email, the phone, or NAME (ACCOUNT)",
                    )
                ]
            )
        if account_id is not None and rows[0].account_id != account_id:
            raise RowRefused([(field_name, ref, f"{ref!r} is at another account; relations are within one account")])
        return rows[0]

    def relations(self, line: int, v: dict[str, Any]) -> None:
        r = Relation.__table__  # type: ignore[attr-defined]
        a = self.person(v["contact"], "contact")
        b = self.person(v["other"], "other", a.account_id)
        if a.id == b.id:
            raise RowRefused([("other", v["other"], f"a relation needs two different people ({a.name} twice)")])
        self.once((a.id, b.id, v["kind"]), line, "relation", "other")
        exists = self.conn.execute(
            select(r.c.id).where(r.c.from_id == a.id, r.c.to_id == b.id, r.c.kind == v["kind"])
        ).first()
        if exists is not None:
            self.result.unchanged += 1
            return
        self.conn.execute(insert(r).values(from_id=a.id, to_id=b.id, kind=v["kind"], created_at=self.now))
        self.history("contact", a.id, a.account_id, f"relation {v['kind']}", None, b.name)
        self.result.created += 1

    def handovers(self, line: int, v: dict[str, Any]) -> None:
        """One step of the contact's plan (the open one, else the last), as the row writes it: a
        column that is there sets the step's value, an empty cell to none."""
        h, hs = Handover.__table__, HandoverStep.__table__  # type: ignore[attr-defined]
        v = {f: None if value == CLEAR else value for f, value in v.items()}  # `-`: none, as an empty cell
        c = self.person(v["contact"], "contact")
        self.once((c.id, v["step"]), line, "step", "step")
        plan_id = self.plan(c)
        step = self.conn.execute(select(hs).where(hs.c.handover_id == plan_id, hs.c.step == v["step"])).one()
        self.plan_day(c, plan_id, v.get("change_on"))
        wanted = {f: value for f, value in v.items() if f not in ("contact", "step", "change_on")}
        if wanted.get("done_on") and wanted["done_on"] > self.today:
            raise RowRefused([("done_on", wanted["done_on"].isoformat(), "nothing is completed in the future")])
        status = wanted.get("status") or ("done" if wanted.get("done_on") else None)
        if status == "open":
            wanted["done_on"] = None
        elif status == "done":
            wanted["status"] = "done"
            wanted["done_on"] = wanted.get("done_on") or step.done_on or self.today
        changed = {f: new for f, new in wanted.items() if step._mapping[f] != new}
        for f, new in changed.items():
            self.history("contact", c.id, c.account_id, f"handover {v['step']}: {f}", step._mapping[f], new)
        if changed:
            self.conn.execute(update(hs).where(hs.c.id == step.id).values(**changed))
        still_open = self.conn.execute(
            select(hs.c.id).where(hs.c.handover_id == plan_id, hs.c.status == "open")
        ).first()
        plan = "open" if needs_plan(c.status, c.change_risk, c.change_date) else "cancelled"
        self.conn.execute(update(h).where(h.c.id == plan_id).values(status=plan if still_open else "closed"))
        if changed:
            self.result.updated += 1
        else:
            self.result.unchanged += 1

    def plan_day(self, c: Any, plan_id: int, day: date | None) -> None:
        """The day the plan's change counts from, as the file has it (an undated change's: the day it
        was recorded)."""
        h = Handover.__table__  # type: ignore[attr-defined]
        before = self.conn.execute(select(h.c.change_date).where(h.c.id == plan_id)).scalar()
        if day is not None and day != before:
            self.conn.execute(update(h).where(h.c.id == plan_id).values(change_date=day))
            self.history("contact", c.id, c.account_id, "handover: change date", before, day)

    def plan(self, c: Any) -> int:
        """The contact's open plan, else their last one, else a new one with every step."""
        h, hs = Handover.__table__, HandoverStep.__table__  # type: ignore[attr-defined]
        row = self.conn.execute(
            select(h.c.id).where(h.c.contact_id == c.id, h.c.status != "history")
            .order_by((h.c.status == "open").desc(), h.c.id.desc())
        ).first()  # fmt: skip
        if row is not None:
            return int(row[0])
        plan_id = _new_id(self.conn.execute(insert(h).values(
            contact_id=c.id, kind=c.change_kind, change_date=c.change_date, status="open", opened_at=self.now)))  # fmt: skip
        self.conn.execute(insert(hs), [
            {"handover_id": plan_id, "position": i, "step": s, "owner": None,
             "deadline": deadline(c.change_date, s, self.offsets), "status": "open", "done_on": None, "notes": None}
            for i, s in enumerate(STEPS, 1)])  # fmt: skip
        self.history("contact", c.id, c.account_id, "handover", None, "opened")
        return plan_id

    def owner_handovers(self, line: int, v: dict[str, Any]) -> None:
        """One step of the account's owner handover plan (docs/spec.md §9), as the row writes it: a
        column that is there sets the step's value, an empty cell to none."""
        ohs = OwnerHandoverStep.__table__  # type: ignore[attr-defined]
        v = {f: None if value == CLEAR else value for f, value in v.items()}  # `-`: none, as an empty cell
        account_id = self.account_of(v["account"], create=False)
        self.once((account_id, v["step"]), line, "step", "step")
        plan_id = self.owner_plan(account_id, v)
        step = self.conn.execute(select(ohs).where(ohs.c.owner_handover_id == plan_id, ohs.c.step == v["step"])).one()
        wanted = {f: v[f] for f in ("owner", "deadline", "status", "done_on", "notes") if f in v}
        if wanted.get("done_on") and wanted["done_on"] > self.today:
            raise RowRefused([("done_on", wanted["done_on"].isoformat(), "nothing is completed in the future")])
        status = wanted.get("status") or ("done" if wanted.get("done_on") else step.status)
        wanted["status"] = status
        wanted["done_on"] = None if status == "open" else wanted.get("done_on") or step.done_on or self.today
        changed = {f: new for f, new in wanted.items() if step._mapping[f] != new}
        for f, new in changed.items():
            self.history("account", account_id, account_id, f"owner handover {v['step']}: {f}", step._mapping[f], new)
        if changed:
            self.conn.execute(update(ohs).where(ohs.c.id == step.id).values(**changed))
        still_open = self.conn.execute(
            select(ohs.c.id).where(ohs.c.owner_handover_id == plan_id, ohs.c.status == "open")
        ).first()
        oh = OwnerHandover.__table__  # type: ignore[attr-defined]
        self.conn.execute(update(oh).where(oh.c.id == plan_id).values(status="open" if still_open else "closed"))
        if changed:
            self.result.updated += 1
        else:
            self.result.unchanged += 1

    def team(self, line: int, v: dict[str, Any]) -> None:
        """One of our people on an account's team, in a role (`other` when the cell is empty), as
        `kam team --add` puts them there; the owner is on the team as its owner."""
        t, a = TeamMember.__table__, Account.__table__  # type: ignore[attr-defined]
        account_id = self.account_of(v["account"], create=False)
        key = name_key(v["name"])
        self.once((account_id, key), line, "team member", "name")
        (owner,) = self.conn.execute(select(a.c.owner).where(a.c.id == account_id)).one()
        if owner and name_key(owner) == key:
            raise RowRefused(
                [("name", v["name"], f"{v['name']} owns {v['account']}: the owner is on its team as its owner")]
            )
        role = v.get("role") or "other"
        row = self.conn.execute(select(t).where(t.c.account_id == account_id, t.c.name_key == key)).first()
        if row is not None and row.role == role:
            self.result.unchanged += 1
            return
        if row is None:
            self.conn.execute(insert(t).values(account_id=account_id, name=v["name"], name_key=key, role=role,
                                               added_at=self.now))  # fmt: skip
            self.result.created += 1
        else:
            self.conn.execute(update(t).where(t.c.id == row.id).values(role=role))
            self.result.updated += 1
        old = None if row is None else team_entry(row.name, row.role)
        self.history("account", account_id, account_id, TEAM_FIELD, old, team_entry(v["name"], role))

    def owner_plan(self, account_id: int, v: dict[str, Any]) -> int:
        """The account's open owner plan, else its last closed one, else a new one with every step
        (from the row's `from_owner` and `to_owner`, reassigned on `reassigned_on` or today)."""
        oh, ohs = OwnerHandover.__table__, OwnerHandoverStep.__table__  # type: ignore[attr-defined]
        row = self.conn.execute(
            select(oh.c.id).where(oh.c.account_id == account_id, oh.c.status != "cancelled")
            .order_by((oh.c.status == "open").desc(), oh.c.id.desc())
        ).first()  # fmt: skip
        if row is not None:
            return int(row[0])
        if not v.get("from_owner") or not v.get("to_owner"):
            raise RowRefused([("from_owner" if not v.get("from_owner") else "to_owner", None,
                               "a new owner handover plan needs from_owner and to_owner")])  # fmt: skip
        plan_id = _new_id(self.conn.execute(insert(oh).values(
            account_id=account_id, from_owner=v["from_owner"], to_owner=v["to_owner"],
            reassigned_on=v.get("reassigned_on") or self.today, status="open", opened_at=self.now)))  # fmt: skip
        self.conn.execute(insert(ohs), [
            {"owner_handover_id": plan_id, "position": i, "step": s, "owner": v["to_owner"], "deadline": None,
             "status": "open", "done_on": None, "notes": None} for i, s in enumerate(OWNER_STEPS, 1)])  # fmt: skip
        self.history("account", account_id, account_id, "owner handover", None, f"{v['from_owner']} → {v['to_owner']}")
        return plan_id

    def moves(self, line: int, v: dict[str, Any]) -> None:
        """A contacts row's `moved_to`: the contact is kept at that account (created if new) as a
        contact of the same name (made if there is none, as `kam leave --moved-to` makes it)."""
        c = Contact.__table__  # type: ignore[attr-defined]
        account_id = self.account_of(v["account"], create=False)
        who = self.person(v["email"], "email") if v.get("email") else self.person(v["name"], "name", account_id)
        target = self.account_of(v["moved_to"], create=True)
        if target == who.account_id:
            raise RowRefused([("moved_to", v["moved_to"], f"{who.name} is already at {v['moved_to']}")])
        leads = self.conn.execute(select(c.c.id, c.c.phone).where(
            c.c.account_id == target, c.c.name_key == name_key(who.name)).order_by(c.c.id)).all()  # fmt: skip
        lead = next((r.id for r in leads if r.id == who.moved_to_id), None)
        lead = lead or next((r.id for r in leads if who.phone and r.phone == who.phone), None)
        lead = lead or (leads[0].id if leads else None)
        if lead is None:
            lead = _new_id(self.conn.execute(insert(c).values(
                account_id=target, name=who.name, name_key=name_key(who.name), phone=who.phone, status="active",
                notes=f"lead: formerly contact at {v['account']}", created_at=self.now, updated_at=self.now)))  # fmt: skip
            self.history("contact", lead, target, "*", None, f"created (moved from {v['account']})")
        if lead == who.moved_to_id:
            self.result.unchanged += 1
            return
        old = self.conn.execute(
            select(Account.__table__.c.name).join(c, c.c.account_id == Account.__table__.c.id)  # type: ignore[attr-defined]
            .where(c.c.id == who.moved_to_id)
        ).scalar() if who.moved_to_id else None  # fmt: skip
        self.conn.execute(update(c).where(c.c.id == who.id).values(moved_to_id=lead, updated_at=self.now))
        self.history("contact", who.id, who.account_id, "moved_to", old, v["moved_to"])
        self.result.updated += 1
