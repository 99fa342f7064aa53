"""Queries and updates. No Typer, no Rich: everything here is usable from tests and other front ends."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from ..domain.keys import email_key, name_key
from ..domain.order import sort_key
from ..domain.vocab import history_text
from ..errors import KamError
from .mentions import erase_mentions, person_mentions
from .models import Account, Change, Contact, Handover, HandoverStep, Relation, table_of
from .not_found import ambiguous, no_account, no_contact
from .statements import Sql

# Contact fields a user can set, in the order of the import columns.
CONTACT_FIELDS = (
    "name", "email", "phone", "title", "department", "roles", "decision_power", "attitude",
    "concerns", "can_sign", "project_owner", "reports_to", "status", "change_risk",
    "change_date", "change_kind", "successor", "notes", "our_contacts",
)  # fmt: skip
REFERENCE_FIELDS = {"reports_to": "reports_to_id", "successor": "successor_id"}
# a contact's stored dates and times, which `kam set` reads apart (`load_dates`) or not at all
DATED = ("change_date", "created_at", "updated_at")


def text_order(session: Session, column: Any) -> Any:
    """`column` for ORDER BY in code-point order, as Python sorts and SQLite compares, whatever
    collation a server database was created with."""
    return column.collate("C") if session.get_bind().dialect.name == "postgresql" else column


def record_change(
    session: Session, *, entity: str, entity_id: int, account_id: int, field: str,
    old: Any, new: Any, source: str, at: datetime,
) -> None:  # fmt: skip
    session.add(Change(
        at=at, entity=entity, entity_id=entity_id, account_id=account_id, field=field,
        old=history_text(old), new=history_text(new), source=source,
    ))  # fmt: skip


# --- accounts -------------------------------------------------------------


def find_account(session: Session, name: str) -> Account | None:
    return session.scalars(select(Account).where(col(Account.name_key) == name_key(name))).first()


def find_account_name(session: Session, account_id: int) -> str:
    account = session.get(Account, account_id)
    assert account is not None
    return account.name


def require_account(session: Session, name: str) -> Account:
    account = find_account(session, name)
    if account is None:
        known = sorted(session.scalars(select(col(Account.name))).all(), key=sort_key)[:20]  # as kam lists them
        raise no_account(name, known)
    return account


def ensure_account(
    session: Session, name: str, *, source: str, at: datetime, status: str | None = None
) -> tuple[Account, bool]:
    """The account named `name`, and whether it was created now (with `status`, if given)."""
    name = " ".join(name.split())
    if not name:
        raise KamError("an account name cannot be empty")
    account = find_account(session, name)
    if account is not None:
        return account, False
    account = Account(name=name, name_key=name_key(name), created_at=at, updated_at=at)
    if status is not None:
        account.status = status
    session.add(account)
    session.flush()
    assert account.id is not None
    record_change(
        session,
        entity="account",
        entity_id=account.id,
        account_id=account.id,
        field="*",
        old=None,
        new="created",
        source=source,
        at=at,
    )
    return account, True


def update_account(
    session: Session, account: Account, values: dict[str, Any], *, source: str, at: datetime
) -> list[tuple[str, str | None, str | None]]:
    """Apply `values` (field → value; None clears) to `account`; one history row per field that
    changes. The changes, as (field, old, new) in the history's words, in the order given."""
    changed = []
    assert account.id is not None
    for field, new in values.items():
        old = getattr(account, field)
        if old == new:
            continue
        setattr(account, field, new)
        record_change(session, entity="account", entity_id=account.id, account_id=account.id, field=field,
                      old=old, new=new, source=source, at=at)  # fmt: skip
        changed.append((field, history_text(old), history_text(new)))
    if changed:
        account.updated_at = at
        session.add(account)
    return changed


# --- contacts -------------------------------------------------------------

# The largest row id each backend stores (a server's `integer` column); a larger number is no id
MAX_ID = {"sqlite": 2**63 - 1, "postgresql": 2**31 - 1}


def row_id(session: Session, ref: str) -> int | None:
    """`ref` as the id of a row, if it is a number such an id can be."""
    if not (ref.isascii() and ref.isdigit()):
        return None
    value = int(ref)
    return value if value <= MAX_ID.get(session.get_bind().dialect.name, 2**31 - 1) else None


def resolve_contact(session: Session, ref: str, account: str | None = None, *, dates: bool = True) -> Contact:
    """A CONTACT argument: an email, a numeric id, or a name (narrowed by `account`). Without
    `dates`, the contacts' dates are left to `load_dates`."""
    ref = ref.strip()
    if not ref:
        raise KamError("a contact must be named by email, id or name")
    query = select(Contact) if dates else select(Contact).options(*(defer(getattr(Contact, c)) for c in DATED))
    acc = require_account(session, account) if account else None
    if acc is not None:
        query = query.where(col(Contact.account_id) == acc.id)
    contact_id = row_id(session, ref)
    if contact_id is not None:
        found = session.scalars(query.where(col(Contact.id) == contact_id)).first()
        if found is not None:
            return found
    if "@" in ref:
        found = session.scalars(query.where(col(Contact.email) == email_key(ref))).first()
        if found is not None:
            return found
    matches = session.scalars(query.where(col(Contact.name_key) == name_key(ref)).order_by(col(Contact.id))).all()
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise no_contact(ref, acc.name if acc else None)
    accounts = {a.id: a.name for a in session.scalars(select(Account))}
    raise ambiguous(ref, ((c.id, c.name, c.email, accounts[c.account_id]) for c in matches))


def contact_with_email(session: Session, email: str, *, other_than: int | None = None) -> Contact | None:
    """The contact whose (stored, case-folded) email is `email`, other than contact #`other_than`."""
    query = select(Contact).where(col(Contact.email) == email)
    if other_than is not None:
        query = query.where(col(Contact.id) != other_than)
    return session.scalars(query).first()


def contact_named(session: Session, account_id: int, key: str) -> Contact | None:
    """A contact of the account whose name key is `key` (the first, if there are several)."""
    query = select(Contact).where(col(Contact.account_id) == account_id, col(Contact.name_key) == key)
    return session.scalars(query).first()


def new_contact(session: Session, account_id: int, values: dict[str, Any], *, at: datetime) -> Contact:
    """A new contact of the account with `values` (model attribute names; None: the default),
    written (flushed), so that it has its id."""
    given = {k: v for k, v in values.items() if v is not None}
    contact = Contact(account_id=account_id, created_at=at, updated_at=at, **given)
    session.add(contact)
    session.flush()
    return contact


def load_dates(session: Session, contact: Contact) -> None:
    """Fill in the dates of a contact `resolve_contact(dates=False)` found, as stored. A day that
    cannot be read is given as the stored text: `update_contact` then replaces it like any other
    value, and the history keeps the text as the old value."""
    sql = Sql(session.connection())
    for raw in sql.run("SELECT change_date FROM contact WHERE id = ?", (contact.id,)):
        try:
            value = sql.python("change_date", raw[0])
        except (TypeError, ValueError):
            value = str(raw[0])
        set_committed_value(contact, "change_date", value)


def get_contact(session: Session, contact_id: int | None) -> Contact | None:
    return session.get(Contact, contact_id) if contact_id is not None else None


def contact_label(session: Session, contact_id: int | None) -> str | None:
    if contact_id is None:
        return None
    c = session.get(Contact, contact_id)
    return c.name if c else None


def update_contact(
    session: Session, contact: Contact, values: dict[str, Any], *, source: str, at: datetime,
) -> list[str]:  # fmt: skip
    """Apply `values` (model attribute names) to `contact`; one history row per field that changes."""
    changed = []
    for attr, new in values.items():
        old = getattr(contact, attr)
        if old == new:
            continue
        field = attr.removesuffix("_id") if attr in ("reports_to_id", "successor_id", "moved_to_id") else attr
        old_h, new_h = old, new
        if attr.endswith("_id") and attr != "account_id":
            old_h, new_h = contact_label(session, old), contact_label(session, new)
        setattr(contact, attr, new)
        assert contact.id is not None
        record_change(
            session,
            entity="contact",
            entity_id=contact.id,
            account_id=contact.account_id,
            field=field,
            old=old_h,
            new=new_h,
            source=source,
            at=at,
        )
        changed.append(field)
    if changed:
        contact.updated_at = at
        session.add(contact)
    return changed


def check_reference(session: Session, contact: Contact, other: Contact, field: str) -> None:
    """`other` may be `contact`'s manager (`reports_to`) or successor: same account, not themselves, no cycle."""
    if other.id == contact.id:
        who = "report to themselves" if field == "reports_to" else "be their own successor"
        raise KamError(f"{field}: {contact.name} cannot {who}")
    if other.account_id != contact.account_id:
        raise KamError(f"{field}: {other.name} is at another account; it must be a contact of the same account")
    if field == "reports_to":
        seen: set[int | None] = set()
        cur: Contact | None = other
        while cur is not None and cur.id not in seen:
            if cur.reports_to_id == contact.id:
                raise KamError(f"reports_to: {contact.name} → {other.name} would make a reports-to cycle")
            seen.add(cur.id)
            cur = session.get(Contact, cur.reports_to_id) if cur.reports_to_id is not None else None


def add_relation(session: Session, a: Contact, b: Contact, kind: str, *, source: str, at: datetime) -> bool:
    if a.id == b.id:
        raise KamError(f"a relation needs two different people ({a.name} twice)")
    if a.account_id != b.account_id:
        raise KamError(f"{a.name} and {b.name} are at different accounts; relations are within one account")
    exists = session.scalars(select(Relation).where(
        col(Relation.from_id) == a.id, col(Relation.to_id) == b.id, col(Relation.kind) == kind)).first()  # fmt: skip
    if exists:
        return False
    session.add(Relation(from_id=a.id, to_id=b.id, kind=kind, created_at=at))  # type: ignore[arg-type]
    record_change(
        session,
        entity="contact",
        entity_id=a.id,  # type: ignore[arg-type]
        account_id=a.account_id,
        field=f"relation {kind}",
        old=None,
        new=b.name,
        source=source,
        at=at,
    )
    return True


def remove_relation(session: Session, a: Contact, b: Contact, kind: str, *, source: str, at: datetime) -> bool:
    rows = session.scalars(select(Relation).where(
        col(Relation.from_id) == a.id, col(Relation.to_id) == b.id, col(Relation.kind) == kind)).all()  # fmt: skip
    for row in rows:
        session.delete(row)
    if rows:
        record_change(
            session,
            entity="contact",
            entity_id=a.id,  # type: ignore[arg-type]
            account_id=a.account_id,
            field=f"relation {kind}",
            old=b.name,
            new=None,
            source=source,
            at=at,
        )
    return bool(rows)


# --- people across accounts -------------------------------------------------


def same_person(session: Session, contact_id: int) -> list[int]:
    """The contact and the records of the same person at other accounts, linked by moved-to
    (relationship migration), in id order."""
    group, todo = {contact_id}, [contact_id]
    while todo:
        cid = todo.pop()
        links = session.scalars(select(col(Contact.id)).where(col(Contact.moved_to_id) == cid)).all()
        target = session.scalars(select(col(Contact.moved_to_id)).where(col(Contact.id) == cid)).first()
        for other in [*links, target]:
            if other is not None and other not in group:
                group.add(other)
                todo.append(other)
    return sorted(group)


def forget_contact(db: Any, contact_ids: Sequence[int], *, at: datetime) -> dict[str, int]:
    """Erase a person (`contact_ids`: their record at each account): the rows, relations, handovers,
    interaction and opportunity links and history rows; every name they had, their email and phone
    become "[forgotten]" in the texts of their accounts (`mentions`). One transaction, which on SQLite
    overwrites what it deletes (secure_delete); the file is then vacuumed and the write-ahead log
    truncated, so the data is gone from disk, not only hidden."""
    from sqlalchemy import delete, update

    from .extras import forget_in_portfolio
    from .models import InteractionContact

    c_t, ch_t = table_of(Contact), table_of(Change)
    counts: dict[str, int] = defaultdict(int)
    with db.writer.begin() as conn:
        if db.is_sqlite:  # the freed space of deleted and rewritten rows is zeroed, in the log too
            conn.exec_driver_sql("PRAGMA secure_delete = ON")
        mentions = person_mentions(conn, list(contact_ids))
        for contact_id in contact_ids:
            account_id = conn.execute(select(c_t.c.account_id).where(c_t.c.id == contact_id)).scalar()
            if account_id is None:
                raise KamError(f"no contact #{contact_id}")
            for column in ("reports_to_id", "successor_id", "moved_to_id"):
                conn.execute(update(c_t).where(c_t.c[column] == contact_id).values({column: None}))
            r_t = table_of(Relation)
            counts["relations"] += conn.execute(
                delete(r_t).where((r_t.c.from_id == contact_id) | (r_t.c.to_id == contact_id))).rowcount  # fmt: skip
            h_t, s_t = table_of(Handover), table_of(HandoverStep)
            plans = [r[0] for r in conn.execute(select(h_t.c.id).where(h_t.c.contact_id == contact_id))]
            if plans:
                conn.execute(delete(s_t).where(s_t.c.handover_id.in_(plans)))
                conn.execute(delete(h_t).where(h_t.c.id.in_(plans)))
            counts["handover plans"] += len(plans)
            ic_t = table_of(InteractionContact)
            conn.execute(delete(ic_t).where(ic_t.c.contact_id == contact_id))
            counts["opportunity links"] += forget_in_portfolio(conn, contact_id)
            counts["history rows"] += conn.execute(
                delete(ch_t).where(ch_t.c.entity == "contact", ch_t.c.entity_id == contact_id)).rowcount  # fmt: skip
            conn.execute(delete(c_t).where(c_t.c.id == contact_id))
            conn.execute(ch_t.insert().values(at=at, entity="contact", entity_id=contact_id, account_id=account_id,
                                              field="*", old=None, new="forgotten", source="forget"))  # fmt: skip
        counts["texts that mentioned them"] = erase_mentions(conn, mentions)
    if db.is_sqlite:
        raw = db.engine.raw_connection()
        try:
            raw.execute("VACUUM")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    return dict(counts)
