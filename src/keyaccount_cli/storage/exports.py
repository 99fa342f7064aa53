"""What `kam export contacts` reads: every contact with its account's name, in plain SQL through
the reader (`reader.as_reader`), as the text the export writes, one row at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .reader import _text_order, as_reader
from .reading import _contact_day

# how each exported field is read; any other field is the contact's column of that name
_FIELD_SQL = {
    "account": "a.name",
    # a reference is the other contact's email, or its name where it has none
    "reports_to": "COALESCE(NULLIF(r0.email, ''), r0.name)",
    "successor": "COALESCE(NULLIF(r1.email, ''), r1.name)",
    # flags as the import reads them
    "can_sign": "CASE WHEN c.can_sign IS NULL THEN NULL WHEN c.can_sign THEN 'yes' ELSE 'no' END",
    "project_owner": "CASE WHEN c.project_owner IS NULL THEN NULL WHEN c.project_owner THEN 'yes' ELSE 'no' END",
}
_JOINS = " LEFT JOIN contact r0 ON r0.id = c.reports_to_id LEFT JOIN contact r1 ON r1.id = c.successor_id"


def contacts_for_export(source: Any, fields: Sequence[str]) -> Iterator[list[Any]]:
    """Every contact as the values of `fields`, by account name then contact id, read as a stream:
    memory holds one batch of rows, not the book. Values are text as stored (multi-valued fields
    as canonical values joined with `;`), flags `yes`/`no`, the change date `YYYY-MM-DD`; an
    empty text is None."""
    reader = as_reader(source)
    selected = ", ".join(_FIELD_SQL.get(field, f"c.{field}") for field in fields)
    at = list(fields).index("change_date") if "change_date" in fields else None
    # accounts in name order, and each one's contacts by id: SQLite sorts one account at a time
    for row in reader.rows(
        f"SELECT c.id, c.name, {selected} FROM account a CROSS JOIN contact c{_JOINS}"
        f" WHERE c.account_id = a.id ORDER BY {_text_order(reader, 'a.name_key')}, c.id"
    ):
        values = [None if v == "" else v for v in row[2:]]
        if at is not None and values[at] is not None:
            # a damaged change date is named, as every command that reads it names it
            day = _contact_day(row[0], row[1], values[at])
            values[at] = day.isoformat() if day is not None else None
        yield values
