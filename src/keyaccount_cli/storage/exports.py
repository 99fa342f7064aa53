"""What `kam export contacts` reads: every contact with its account's name, in plain SQL through
the reader (`reader.as_reader`), as stored."""

from __future__ import annotations

from typing import Any

from .reader import _flag, _text_order, as_reader
from .reading import _contact_day

# the contact's columns the export writes (references as ids: the export names them)
EXPORTED = (
    "id", "name", "email", "phone", "title", "department", "roles", "decision_power", "attitude", "concerns",
    "can_sign", "project_owner", "reports_to_id", "status", "change_risk", "change_date", "change_kind",
    "successor_id", "notes",
)  # fmt: skip
_FLAGS = ("can_sign", "project_owner")


def contacts_for_export(source: Any) -> list[tuple[str, dict[str, Any]]]:
    """(account name, the contact's columns of EXPORTED) for every contact, by account name then
    contact id; multi-valued fields as stored (canonical values joined with `;`), flags as booleans,
    the change date as a day."""
    reader = as_reader(source)
    columns = ", ".join(f"c.{column}" for column in EXPORTED)
    out = []
    for account, *values in reader.rows(
        f"SELECT a.name, {columns} FROM contact c JOIN account a ON a.id = c.account_id"
        f" ORDER BY {_text_order(reader, 'a.name_key')}, c.id"
    ):
        contact = dict(zip(EXPORTED, values, strict=True))
        for flag in _FLAGS:
            contact[flag] = _flag(contact[flag])
        # a damaged change date is named, as every command that reads it names it
        contact["change_date"] = _contact_day(contact["id"], contact["name"], contact["change_date"])
        out.append((account, contact))
    return out
