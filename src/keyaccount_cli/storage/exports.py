"""What `kam export` reads, in plain SQL through the reader (`reader.as_reader`), one row at a time
(a whole book is never held in memory): every contact with its account's name, as the text the
export writes (`kam export contacts`), and each table of the folder `kam export all` writes.

A contact the relations and handovers name is written by `contact_ref`: the email; else the name,
when no other contact has that name; else the phone, when another contact of the same account
has it; else `NAME (ACCOUNT)` (`link_import` reads each of them back). The contacts' own
references (reports to, successor) are the email, else the phone of a namesake at the account,
else the name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from ..domain.order import sort_key
from .migrations import WATCHED
from .reader import _day, _text_order, as_reader
from .reading import _contact_day


def _reference(r: str) -> str:
    """The other contact `r` as a reference: its email; else its phone, when another contact of
    its account has its name; else its name (as the contacts import reads each of them)."""
    namesake = (f"EXISTS (SELECT 1 FROM contact n WHERE n.account_id = {r}.account_id"
                f" AND n.name_key = {r}.name_key AND n.id <> {r}.id)")  # fmt: skip
    return (f"COALESCE(NULLIF({r}.email, ''), CASE WHEN {r}.phone IS NOT NULL AND {r}.phone <> '' AND {namesake}"
            f" THEN {r}.phone ELSE {r}.name END)")  # fmt: skip


# how each exported field is read; any other field is the contact's column of that name
_FIELD_SQL = {
    "account": "a.name",
    # a reference is the other contact's email, or its name where it has none
    "reports_to": _reference("r0"),
    "successor": _reference("r1"),
    # the account the contact moved to (where they are kept as another contact)
    "moved_to": "ma.name",
    # flags as the import reads them
    "can_sign": "CASE WHEN c.can_sign IS NULL THEN NULL WHEN c.can_sign THEN 'yes' ELSE 'no' END",
    "project_owner": "CASE WHEN c.project_owner IS NULL THEN NULL WHEN c.project_owner THEN 'yes' ELSE 'no' END",
}
_JOINS = " LEFT JOIN contact r0 ON r0.id = c.reports_to_id LEFT JOIN contact r1 ON r1.id = c.successor_id"
_MOVED = " LEFT JOIN contact m ON m.id = c.moved_to_id LEFT JOIN account ma ON ma.id = m.account_id"


class Part(NamedTuple):
    """The contacts one process of a two-process export reads (`contact_halves`), in the export's
    order: those of the accounts `accounts`, in that order (names not all ASCII), else those where
    `where` holds, with `params`."""

    where: str = ""
    params: Mapping[str, Any] = {}
    accounts: tuple[int, ...] | None = None


def contacts_for_export(
    source: Any, fields: Sequence[str], *, by_id: bool = False, part: Part | None = None
) -> Iterable[Sequence[Any]]:
    """Every contact (or those of `part`) as the values of `fields`, by account name then contact
    id (`by_id`: in the order they were recorded), read as a stream: memory holds one batch of
    rows, not the book. Values are text as stored (multi-valued fields as canonical values joined
    with `;`), flags `yes`/`no`, the change date `YYYY-MM-DD`: when every stored change date is one
    already (as kam writes them), the rows go to the writer as the driver gives them, else one by
    one, so that a damaged date is named as every command that reads it names it."""
    reader = as_reader(source)
    selected = ", ".join(_FIELD_SQL.get(field, f"c.{field}") for field in fields)
    joins = _JOINS + (_MOVED if "moved_to" in fields else "")
    query = f"FROM account a CROSS JOIN contact c{joins} WHERE c.account_id = a.id"
    if "change_date" not in fields or _change_dates_as_written(reader):
        return _in_order(reader, f"SELECT {selected} {query}", by_id, part)
    rows = _in_order(reader, f"SELECT c.id, c.name, {selected} {query}", by_id, part)
    return _dates_checked(rows, list(fields).index("change_date"))


def _dates_checked(rows: Iterable[Sequence[Any]], at: int) -> Iterator[Sequence[Any]]:
    """The rows of `contacts_for_export` (after the contact's id and name, which name a damaged
    change date) with the change date at `at` as `YYYY-MM-DD`."""
    for row in rows:
        if row[at + 2] is None:
            yield row[2:]
            continue
        day = _contact_day(row[0], row[1], row[at + 2])  # a server gives a date, SQLite the text as stored
        values = list(row[2:])
        values[at] = day.isoformat() if day is not None else None
        yield values


_CHUNK = 500  # accounts per query when the accounts' order is not the database's


def _in_order(reader: Any, query: str, by_id: bool, part: Part | None = None) -> Iterable[Sequence[Any]]:
    """The rows of `query` (contacts joined to their account `a`) by contact id, or by account name
    (`order.sort_key`: pinyin for Chinese names) then contact id. Names all in ASCII sort in the
    database as they do in Python (code points of the case-folded key: SQLite sorts one account at a
    time); else the accounts are put in order here and read a few hundred at a time, in that order."""
    if part is not None and part.accounts is not None:
        return _by_chunks(reader, query, list(part.accounts))
    if part is not None:
        query, params = f"{query} AND {part.where}", part.params
    else:
        params = {}
    if by_id:
        return reader.rows(query + " ORDER BY c.id", params)
    if part is None:
        accounts = list(reader.rows("SELECT id, name FROM account"))
        if not all(name.isascii() for _id, name in accounts):
            return _by_chunks(reader, query, [id_ for id_, _name in sorted(accounts, key=lambda a: sort_key(a[1]))])
    # accounts in name order, and each one's contacts by id
    return reader.rows(query + f" ORDER BY {_text_order(reader, 'a.name_key')}, c.id", params)


def _by_chunks(reader: Any, query: str, ids: list[int]) -> Iterator[Sequence[Any]]:
    """The rows of `query` for the accounts `ids`, in that order, a few hundred accounts a query."""
    for start in range(0, len(ids), _CHUNK):
        chunk = [int(i) for i in ids[start : start + _CHUNK]]  # integers from the database itself
        rank = " ".join(f"WHEN {id_} THEN {i}" for i, id_ in enumerate(chunk))
        # a loop, not `yield from`: a stream let go of after its reader closed (a damaged day stopped
        # the export) must not close the cursor of a closed connection
        rows = reader.rows(query + f" AND a.id IN ({', '.join(map(str, chunk))}) ORDER BY CASE a.id {rank} END, c.id")
        for row in rows:  # noqa: UP028
            yield row


def contact_halves(reader: Any, *, by_id: bool, least: int) -> tuple[Part, Part] | None:
    """The contacts of `contacts_for_export` in two parts of about the same size, the first before
    the second in the export's order; None for a book of fewer than `least` contacts."""
    if by_id:
        (total,) = next(iter(reader.rows("SELECT count(*) FROM contact")))
        if total < max(least, 2):
            return None
        (middle,) = next(iter(reader.rows(f"SELECT id FROM contact ORDER BY id LIMIT 1 OFFSET {int(total) // 2}")))
        split = {"split": middle}
        return Part("c.id < :split", split), Part("c.id >= :split", split)
    counts = dict(reader.rows("SELECT account_id, count(*) FROM contact GROUP BY account_id"))
    total = sum(counts.values())
    if total < max(least, 2):
        return None
    accounts = [(id_, name, key) for id_, name, key in reader.rows("SELECT id, name, name_key FROM account")]
    ascii_names = all(name.isascii() for _id, name, _key in accounts)
    accounts.sort(key=(lambda a: a[2]) if ascii_names else (lambda a: sort_key(a[1])))
    seen, at = 0, 0
    while at < len(accounts) - 1 and seen + counts.get(accounts[at][0], 0) <= total // 2:
        seen += counts.get(accounts[at][0], 0)
        at += 1
    if ascii_names:
        split = {"split": accounts[at][2]}
        return Part("a.name_key < :split", split), Part("a.name_key >= :split", split)
    ids = [id_ for id_, _name, _key in accounts]
    return Part(accounts=tuple(ids[:at])), Part(accounts=tuple(ids[at:]))


def _change_dates_as_written(reader: Any) -> bool:
    """Whether every stored change date is a date as kam writes it (a server's DATE column, or
    SQLite's text `YYYY-MM-DD`). The contacts with one are the watched ones, read through their index."""
    for (day,) in reader.rows(f"SELECT change_date FROM contact WHERE ({WATCHED}) AND change_date IS NOT NULL"):
        if isinstance(day, date):
            continue
        try:
            if date.fromisoformat(day).isoformat() != day:
                return False
        except (TypeError, ValueError):
            return False
    return True


def one_snapshot(source: Any) -> None:
    """Every query of the reader from now on sees one snapshot of the database: as SQLite's
    reader does, and on a server by a repeatable-read transaction (`kam export all` reads every
    table, while other commands may write)."""
    reader = as_reader(source)
    conn = getattr(reader, "conn", None)
    if getattr(reader, "dialect", None) == "postgresql" and conn is not None and not conn.in_transaction():
        conn.execution_options(isolation_level="REPEATABLE READ")


def contact_ref(email: str | None, name: str, account: str, namesakes: int, phone: str | None, here: int) -> str:
    """How the folder names a contact: see the module's text (`namesakes`: the contacts of that
    name; `here`: of those, at the contact's account)."""
    if email:
        return email
    if namesakes <= 1:
        return name
    return phone if here > 1 and phone else f"{name} ({account})"


_REF_COLUMNS = 6  # the columns `_ref_columns` selects, `contact_ref`'s arguments


def _ref_columns(c: str, a: str) -> str:
    return (f"{c}.email, {c}.name, {a}.name, (SELECT count(*) FROM contact n WHERE n.name_key = {c}.name_key),"
            f" {c}.phone, (SELECT count(*) FROM contact n WHERE n.name_key = {c}.name_key"
            f" AND n.account_id = {c}.account_id)")  # fmt: skip


def accounts_for_folder(source: Any, fields: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Every account as stored (its own tier, not the one derived from revenue), by id: the name
    as `account` and each of `fields` (the account's columns of those names)."""
    reader = as_reader(source)
    stored = [f for f in fields if f != "account"]
    for name, *values in reader.rows(f"SELECT name{''.join(', ' + f for f in stored)} FROM account ORDER BY id"):
        yield {"account": name, **dict(zip(stored, values, strict=True))}


def relations_for_folder(source: Any) -> Iterator[dict[str, Any]]:
    reader = as_reader(source)
    for row in reader.rows(
        f"SELECT {_ref_columns('f', 'fa')}, {_ref_columns('t', 'ta')}, r.kind FROM relation r"
        " JOIN contact f ON f.id = r.from_id JOIN account fa ON fa.id = f.account_id"
        " JOIN contact t ON t.id = r.to_id JOIN account ta ON ta.id = t.account_id ORDER BY r.id"
    ):
        n = _REF_COLUMNS
        yield {"contact": contact_ref(*row[:n]), "other": contact_ref(*row[n : 2 * n]), "kind": row[2 * n]}


def _people(reader: Any, table: str, key: str) -> dict[int, str]:
    """The contacts linked to each opportunity or interaction: the email, else the name, `;`-joined."""
    out: dict[int, list[str]] = {}
    for item, email, name in reader.rows(
        f"SELECT l.{key}, c.email, c.name FROM {table} l JOIN contact c ON c.id = l.contact_id ORDER BY l.{key}, c.id"
    ):
        out.setdefault(item, []).append(email or name)
    return {item: ";".join(refs) for item, refs in out.items()}


def opportunities_for_folder(source: Any, fields: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Every opportunity by id: its account, name, linked contacts and each of `fields` (the
    opportunity's columns of those names)."""
    reader = as_reader(source)
    people = _people(reader, "opportunity_contact", "opportunity_id")
    stored = [f for f in fields if f not in ("account", "name", "contacts")]
    columns = "".join(f", o.{f}" for f in stored)
    for opp_id, account, name, *values in reader.rows(
        f"SELECT o.id, a.name, o.name{columns} FROM opportunity o JOIN account a ON a.id = o.account_id ORDER BY o.id"
    ):
        row = dict(zip(stored, values, strict=True))
        row["close_date"] = _day(row.get("close_date"))
        yield {"account": account, "name": name, **row, "contacts": people.get(opp_id)}


def interactions_for_folder(source: Any) -> Iterator[dict[str, Any]]:
    reader = as_reader(source)
    people = _people(reader, "interaction_contact", "interaction_id")
    for item, account, on, kind, summary, by in reader.rows(
        'SELECT i.id, a.name, i."on", i.kind, i.summary, i.by_person FROM interaction i'
        " JOIN account a ON a.id = i.account_id ORDER BY i.id"
    ):
        yield {"account": account, "date": _day(on), "kind": kind, "contacts": people.get(item), "summary": summary,
               "by": by}  # fmt: skip


def handovers_for_folder(source: Any, fields: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Each step of every contact's plan `kam handover` shows (the open one, else the last), by
    contact then step: the contact, the step and each of `fields` (the step's columns of those
    names; dates as days)."""
    reader = as_reader(source)
    stored = [f for f in fields if f not in ("contact", "step")]
    columns = "".join(", h.change_date" if f == "change_on" else f", s.{f}" for f in stored)
    for row in reader.rows(
        f"SELECT {_ref_columns('c', 'a')}, s.step{columns}"
        " FROM handover_step s JOIN handover h ON h.id = s.handover_id"
        " JOIN contact c ON c.id = h.contact_id JOIN account a ON a.id = c.account_id"
        " WHERE h.id = (SELECT p.id FROM handover p WHERE p.contact_id = h.contact_id AND p.status <> 'history'"
        " ORDER BY CASE WHEN p.status = 'open' THEN 0 ELSE 1 END, p.id DESC LIMIT 1)"
        " ORDER BY c.id, s.position"
    ):
        step = dict(zip(stored, row[_REF_COLUMNS + 1 :], strict=True))
        for day in ("deadline", "done_on", "change_on"):
            if day in step:
                step[day] = _day(step[day])
        yield {"contact": contact_ref(*row[:_REF_COLUMNS]), "step": row[_REF_COLUMNS], **step}


def owner_handovers_for_folder(source: Any) -> Iterator[dict[str, Any]]:
    """Each step of every account's owner handover plan `kam handover --account` shows (the open
    one, else the last closed one), by account then step, with the plan's account, old and new
    owner and day of the reassignment."""
    reader = as_reader(source)
    for account, old, new, day, step, owner, due, status, done_on, notes in reader.rows(
        "SELECT a.name, h.from_owner, h.to_owner, h.reassigned_on, s.step, s.owner, s.deadline, s.status, s.done_on,"
        " s.notes FROM owner_handover_step s JOIN owner_handover h ON h.id = s.owner_handover_id"
        " JOIN account a ON a.id = h.account_id"
        " WHERE h.id = (SELECT p.id FROM owner_handover p WHERE p.account_id = h.account_id AND p.status <> 'cancelled'"
        " ORDER BY CASE WHEN p.status = 'open' THEN 0 ELSE 1 END, p.id DESC LIMIT 1)"
        " ORDER BY a.id, s.position"
    ):  # fmt: skip
        yield {"account": account, "from_owner": old, "to_owner": new, "reassigned_on": _day(day), "step": step,
               "owner": owner, "deadline": _day(due), "status": status, "done_on": _day(done_on), "notes": notes}  # fmt: skip


def team_for_folder(source: Any) -> Iterator[dict[str, Any]]:
    """Every account's team beside its owner (docs/spec.md §9), by account, in the order added."""
    reader = as_reader(source)
    for account, name, role in reader.rows(
        "SELECT a.name, t.name, t.role FROM team_member t JOIN account a ON a.id = t.account_id ORDER BY a.id, t.id"
    ):  # fmt: skip
        yield {"account": account, "name": name, "role": role}
