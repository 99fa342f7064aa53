"""Stored values kam cannot read: a date that does not parse, a vocabulary value that is not in
the vocabulary (written into the database by another tool, or by hand).

A command that needs such a value stops with one line naming the table, row, column and value
(`UnreadableValue`) instead of an internal error; `kam set` and `kam import` overwrite it; `kam db
--check` lists them all (`scan`). The standard library only: the fast readers use it too.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from ..domain.vocab import MAX_NUMBER, STEPS, VOCABULARIES
from ..errors import KamError

DATE_PROBLEM = "not a date (YYYY-MM-DD)"
DATETIME_PROBLEM = "not a date and time (YYYY-MM-DD HH:MM:SS)"
NUMBER_PROBLEM = "not a finite number below 10^15 in magnitude"


# text columns that hold a canonical value (roles and concerns: several, joined with ";")
VOCABULARY_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    **{("contact", c): tuple(VOCABULARIES[c]) for c in
       ("roles", "decision_power", "attitude", "concerns", "status", "change_risk", "change_kind")},
    ("relation", "kind"): tuple(VOCABULARIES["relation_kind"]),
    ("account", "tier"): tuple(VOCABULARIES["tier"]),
    ("account", "renewal_intent"): tuple(VOCABULARIES["renewal_intent"]),
    ("account", "status"): tuple(VOCABULARIES["account_status"]),
    ("interaction", "kind"): tuple(VOCABULARIES["interaction_kind"]),
    ("handover", "status"): ("open", "closed"),
    ("handover_step", "step"): STEPS,
    ("handover_step", "status"): ("open", "done"),
}  # fmt: skip
MULTI_VALUED = frozenset({("contact", "roles"), ("contact", "concerns")})
# the option of `kam set` that overwrites a contact's column
SET_OPTIONS = {
    "change_date": "--change-date", "attitude": "--attitude", "decision_power": "--power", "status": "--status",
    "change_risk": "--risk", "change_kind": "--change-kind", "roles": "--role", "concerns": "--concern",
}  # fmt: skip
NAMED = ("account", "contact", "opportunity")  # tables whose rows have a name to show
KEYS = ("table", "row", "name", "column", "value", "problem")


class Rows(Protocol):  # `reading.Reader`, without importing it (reading imports this module)
    def rows(self, sql: str, params: Any = None) -> Iterable[Sequence[Any]]: ...


@dataclass(frozen=True)
class BadValue:
    """One stored value that cannot be read, and why."""

    table: str
    row: int
    column: str
    value: str
    problem: str
    name: str | None = None  # the contact's, account's or opportunity's name

    def record(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in KEYS}

    def __str__(self) -> str:
        who = f" ({self.name})" if self.name else ""
        return f"{self.table} #{self.row}{who}, column {self.column}: cannot read the stored value {self.value!r}: {self.problem}"


class UnreadableValue(KamError):
    """A command needs a stored value it cannot read."""

    def __init__(self, bad: BadValue, more: int = 0) -> None:
        self.bad = bad
        if bad.table == "contact" and bad.column in SET_OPTIONS:
            what = "YYYY-MM-DD" if bad.column == "change_date" else "VALUE"
            hint = f"kam set {bad.row} {SET_OPTIONS[bad.column]} {what} (or kam import) overwrites it"
        elif bad.table == "account" and bad.column in ("tier", "status", "renewal_date") and bad.name:
            what = "YYYY-MM-DD" if bad.column == "renewal_date" else "VALUE"
            option = "--" + bad.column.replace("_", "-")
            hint = (
                f"kam set-account {_shell_word(bad.name)} {option} {what} (or kam import --kind accounts) overwrites it"
            )
        else:
            hint = "kam db --check lists every such value"
        others = f"; {more} more such value{'s' if more != 1 else ''} (kam db --check lists them)" if more else ""
        super().__init__(f"{bad}; {hint}{others}")


def _shell_word(text: str) -> str:
    """`text` as one word of a command line: as written (a Chinese name too), quoted when a shell needs it."""
    plain = text.isprintable() and not any(ch.isspace() or ch in "'\"$`\\;&|<>()*?[]#~!{}" for ch in text)
    return text if plain else shlex.quote(text)


def unreadable(table: str, row: int, name: str | None, column: str, value: Any) -> UnreadableValue:
    """The error for a vocabulary value or a day that a reader found it cannot use."""
    if (table, column) in VOCABULARY_COLUMNS:
        problem = vocabulary_problem(table, column, value)
    else:
        problem = date_problem(value)
    return UnreadableValue(BadValue(table, row, column, str(value), problem or DATE_PROBLEM, name))


def number_problem(value: Any) -> str | None:
    """Why a stored number cannot be used (text, infinite, NaN, too large), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return NUMBER_PROBLEM
    magnitude = float(value) if isinstance(value, Decimal) else abs(value)
    return None if math.isfinite(magnitude) and abs(magnitude) < MAX_NUMBER else NUMBER_PROBLEM


def number(table: str, row: int, name: str | None, column: str, value: Any) -> Any:
    """A stored number as read (None stays None); the one-line error when it is not one kam can use."""
    if value is None or number_problem(value) is None:
        return value
    raise UnreadableValue(BadValue(table, row, column, str(value), NUMBER_PROBLEM, name))


def date_problem(value: Any) -> str | None:
    """Why a stored day cannot be read (as kam's readers and SQLAlchemy read it), or None."""
    try:
        date.fromisoformat(value)
        date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return DATE_PROBLEM
    return None


def datetime_problem(value: Any) -> str | None:
    """Why a stored time cannot be read, or None."""
    try:
        datetime.fromisoformat(value)
        date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return DATETIME_PROBLEM
    return None


def vocabulary_problem(table: str, column: str, value: Any) -> str | None:
    """Why a stored vocabulary value is not one, or None ("" counts as no value)."""
    known = VOCABULARY_COLUMNS[(table, column)]
    if (table, column) in MULTI_VALUED and isinstance(value, str):
        parts = [p for p in value.split(";") if p not in known]
        value = parts[0] if parts else None
    if value is None or value == "" or value in known:
        return None
    return f"{value!r} is not one of {', '.join(known)}"


def _dated_columns(reader: Rows) -> list[tuple[str, str, Callable[[Any], str | None]]]:
    """SQLite's date and time columns, by the types the schema declares: SQLite stores any value
    in any column (a server's typed columns hold only dates)."""
    out: list[tuple[str, str, Callable[[Any], str | None]]] = []
    tables = [t for (t,) in reader.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for table in tables:
        for _, column, kind, *_ in reader.rows(f'PRAGMA table_info("{table}")'):
            if kind.upper() in ("DATE", "DATETIME"):
                out.append((table, column, date_problem if kind.upper() == "DATE" else datetime_problem))
    return out


def _numeric_columns(reader: Rows) -> list[tuple[str, str]]:
    """SQLite's number columns (INTEGER, FLOAT, REAL …), by the types the schema declares, but for
    the row ids (an INTEGER PRIMARY KEY holds only whole numbers)."""
    out = []
    tables = [t for (t,) in reader.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for table in tables:
        for _, column, kind, _, _, pk in reader.rows(f'PRAGMA table_info("{table}")'):
            kind = kind.upper()
            if not pk and ("INT" in kind or any(k in kind for k in ("REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL"))):
                out.append((table, column))
    return out


def _bad_numbers(reader: Rows) -> list[BadValue]:
    """The stored values of SQLite's number columns that are not finite numbers below 10^15."""
    found = []
    for table, column in _numeric_columns(reader):
        sql = (f'SELECT rowid, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL AND'
               f' (typeof("{column}") NOT IN (\'integer\', \'real\') OR abs("{column}") >= 1e15) ORDER BY rowid')  # fmt: skip
        for row, value in list(reader.rows(sql)):
            found.append(BadValue(table, row, column, str(value), NUMBER_PROBLEM, _name(reader, table, row)))
    return found


def scan(reader: Rows, *, sqlite: bool) -> list[BadValue]:
    """Every stored value kam cannot read, by table, row and column. Each column's distinct values
    are checked once; only the rows of a bad one are read."""
    checks = _dated_columns(reader) if sqlite else []
    for table, column in VOCABULARY_COLUMNS:
        checks.append((table, column, lambda v, t=table, c=column: vocabulary_problem(t, c, v)))  # type: ignore[misc]
    key = "rowid" if sqlite else "id"
    found: list[BadValue] = []
    for table, column, check in checks:
        bad = {}
        for (value,) in reader.rows(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'):
            if (problem := check(value)) is not None:
                bad[value] = problem
        for value, problem in bad.items():
            for (row,) in reader.rows(
                f'SELECT {key} FROM "{table}" WHERE "{column}" = :v ORDER BY {key}', {"v": value}
            ):
                found.append(BadValue(table, row, column, str(value), problem, _name(reader, table, row)))
    if sqlite:
        found += _bad_numbers(reader)
    return sorted(found, key=lambda b: (b.table, b.row, b.column))


def _name(reader: Rows, table: str, row: int) -> str | None:
    if table not in NAMED:
        return None
    for (name,) in reader.rows(f'SELECT name FROM "{table}" WHERE id = :id', {"id": row}):
        return str(name)
    return None


def integrity_problems(reader: Rows) -> list[str]:
    """What SQLite's own check of the file finds (its structure: pages, indexes); [] when all is well."""
    lines = [str(line) for (line,) in reader.rows("PRAGMA integrity_check")]
    return [] if lines == ["ok"] else lines


def first_unreadable(reader: Rows, *, sqlite: bool) -> UnreadableValue | None:
    """The error for the first stored value that cannot be read, or None when there is none."""
    found = scan(reader, sqlite=sqlite)
    return UnreadableValue(found[0], len(found) - 1) if found else None
