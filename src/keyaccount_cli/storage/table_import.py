"""The writes of `kam import --kind accounts|opportunities|interactions` (docs/spec.md §7): rows already
parsed and validated (`importing.tables`) upserted one by one with plain Core statements, the
opportunities' and interactions' contacts linked, the changed fields in the change history, and a
meeting with a successor completing that handover step. The whole file is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from ..domain.keys import email_key, name_key, names_several, phone_key, written_as_phone
from ..domain.vocab import history_text
from .contact_rows import CLEAR
from .database import Database
from .interactions import complete_first_meetings
from .models import Account, Change, Contact, Interaction, InteractionContact, Opportunity, OpportunityContact
from .owner_plans import complete_key_contacts_met

ACCOUNT_FIELDS = (
    "industry",
    "tier",
    "owner",
    "annual_revenue",
    "usage",
    "renewal_intent",
    "p1_tickets",
    "nps",
    "notes",
    "status",
    "renewal_date",
)
OPPORTUNITY_FIELDS = ("amount", "stage", "close_date")


class Tally(Protocol):
    """What an import counts (`importing.tables.TableResult`)."""

    created: int
    updated: int
    unchanged: int
    accounts_created: int
    steps_done: int
    owner_steps_done: int
    cleared: int
    changes: list[dict[str, Any]] | None


# why a row cannot be written: (the field at fault or None, the value at fault or None, the message)
Reason = tuple[str | None, str | None, str]


class RowRefused(Exception):
    """A row that cannot be written, with every reason found (`reasons`, one per problem)."""

    def __init__(self, reasons: list[Reason]) -> None:
        super().__init__("; ".join(message for _, _, message in reasons))
        self.reasons = reasons


@contextmanager
def table_import(
    db: Database | Connection, kind: str, *, source: str, now: datetime, result: Tally, dry_run: bool,
    today: date | None = None,
) -> Iterator[TableWriter]:  # fmt: skip
    """A writer inside one transaction: committed when the block ends, rolled back when it raises
    (or, with `dry_run`, in any case). `db`: the `Database`, or a connection in the transaction of
    a larger import (`kam import DIR`), where the file is a savepoint."""
    with transaction(db, dry_run=dry_run) as conn:
        yield TableWriter(conn, kind, source=source, now=now, result=result, today=today)


@contextmanager
def transaction(db: Database | Connection, *, dry_run: bool) -> Iterator[Connection]:
    """A connection in a transaction of its own (or a savepoint of the caller's `Connection`),
    committed when the block ends, rolled back when it raises or, with `dry_run`, in any case."""
    if isinstance(db, Connection):
        with db.begin_nested() as savepoint:
            yield db
            if dry_run:
                savepoint.rollback()
        return
    with db.writer.connect() as conn, conn.begin() as trans:
        yield conn
        if dry_run:
            trans.rollback()


def _new_id(result: Any) -> int:
    """The id of the row an INSERT made."""
    return int(result.inserted_primary_key[0])


def _text(value: Any) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return history_text(value)


class TableWriter:
    """Writes the rows of one accounts, opportunities or interactions file, each as it comes (`write`),
    counting in `result` what it did."""

    def __init__(
        self, conn: Connection, kind: str, *, source: str, now: datetime, result: Tally, today: date | None = None
    ) -> None:  # fmt: skip
        self.conn = conn
        self.today = today  # a meeting dated after it completes no handover step until its day
        self.kind = kind
        self.source = source
        self.now = now
        self.result = result
        self.seen: dict[Any, int] = {}  # a row's identity → the line that had it
        self.line = 0  # the row being written, and its account's name (for `result.changes`)
        self.account = ""

    def write(self, line: int, values: dict[str, Any], *, check_only: bool = False) -> None:
        """Check one row and write it in a savepoint of its own; a row that is refused raises
        `RowRefused` with every reason, and leaves nothing. `check_only`: check, never write (a row
        whose other cells did not parse, so that all its problems are told at once)."""
        self.line, self.account = line, values.get("account", "")
        account_id, people, key = self.check(values)
        if check_only:
            return
        savepoint = self.conn.begin_nested()
        listed = len(self.result.changes or ())
        try:
            getattr(self, self.kind)(values, account_id, people)
        except BaseException:
            savepoint.rollback()
            if self.result.changes is not None:
                del self.result.changes[listed:]
            raise
        savepoint.commit()
        self.seen[key] = line

    def check(self, v: dict[str, Any]) -> tuple[int | None, dict[int, str] | None, Any]:
        """(the account's id, the contacts named (None: no contacts cell), the row's identity in the
        file) of a row that can be written; else `RowRefused` with every reason: no such account,
        each contact that names nobody or several, the same row as an earlier line."""
        reasons: list[Reason] = []
        account_id = None if self.kind == "accounts" else self.account_id(v["account"], reasons)
        people = None
        if account_id is not None and "contacts" in v:  # a `-` cell unlinks every contact
            cells = v["contacts"]
            people = {} if cells == CLEAR else self.contacts(account_id, v["account"], cells, reasons)
        key, what, field_name = self.identity(v)
        if key in self.seen:
            reasons.append((field_name, None, f"the same {what} as line {self.seen[key]}"))
        if reasons:
            raise RowRefused(reasons)
        return account_id, people, key

    def identity(self, v: dict[str, Any]) -> tuple[Any, str, str]:
        """What makes a row the same as another one of the file: (key, what it is, its field)."""
        account = name_key(v["account"])
        if self.kind == "accounts":
            return account, "account", "account"
        if self.kind == "opportunities":
            return (account, name_key(v["name"])), "opportunity", "name"
        return (account, v["date"], v.get("kind", "note"), v.get("summary", "")), "interaction", "date"

    def history(self, entity: str, entity_id: int, account_id: int, f: str, old: Any, new: Any) -> None:
        self.conn.execute(insert(Change).values(
            at=self.now, entity=entity, entity_id=entity_id, account_id=account_id, field=f,
            old=_text(old), new=_text(new), source=self.source))  # fmt: skip
        self._listed(f, old, new)

    def _listed(self, f: str, old: Any, new: Any) -> None:
        """A change, as `kam import --dry-run` lists it: an account has no contact; an opportunity's
        field is named as its history names it (`opportunity Renewal: stage`)."""
        if self.result.changes is None:
            return
        created = new == "created"
        after = _text(new)
        change = "created" if created else "cleared" if after is None else "updated"
        self.result.changes.append({
            "line": self.line, "account": self.account, "contact": None,
            "field": None if f == "*" else f, "before": _text(old), "after": None if created else after,
            "change": change})  # fmt: skip

    def given(self, values: dict[str, Any]) -> dict[str, Any]:
        """A row's values for a new record: the `-` cells (nothing to clear) left out."""
        return {f: v for f, v in values.items() if v != CLEAR}

    def changed(self, row: Any, values: dict[str, Any]) -> dict[str, Any]:
        """A stored record's fields that the row changes; a `-` cell clears (counted in `result`)."""
        out: dict[str, Any] = {}
        for f, new in values.items():
            if new == CLEAR:
                if row._mapping[f] is not None:
                    out[f] = None
                    self.result.cleared += 1
            elif row._mapping[f] != new:
                out[f] = new
        return out

    def account_id(self, name: str, reasons: list[Reason]) -> int | None:
        """The id of the account named; None, and a reason, when there is none."""
        a = Account.__table__  # type: ignore[attr-defined]
        row = self.conn.execute(select(a.c.id).where(a.c.name_key == name_key(name))).first()
        if row is None:
            reasons.append(("account", name, f"no account named {name!r}; import its contacts or accounts first"))
            return None
        return int(row[0])

    def contacts(self, account_id: int, account: str, refs: list[str], reasons: list[Reason]) -> dict[int, str]:
        """Contacts of the account named by email or name → their names; each must name exactly
        one, and each that does not is a reason."""
        c = Contact.__table__  # type: ignore[attr-defined]
        out: dict[int, str] = {}
        for ref in refs:
            if "@" in ref:
                rows = self.conn.execute(
                    select(c.c.id, c.c.name, c.c.account_id).where(c.c.email == email_key(ref))
                ).all()
                if rows and rows[0].account_id != account_id:
                    why = f"{ref!r} is a contact of another account; it must be a contact of {account}"
                    reasons.append(("contacts", ref, why))
                    continue
            elif written_as_phone(ref):
                rows = [row for row in self.conn.execute(select(c.c.id, c.c.name, c.c.email, c.c.phone).where(
                    c.c.account_id == account_id, c.c.phone.is_not(None)).order_by(c.c.id)).all()
                    if phone_key(row.phone) == phone_key(ref)]  # fmt: skip
            else:
                rows = self.conn.execute(select(c.c.id, c.c.name, c.c.email, c.c.phone).where(
                    c.c.account_id == account_id, c.c.name_key == name_key(ref)).order_by(c.c.id)).all()  # fmt: skip
            if not rows:
                reasons.append(("contacts", ref, f"{ref!r} names nobody at {account}"))
            elif len(rows) > 1:
                several = [(r.name, r.email, r.phone) for r in rows]
                why = names_several(ref, account, several, n=len(rows), by_phone=written_as_phone(ref))
                reasons.append(("contacts", ref, why))
            else:
                out[rows[0].id] = rows[0].name
        return out

    # --- one row of each kind ---------------------------------------------

    def accounts(self, v: dict[str, Any], account_id: None, people: None) -> None:
        a = Account.__table__  # type: ignore[attr-defined]
        row = self.conn.execute(select(a).where(a.c.name_key == name_key(v["account"]))).first()
        values = {f: v[f] for f in ACCOUNT_FIELDS if f in v}
        if row is None:
            new_id = _new_id(self.conn.execute(insert(a).values(name=v["account"], name_key=name_key(v["account"]),
                                                                created_at=self.now, updated_at=self.now, **self.given(values))))  # fmt: skip
            self.history("account", new_id, new_id, "*", None, "created")
            self.result.created += 1
            return
        changed = self.changed(row, values)
        for f, new in changed.items():
            self.history("account", row.id, row.id, f, row._mapping[f], new)
        if changed:
            self.conn.execute(update(a).where(a.c.id == row.id).values(updated_at=self.now, **changed))
            self.result.updated += 1
        else:
            self.result.unchanged += 1

    def opportunities(self, v: dict[str, Any], account_id: int, people: dict[int, str] | None) -> None:
        o, oc = Opportunity.__table__, OpportunityContact.__table__  # type: ignore[attr-defined]
        row = self.conn.execute(
            select(o).where(o.c.account_id == account_id, o.c.name_key == name_key(v["name"]))
        ).first()
        values = {f: v[f] for f in OPPORTUNITY_FIELDS if f in v}
        if row is None:
            opp_id = _new_id(self.conn.execute(insert(o).values(
                account_id=account_id, name=v["name"], name_key=name_key(v["name"]), created_at=self.now,
                updated_at=self.now, **self.given(values))))  # fmt: skip
            self.history("opportunity", opp_id, account_id, f"opportunity {v['name']}", None, "created")
            if people:
                self.conn.execute(insert(oc), [{"opportunity_id": opp_id, "contact_id": i} for i in people])
            self.result.created += 1
            return
        label = f"opportunity {row.name}"
        changed = self.changed(row, values)
        for f, new in changed.items():
            self.history("opportunity", row.id, account_id, f"{label}: {f}", row._mapping[f], new)
        if changed:
            self.conn.execute(update(o).where(o.c.id == row.id).values(updated_at=self.now, **changed))
        linked_now = False
        if people is not None:
            c = Contact.__table__  # type: ignore[attr-defined]
            before: dict[int, str] = dict(self.conn.execute(select(c.c.id, c.c.name).join(oc, oc.c.contact_id == c.c.id)
                                            .where(oc.c.opportunity_id == row.id)).all())  # fmt: skip
            if set(before) != set(people):
                linked_now = True
                self.conn.execute(delete(oc).where(oc.c.opportunity_id == row.id))
                if people:
                    self.conn.execute(insert(oc), [{"opportunity_id": row.id, "contact_id": i} for i in people])
                else:  # `-`: every contact unlinked
                    self.result.cleared += 1
                self.history("opportunity", row.id, account_id, f"{label}: contacts",
                             ", ".join(sorted(before.values())), ", ".join(sorted(people.values())))  # fmt: skip
        if changed or linked_now:
            self.result.updated += 1
        else:
            self.result.unchanged += 1

    def interactions(self, v: dict[str, Any], account_id: int, people: dict[int, str] | None) -> None:
        i, ic = Interaction.__table__, InteractionContact.__table__  # type: ignore[attr-defined]
        people = people or {}
        kind, summary = v.get("kind", "note"), v.get("summary", "")
        row = self.conn.execute(select(i.c.id, i.c.by_person).where(i.c.account_id == account_id, i.c.on == v["date"],
                                                     i.c.kind == kind, i.c.summary == summary)).first()  # fmt: skip
        by = v.get("by")
        if row is None:  # had by the account's owner, as `kam log` has it, unless the row says who
            a = Account.__table__  # type: ignore[attr-defined]
            by = by or self.conn.execute(select(a.c.owner).where(a.c.id == account_id)).scalar() or None
            item_id = _new_id(self.conn.execute(insert(i).values(account_id=account_id, on=v["date"], kind=kind,
                                                                 summary=summary, created_at=self.now, by_person=by)))  # fmt: skip
            new_people = list(people)
            self.result.created += 1
            self._listed(f"interaction {v['date'].isoformat()} {kind}", None, "created")
        else:
            item_id = row.id
            linked = set(self.conn.execute(select(ic.c.contact_id).where(ic.c.interaction_id == item_id)).scalars())
            new_people = [p for p in people if p not in linked]
            by_now = by is not None and by != row.by_person
            if by_now:
                self.conn.execute(update(i).where(i.c.id == item_id).values(by_person=by))
            by = by or row.by_person
            if new_people or by_now:
                self.result.updated += 1
            else:
                self.result.unchanged += 1
        if new_people:
            self.conn.execute(insert(ic), [{"interaction_id": item_id, "contact_id": p} for p in new_people])
        # as `kam log`: meeting a successor completes that handover step, and the new owner's meetings
        # may complete their owner plan's key_contacts_met
        met = complete_first_meetings(
            self.conn, kind, new_people, on=v["date"], notes=summary or None, today=self.today
        )
        self.result.steps_done += len(met)
        today = self.today or self.now.date()
        if complete_key_contacts_met(self.conn, account_id, kind=kind, by=by, on=v["date"], today=today):
            self.result.owner_steps_done += 1
