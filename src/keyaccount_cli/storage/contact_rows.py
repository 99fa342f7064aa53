"""What the contacts import hands to storage, and what it keeps for the whole file.

A row of the file is a `Row` (its contact fields a `Fields`); a contact read back for matching is
a `Stored`. The bookkeeping of one pass (`ImportState`): its problems, counters, and a line per
contact touched, kept small enough for a million contacts.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from ..errors import SHOWN, Problem, ProblemList, place
from .statements import Sql

# Fields stored on the contact row as they are (after parsing); references are resolved apart.
SCALAR_FIELDS = (
    "name", "email", "phone", "title", "department", "roles", "decision_power", "attitude",
    "concerns", "can_sign", "project_owner", "status", "change_risk", "change_date",
    "change_kind", "notes", "our_contacts",
)  # fmt: skip
REFERENCES = {"reports_to": "reports_to_id", "successor": "successor_id"}
# A cell of exactly `-` clears its field: its value, on the way to storage (a NUL is never in a cell).
CLEAR = "\x00-"
# what a cleared field becomes (status goes back to active)
CLEARED_VALUE = {"status": "active"}


def given(value: Any) -> Any:
    """A row's value as it reads, a cleared one as None."""
    return None if value == CLEAR else value


class Fields(NamedTuple):
    """A contact's stored fields (`SCALAR_FIELDS`, in that order) as the driver stores them;
    None where a cell is empty; in a row, `CLEAR` where it is `-`."""

    name: Any
    email: Any
    phone: Any
    title: Any
    department: Any
    roles: Any
    decision_power: Any
    attitude: Any
    concerns: Any
    can_sign: Any
    project_owner: Any
    status: Any
    change_risk: Any
    change_date: Any
    change_kind: Any
    notes: Any
    our_contacts: Any


assert Fields._fields == SCALAR_FIELDS


@dataclass(slots=True)
class Row:
    """One valid row of the file."""

    line: int
    account: str
    account_key: str
    name_key: str
    email: str | None
    values: Fields
    reports_to: str | None  # references as written
    successor: str | None
    account_id: int = 0
    target: int | None = None  # the matched contact's id; None for a new contact

    @property
    def name(self) -> str:
        return str(self.values.name)


class Stored(NamedTuple):
    """A contact in the database, as matching and updating read it."""

    id: int
    account_id: int
    name_key: str
    reports_to_id: int | None
    successor_id: int | None
    values: Fields

    @property
    def name(self) -> str:
        return str(self.values.name)

    @property
    def email(self) -> str | None:
        return self.values.email  # type: ignore[no-any-return]


STORED_COLUMNS = ("id", "account_id", "name_key", "reports_to_id", "successor_id", *SCALAR_FIELDS)


def stored(row: tuple[Any, ...]) -> Stored:
    """A `Stored` from a row of `STORED_COLUMNS`."""
    id_, account_id, key, reports_to_id, successor_id, *values = row
    return Stored(id_, account_id, key, reports_to_id, successor_id, Fields._make(values))


class EmailFilter:
    """The emails given so far, as a Bloom filter of one hash: an email it has not seen is certainly
    new; one it has seen may be a false alarm, which only costs a look in the database. With 64 bits
    an email (up to 2**26 bits, 8 MB), about one in seventy is."""

    def __init__(self, emails: int) -> None:
        size = 1 << (min(max(64 * emails, 1 << 16), 1 << 26) - 1).bit_length()  # a power of two
        self.mask = size - 1
        self.bits = bytearray(size >> 3)

    def add(self, email: str) -> None:
        h = hash(email) & self.mask
        self.bits[h >> 3] |= 1 << (h & 7)

    def __contains__(self, email: str) -> bool:
        h = hash(email) & self.mask
        return bool(self.bits[h >> 3] & (1 << (h & 7)))


class Lines:
    """Contact id → line of the row that matched or created it in this import (negative once
    the row updated the contact); a flat array, as an import may touch a million contacts."""

    def __init__(self) -> None:
        self.lines = array("i")

    def get(self, contact_id: int) -> int:
        return self.lines[contact_id] if contact_id < len(self.lines) else 0

    def set(self, contact_id: int, line: int) -> None:
        self.reserve(contact_id)
        self.lines[contact_id] = line

    def reserve(self, top: int) -> array[int]:
        """Room for ids up to `top`; the array, to be written straight into."""
        if top >= len(self.lines):
            self.lines.frombytes(bytes(4 * (max(top + 1, 2 * len(self.lines)) - len(self.lines))))
        return self.lines


class ImportState:
    """One pass of the import over the file, inside the caller's transaction: what it has found
    and done so far. `excluded`: lines a --skip-invalid pass set aside; `bad_lines` (with
    --skip-invalid): every line with a problem, to be skipped by the next pass."""

    def __init__(
        self, sql: Sql, *, display: str, source: str, now: datetime, excluded: set[int],
        bad_lines: set[int] | None = None,
    ) -> None:  # fmt: skip
        self.sql = sql
        self.display = display
        self.source = source
        self.now = now
        self.now_db = sql.value(now)
        self.excluded = excluded
        self.cols: dict[str, int] = {}  # field → column of the file, for problems
        self.headers: dict[str, str] = {}  # field → its header as the file writes it, for problems
        self.problems = ProblemList()  # the first ones kept, the rest counted
        self.bad_lines = bad_lines
        self.bad_rows: dict[tuple[str, str], int] = {}  # (account key, email or name key) → line, for messages
        self.bad_emails: dict[
            str, tuple[int, str, str, str]
        ] = {}  # invalid row's email → line, account, name keys, name
        self.accounts: dict[str, int] = {}  # account key → id
        self.created = self.updated = self.unchanged = self.accounts_created = 0
        self.plan_ids: list[int] = []
        self.touched = Lines()
        self.claimed: dict[str, Row] = {}  # the current chunk's accepted rows by email
        self.existing: dict[int, Stored] = {}  # the current chunk's matched contacts by id
        self.manager_set = array("q")  # contacts whose manager this import set: cycles are looked for from them
        self.settled = Lines()  # contacts whose reports-to cell (an email) was settled in its chunk, not staged
        # what was there before (`begin`): everything above these ids is this import's own
        self.contacts_before = self.accounts_before = 0
        self.top = self.account_top = 0
        self.given: EmailFilter | None = None  # into an empty database: the emails given so far
        # references of rows not written (a cell did not parse), checked once the file is in:
        # (line, account, account key, name, email, field, text)
        self.unwritten: list[tuple[int, str, str, str, str | None, str, str]] = []
        self.cleared = 0  # fields a `-` cell cleared
        # with a dry run (or --format json): what the import changes, (line, account, contact, field,
        # before, after, change), as `kam import --dry-run` lists it
        self.changes: list[tuple[Any, ...]] | None = None
        self.account_names: dict[int, str] = {}  # account id → its name, for `changes`
        self.warnings: list[str] = []  # the first `SHOWN` warnings about rows (possible duplicates)
        self.warning_count = 0

    @property
    def problem_count(self) -> int:
        return self.problems.count

    def problem(self, line: int, field_name: str | None, value: str | None, message: str) -> None:
        if self.bad_lines is not None:
            self.bad_lines.add(line)
        col = self.cols.get(field_name) if field_name else None
        if self.problems.wants(line, col):
            header = self.headers.get(field_name, field_name) if field_name else None
            self.problems.add(Problem(self.display, line, col, header, value, message))
        else:
            self.problems.tally()

    def warn(self, line: int, message: str) -> None:
        """A row that is written, with something the user should look at."""
        self.warning_count += 1
        if len(self.warnings) < SHOWN:
            self.warnings.append(f"{place(self.display, line)}: {message}")

    def bad_row(self, line: int, account_key: str, name_key: str, name: str, email: str | None) -> None:
        """Remember an invalid row, so that rows referring to it are told why they cannot."""
        self.bad_rows[(account_key, name_key)] = line
        if email:
            self.bad_rows[(account_key, email)] = line
            self.bad_emails.setdefault(email, (line, account_key, name_key, name))

    def bad_references(self, line: int, account: tuple[str, str], name: str, email: str | None,
                       references: tuple[str | None, str | None]) -> None:  # fmt: skip
        """Remember the reports-to and successor cells of a row that is not written, so that they
        are checked too (`unwritten_references`) and the row's problems told at once."""
        for f, raw in zip(REFERENCES, references, strict=True):
            if raw and self.problems.wants(line, self.cols.get(f)):
                self.unwritten.append((line, *account, name, email, f, raw))

    def maybe_stored(self, emails: Any) -> list[str]:
        """Of these emails, those a contact in the database may have: all of them, unless the
        import began on an empty database; then only those an earlier chunk may have given."""
        if self.given is None:
            return list(emails)
        return [e for e in emails if e in self.given]
