"""What `kam export` reads, in plain SQL through the reader (`reader.as_reader`), as stored, row by
row (a whole book is never held in memory): every contact with its account's name (`kam export
contacts`), and each table of the folder `kam export all` writes.

A contact the relations and handovers name is written by `contact_ref`: the email; else the name,
when no other contact has that name; else `NAME (ACCOUNT)` (`link_import` reads each of them back).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .reader import _day, _flag, _text_order, as_reader
from .reading import _contact_day

# the contact's columns the export writes (references as ids: the export names them)
EXPORTED = (
    "id", "name", "email", "phone", "title", "department", "roles", "decision_power", "attitude", "concerns",
    "can_sign", "project_owner", "reports_to_id", "status", "change_risk", "change_date", "change_kind",
    "successor_id", "notes",
)  # fmt: skip
_FLAGS = ("can_sign", "project_owner")
# a reference's email and name, the contact's manager's and successor's, the account it moved to
_LINKS = ("r.email", "r.name", "s.email", "s.name", "ma.name")
_JOINS = (
    " LEFT JOIN contact r ON r.id = c.reports_to_id LEFT JOIN contact s ON s.id = c.successor_id"
    " LEFT JOIN contact m ON m.id = c.moved_to_id LEFT JOIN account ma ON ma.id = m.account_id"
)


def contacts_for_export(source: Any, *, by_id: bool = False) -> Iterator[tuple[str, dict[str, Any]]]:
    """(account name, the contact's columns of EXPORTED and `reports_to`, `successor`, `moved_to`)
    for every contact, by account name then contact id (`by_id`: in the order they were recorded);
    the references as import reads them (the email, else the name; the account moved to),
    multi-valued fields as stored (canonical values joined with `;`), flags as booleans, the change
    date as a day."""
    reader = as_reader(source)
    columns = ", ".join([f"c.{column}" for column in EXPORTED] + list(_LINKS))
    order = "c.id" if by_id else f"{_text_order(reader, 'a.name_key')}, c.id"
    for account, *values in reader.rows(
        f"SELECT a.name, {columns} FROM contact c JOIN account a ON a.id = c.account_id{_JOINS} ORDER BY {order}"
    ):
        contact = dict(zip(EXPORTED, values, strict=False))
        manager_email, manager, successor_email, successor, moved_to = values[len(EXPORTED) :]
        contact["reports_to"] = (manager_email or manager) if contact["reports_to_id"] else None
        contact["successor"] = (successor_email or successor) if contact["successor_id"] else None
        contact["moved_to"] = moved_to
        for flag in _FLAGS:
            contact[flag] = _flag(contact[flag])
        # a damaged change date is named, as every command that reads it names it
        contact["change_date"] = _contact_day(contact["id"], contact["name"], contact["change_date"])
        yield account, contact


def contact_ref(email: str | None, name: str, account: str, namesakes: int) -> str:
    """How the folder names a contact: see the module's text."""
    if email:
        return email
    return name if namesakes <= 1 else f"{name} ({account})"


def _ref_columns(c: str, a: str) -> str:
    return f"{c}.email, {c}.name, {a}.name, (SELECT count(*) FROM contact n WHERE n.name_key = {c}.name_key)"


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
        yield {"contact": contact_ref(*row[:4]), "other": contact_ref(*row[4:8]), "kind": row[8]}


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
    for item, account, on, kind, summary in reader.rows(
        'SELECT i.id, a.name, i."on", i.kind, i.summary FROM interaction i JOIN account a ON a.id = i.account_id'
        " ORDER BY i.id"
    ):
        yield {"account": account, "date": _day(on), "kind": kind, "contacts": people.get(item), "summary": summary}


def handovers_for_folder(source: Any, fields: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Each step of every contact's plan `kam handover` shows (the open one, else the last), by
    contact then step: the contact, the step and each of `fields` (the step's columns of those
    names; dates as days)."""
    reader = as_reader(source)
    stored = [f for f in fields if f not in ("contact", "step")]
    for row in reader.rows(
        f"SELECT {_ref_columns('c', 'a')}, s.step{''.join(f', s.{f}' for f in stored)}"
        " FROM handover_step s JOIN handover h ON h.id = s.handover_id"
        " JOIN contact c ON c.id = h.contact_id JOIN account a ON a.id = c.account_id"
        " WHERE h.id = (SELECT p.id FROM handover p WHERE p.contact_id = h.contact_id"
        " ORDER BY CASE WHEN p.status = 'open' THEN 0 ELSE 1 END, p.id DESC LIMIT 1)"
        " ORDER BY c.id, s.position"
    ):
        step = dict(zip(stored, row[5:], strict=True))
        for day in ("deadline", "done_on"):
            if day in step:
                step[day] = _day(step[day])
        yield {"contact": contact_ref(*row[:4]), "step": row[4], **step}
