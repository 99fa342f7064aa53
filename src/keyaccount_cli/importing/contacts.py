"""Contacts CSV → validated rows → one-transaction upsert with history (SPEC §3).

The file is streamed in chunks, so memory stays flat however long it is:

1. each chunk is parsed column by column (every cell to its canonical value),
   matched to existing contacts (by email, else by account + name) and written
   with bulk statements: new accounts, new contacts, changed fields, history
   rows. A reference (`reports_to`, `successor`) by email to a contact already
   known is settled there (on SQLite, where the import picks the new ids); the
   others go to a staging table;
2. once the whole file is in, the staged references are resolved in SQL (so a
   row may point further down the file), checked (nobody, several people,
   another account, oneself, cycles) and applied, with their history.

All of it is one transaction: any problem and nothing is written.
"""

from __future__ import annotations

import os
import re
import sqlite3
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import compress, islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..domain.keys import email_key, name_key
from ..domain.succession import DEFAULT_DEADLINES, needs_plan
from ..domain.vocab import VocabError, Vocabulary, history_text, join_multi, parse_bool, parse_date
from ..errors import SHOWN, InputError, KamError, Problem, ProblemList
from ..storage.bulkload import pause_cyclic_gc
from ..storage.location import busy_timeout
from ..storage.migrations import NAME_INDEX, REFERENCE_INDEXES
from ..storage.plans import sync_plans
from ..storage.statements import Sql
from .columns import CONTACT_COLUMNS
from .csvfile import SourceInfo, map_header, read_records, unquote_formula

EXPORT_HEADER = list(CONTACT_COLUMNS)

# Fields stored on the contact row as they are (after parsing); references are resolved apart.
SCALAR_FIELDS = (
    "name", "email", "phone", "title", "department", "roles", "decision_power", "attitude",
    "concerns", "can_sign", "project_owner", "status", "change_risk", "change_date",
    "change_kind", "notes",
)  # fmt: skip
REFERENCES = {"reports_to": "reports_to_id", "successor": "successor_id"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_SINGLE = ("decision_power", "attitude", "status", "change_risk", "change_kind")
_MULTI = ("roles", "concerns")
CHUNK = 5000
CYCLE_NAMES = 20  # members a reports-to cycle's message names


def parse_cell(field_name: str, raw: str, vocab: Vocabulary) -> Any:
    """The canonical value of one non-empty cell; raises VocabError with the reason."""
    if field_name in _SINGLE:
        return vocab.one(field_name, raw)
    if field_name in _MULTI:
        return join_multi(vocab.many(field_name, raw))
    if field_name in ("can_sign", "project_owner"):
        return parse_bool(raw)
    if field_name == "change_date":
        return parse_date(raw)
    if field_name == "email":
        value = email_key(raw)
        if not _EMAIL.match(value):
            raise VocabError(f"not an email address {raw!r}")
        return value
    if field_name in ("name", "account"):
        return " ".join(raw.split())
    return raw


@dataclass(slots=True)
class Row:
    line: int
    account: str
    account_key: str
    name_key: str
    email: str | None
    values: tuple[Any, ...]  # SCALAR_FIELDS as stored; None where the cell is empty
    reports_to: str | None  # references as written
    successor: str | None
    account_id: int = 0
    target: int | None = None  # the matched contact's id; None for a new contact

    @property
    def name(self) -> str:
        return str(self.values[0])


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    accounts_created: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    plans_opened: int = 0


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _Bad:
    """A cell that does not parse, and why."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class _Parsed(dict[str, Any]):
    """Cell text → stored value. A column's words repeat, so each distinct text is parsed
    once and every other cell is one dictionary lookup."""

    LIMIT = 20_000  # distinct texts kept per column: free text must not fill the memory

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__({"": None})
        self.parse = parse
        self.bad = 0  # texts that did not parse (never kept, so each one is counted)

    def __missing__(self, raw: str) -> Any:
        try:
            value = self.parse(raw)
        except VocabError as exc:
            self.bad += 1
            return _Bad(str(exc))
        if len(self) >= self.LIMIT:  # start again: the texts seen lately are the likely ones
            self.clear()
            self[""] = None
        self[raw] = value
        return value


# a non-empty cell, between NULs, that is not an email address
_NOT_EMAIL = re.compile(r"(?:^|\x00)(?![^@\s\x00]+@[^@\s\x00]+(?:\x00|$))[^\x00]")
_first, _second = itemgetter(0), itemgetter(1)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _account(raw: str) -> tuple[str, str]:
    account = _squash(raw)
    return account, name_key(account)


# a chunk's valid rows, field by field of `Row` (up to `account_id`): plain lists, cheap to pickle
Chunk = tuple[list[Any], ...]

_CACHED = (*_SINGLE, *_MULTI, "can_sign", "project_owner", "change_date")


class _Columns:
    """Turns a chunk of CSV records into rows, column by column: the common work is a `map` of a
    string method or a dictionary lookup over the whole column, which runs in C."""

    def __init__(self, fields: Sequence[str | None], vocab: Vocabulary, sql: Sql) -> None:
        self.width = len(fields)
        self.fields = [(i, f) for i, f in enumerate(fields) if f is not None]
        self.last_is_notes = fields[-1] == "notes"
        self.cached = {f: _Parsed(lambda raw, f=f: sql.value(parse_cell(f, raw, vocab))) for f in _CACHED}
        self.accounts = _Parsed(_account)

    def parse(self, imp: Any, records: list[tuple[int, list[str]]], delimiter: str, warnings: list[str]) -> Chunk:
        """The chunk's valid rows, as the columns of `Row`'s fields; every problem goes to `imp`."""
        if not records:
            return ([],) * 8
        width = self.width
        lines = [line for line, _ in records]
        table = [cells for _, cells in records]
        bad = bytearray(len(table))  # rows with a problem
        if set(map(len, table)) != {width}:
            for k, cells in enumerate(table):
                if len(cells) < width:
                    table[k] = cells + [""] * (width - len(cells))
                elif len(cells) > width:
                    extra = [c for c in cells[width:] if c.strip()]
                    if not extra:
                        table[k] = cells[:width]
                    elif self.last_is_notes:
                        # an unquoted delimiter inside the last, free-text column: keep the text whole
                        warnings.append(f"{imp.display}, line {lines[k]}: {len(cells)} cells for {width} columns; "
                                        f"the cells after column {width - 1} were kept together as the note")  # fmt: skip
                        table[k] = [*cells[: width - 1], delimiter.join(cells[width - 1 :])]
                    else:
                        imp.problem(lines[k], None, extra[0], f"this row has {len(cells)} cells but the header has "
                                    f"{width} columns (a value with an unquoted delimiter?)")  # fmt: skip
                        table[k] = [""] * width
                        bad[k] = 2  # no more problems reported for this row
        columns = list(zip(*table, strict=True))  # every record has `width` cells by now
        del table
        values: dict[str, list[Any]] = {}
        for i, f in self.fields:
            texts: Sequence[str] = columns[i]
            joined = "\x00".join(texts)  # read_records refuses NUL, so it cannot be part of a cell
            if joined[:1] == "'" or "\x00'" in joined:
                texts = [unquote_formula(t) for t in texts]
            texts = list(map(str.strip, texts))
            values[f] = self._column(imp, f, texts, lines, bad)
        n = len(lines)
        accounts = values.get("account") or [None] * n  # (name, key) of each row's account
        names = values.get("name") or [""] * n
        if None in accounts:
            for k, a in enumerate(accounts):
                if a is None and bad[k] != 2:
                    imp.problem(lines[k], "account", None, "account is required")
                    bad[k] = 1
        if "" in names:
            for k, name in enumerate(names):
                if not name and bad[k] != 2:
                    imp.problem(lines[k], "name", None, "name is required")
                    bad[k] = 1
        name_keys = list(map(str.casefold, names))
        nothing = [None] * n
        scalars = list(zip(*(values.get(f, nothing) for f in SCALAR_FIELDS), strict=True))
        emails, reports, successors = (values.get(f, nothing) for f in ("email", "reports_to", "successor"))
        if any(bad):
            for k in (k for k, b in enumerate(bad) if b):
                account, vals = accounts[k], scalars[k]
                if account is not None and vals[0]:
                    imp.bad_row(lines[k], account[1], name_keys[k], vals[0], vals[1])
            good = [not b for b in bad]
            lines, accounts, name_keys, emails, scalars, reports, successors = (
                list(compress(column, good)) for column in (lines, accounts, name_keys, emails, scalars, reports, successors))  # fmt: skip
        return (lines, list(map(_first, accounts)), list(map(_second, accounts)), name_keys, emails, scalars, reports,
                successors)  # fmt: skip

    def _column(self, imp: _Import, f: str, texts: list[str], lines: list[int], bad: bytearray) -> list[Any]:
        """One column's values (None for an empty cell or one with a problem). Checks run over the
        column's cells joined by NUL, at once; only a column that fails one is gone through cell by cell."""
        if f == "email":
            values = list(map(str.lower, texts))
            joined = "\x00".join(values)
            if "\n" in joined or _NOT_EMAIL.search(joined):  # then one by one: which, and why
                for k, value in enumerate(values):
                    if value and not _EMAIL.match(value):
                        imp.problem(lines[k], f, texts[k], f"not an email address {texts[k]!r}")
                        bad[k] = 1
                        values[k] = ""
            return [v or None for v in values]
        if f == "name":
            joined = "\x00".join(texts)
            return list(map(_squash, texts)) if " ".join(joined.split()) != joined else texts
        cache = self.accounts if f == "account" else self.cached.get(f)
        if cache is None:  # free text and references: as written
            return [t or None for t in texts]
        before = cache.bad
        values = list(map(cache.__getitem__, texts))
        if cache.bad != before:
            for k, value in enumerate(values):
                if isinstance(value, _Bad):
                    imp.problem(lines[k], f, texts[k], value.message)
                    bad[k] = 1
                    values[k] = None
        return values


class _EmailFilter:
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


class _Lines:
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


# the columns `_match` reads of an existing contact; its scalar fields start at OLD
_EXISTING = ("id", "account_id", "name_key", "email", "reports_to_id", "successor_id", *SCALAR_FIELDS)
_OLD = 6
_STATUS = SCALAR_FIELDS.index("status")
_CHANGE_RISK = SCALAR_FIELDS.index("change_risk")
_CHANGE_DATE = SCALAR_FIELDS.index("change_date")


class _Import:
    """One pass of the import over the file, inside the caller's transaction."""

    def __init__(
        self, conn: Any, *, display: str, source: str, now: datetime, excluded: set[int], expected_rows: int = 0,
        bad_lines: set[int] | None = None,
    ) -> None:
        self.sql = Sql(conn)
        self.expected_rows = expected_rows
        self.display = display
        self.source = source
        self.now = now
        self.excluded = excluded
        self.cols: dict[str, int] = {}
        self.problems = ProblemList()  # the first ones kept, the rest counted
        self.bad_lines = bad_lines  # with --skip-invalid: every line with a problem, to be skipped
        self.bad_rows: dict[tuple[str, str], int] = {}  # (account key, email or name key) → line, for messages
        self.bad_emails: dict[
            str, tuple[int, str, str, str]
        ] = {}  # invalid row's email → line, account, name keys, name
        self.accounts: dict[str, int] = {}
        self.created = self.updated = self.unchanged = self.accounts_created = 0
        self.plan_ids: list[int] = []
        self.now_db = self.sql.value(now)
        self.touched = _Lines()
        self.claimed: dict[str, Row] = {}  # the current chunk's accepted rows by email
        self.manager_set = array("q")  # contacts whose manager this import set: cycles are looked for from them
        self.settled = _Lines()  # contacts whose reports-to cell (an email) was settled in its chunk, not staged

    # --- problems -----------------------------------------------------------

    @property
    def problem_count(self) -> int:
        return self.problems.count

    def problem(self, line: int, field_name: str | None, value: str | None, message: str) -> None:
        if self.bad_lines is not None:
            self.bad_lines.add(line)
        col = self.cols.get(field_name) if field_name else None
        if self.problems.wants(line, col):
            self.problems.add(Problem(self.display, line, col, field_name, value, message))
        else:
            self.problems.tally()

    def bad_row(self, line: int, account_key: str, name_key: str, name: str, email: str | None) -> None:
        """Remember an invalid row, so that rows referring to it are told why they cannot."""
        self.bad_rows[(account_key, name_key)] = line
        if email:
            self.bad_rows[(account_key, email)] = line
            self.bad_emails.setdefault(email, (line, account_key, name_key, name))

    # --- pass 1 -------------------------------------------------------------

    def begin(self) -> None:
        sql = self.sql
        sql.run(
            "CREATE TEMP TABLE IF NOT EXISTS kam_ref (contact_id INTEGER, field TEXT, account_id INTEGER,"
            " raw TEXT, ref_key TEXT, by_email INTEGER, target_id INTEGER, matches INTEGER)"
        )
        sql.run("DELETE FROM kam_ref")
        sql.run("CREATE TEMP TABLE IF NOT EXISTS kam_wanted (account_id INTEGER, name_key TEXT)")
        # what was there before: everything above these ids is this import's own
        self.contacts_before = sql.scalar("SELECT coalesce(max(id), 0) FROM contact")
        self.accounts_before = sql.scalar("SELECT coalesce(max(id), 0) FROM account")
        self.top = self.contacts_before
        self.account_top = self.accounts_before
        # into an empty database, the only contacts are this import's: it knows (almost) which
        # emails they have, and the database need not be asked about every row's
        self.given = _EmailFilter(self.expected_rows) if not self.contacts_before else None
        # Into an empty SQLite database the indexes of who-reports-to-whom (and `kam check`'s of the
        # contacts with a change ahead and of the accounts' counts) are built at the end, in one sorted pass: row by row they
        # cost a third of a million-row import, and the import itself never reads them. (Other
        # connections read the last committed state, indexes and all.)
        self.deferred: list[tuple[str, str]] = []
        if sql.qmark and not self.contacts_before:
            self.deferred = sql.all("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (?, ?, ?, ?, ?, ?)",
                                    (*REFERENCE_INDEXES, "ix_contact_watched", "ix_contact_counts", NAME_INDEX))  # fmt: skip
            for name, _ in self.deferred:
                sql.run(f"DROP INDEX {name}")

    def add_chunk(self, rows: list[Row]) -> None:
        self._accounts(rows)
        matched = self._match(rows)
        self._write(matched)

    def _accounts(self, rows: list[Row]) -> None:
        missing = {r.account_key: r.account for r in rows if r.account_key not in self.accounts}
        if missing and self.accounts_before:  # those this import created are all in self.accounts
            for id_, key in self.sql.in_list("SELECT id, name_key FROM account WHERE name_key IN (?)", list(missing)):
                self.accounts[key] = id_
                del missing[key]
        if missing:
            new = list(missing.items())
            if self.sql.qmark:  # ids chosen here, as for contacts (see `_insert`)
                ids = range(self.account_top + 1, self.account_top + 1 + len(new))
                self.sql.many("INSERT INTO account (id, name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                              [(i, n, k, self.now_db, self.now_db) for i, (k, n) in zip(ids, new, strict=True)])  # fmt: skip
                self.accounts.update(zip(missing, ids, strict=True))
                self.account_top = ids[-1]
            else:
                self.sql.many("INSERT INTO account (name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?)",
                              [(n, k, self.now_db, self.now_db) for k, n in new])  # fmt: skip
                for id_, key in self.sql.in_list("SELECT id, name_key FROM account WHERE name_key IN (?)", list(missing)):
                    self.accounts[key] = id_
            self.accounts_created += len(new)
        accounts = self.accounts
        for r in rows:
            r.account_id = accounts[r.account_key]

    def _match(self, rows: list[Row]) -> list[Row]:
        """Decide which contact each row is; rows with a problem are dropped."""
        sql = self.sql
        cols = ", ".join(_EXISTING)
        by_email: dict[str, Any] = {}
        emails = self._maybe_stored(r.email for r in rows if r.email)
        for c in sql.in_list(f"SELECT {cols} FROM contact WHERE email IN (?)", emails):
            by_email[c[3]] = c
        # A row with an email that no contact has is a new contact, unless its account had a
        # contact of that name before this import (one without an email: it is given this one).
        # At an account this import created, that cannot be.
        wanted = {(r.account_id, r.name_key) for r in rows
                  if not (r.email and (r.email in by_email or r.account_id > self.accounts_before))}  # fmt: skip
        by_name: dict[tuple[int, str], list[Any]] = defaultdict(list)
        if wanted:
            sql.run("DELETE FROM kam_wanted")
            sql.many("INSERT INTO kam_wanted (account_id, name_key) VALUES (?, ?)", list(wanted))
            joined = ", ".join(f"c.{c}" for c in _EXISTING)
            for c in sql.stream(f"SELECT {joined} FROM kam_wanted w JOIN contact c"
                             " ON c.account_id = w.account_id AND c.name_key = w.name_key"):  # fmt: skip
                by_name[(c[1], c[2])].append(c)
        self.existing: dict[int, Any] = {c[0]: c for c in by_email.values()}
        touched = self.touched
        # emails given by earlier accepted rows of this chunk, new or matched
        claimed: dict[str, Row] = {}
        self.claimed = claimed
        new_by_name: dict[tuple[int, str], Row] = {}
        out: list[Row] = []
        bad_emails = self.bad_emails
        for r in rows:
            key = (r.account_id, r.name_key)
            email = r.email
            if email and email not in by_email and email not in claimed and email not in bad_emails and key not in by_name:
                new_by_name[key] = r  # the common case: a new contact, nobody to match or clash with
                claimed[email] = r
                out.append(r)
                continue
            before = self.problem_count
            if email and (c := by_email.get(email)) is not None:
                name = c[_OLD]
                if c[1] != r.account_id:
                    self.problem(r.line, "email", email, f"{email} belongs to {name} at another account")
                elif first := touched.get(c[0]):
                    self.problem(r.line, "email", email, f"the same contact as line {abs(first)}" if c[2] == r.name_key
                                 else f"duplicate email: line {abs(first)} gives it to {name}")  # fmt: skip
                else:
                    r.target = c[0]
            elif (
                email
                and email in self.bad_emails
                and ((bad := self.bad_emails[email])[1:3] != (r.account_key, r.name_key))
            ):  # the same email on an invalid row for someone else: which one is right is for the user to say
                self.problem(r.line, "email", email, f"duplicate email: line {bad[0]} gives it to {bad[3]}")
            elif email and email in claimed:
                first_row = claimed[email]
                same = (first_row.account_key, first_row.name_key) == (r.account_key, r.name_key)
                self.problem(r.line, "email", email, f"the same contact as line {first_row.line}" if same
                             else f"duplicate email: line {first_row.line} gives it to {first_row.name}")  # fmt: skip
            else:
                candidates = by_name.get(key, ())
                taken = [c for c in candidates if touched.get(c[0])]
                # a namesake with another email is another person (README: Upsert)
                free = [c for c in candidates if not touched.get(c[0]) and not (email and c[3])]
                if not email and (taken or key in new_by_name):
                    first = abs(touched.get(taken[0][0])) if taken else new_by_name[key].line
                    self.problem(r.line, "name", r.name, f"the same contact as line {first}")
                elif len(free) > 1:
                    self.problem(r.line, "name", r.name, f"{len(free)} contacts at {r.account} are called "
                                 f"{r.name!r}; add their email to say which")  # fmt: skip
                elif free:
                    r.target = free[0][0]
                    self.existing[free[0][0]] = free[0]
            if self.problem_count > before:
                self.bad_row(r.line, r.account_key, r.name_key, r.name, email)
                continue
            if r.target is None:
                new_by_name[key] = r
            else:
                touched.set(r.target, r.line)
            if email:
                claimed[email] = r
            out.append(r)
        if self.given is not None:
            for email in claimed:
                self.given.add(email)
        return out

    def _maybe_stored(self, emails: Iterable[str]) -> list[str]:
        """Of these emails, those a contact in the database may have: all of them, unless the
        import began on an empty database; then only those an earlier chunk may have given."""
        if self.given is None:
            return list(emails)
        return [e for e in emails if e in self.given]

    def _write(self, rows: list[Row]) -> None:
        fresh = [r for r in rows if r.target is None]
        self._update([r for r in rows if r.target is not None])
        known: dict[int, list[int | None]] = {}
        if self.sql.qmark:
            # SQLite: the new contacts' ids are chosen here, above the largest, so that references by
            # email to a contact already known are settled now (see `_known_references`)
            for r, id_ in zip(fresh, range(self.top + 1, self.top + 1 + len(fresh)), strict=True):
                r.target = id_
            known = self._known_references(rows)
        if fresh:
            self._insert(fresh, known)
        stage = []
        for r in rows:
            if r.reports_to:
                stage.append(self._ref(r, "reports_to", r.reports_to))
            if r.successor:
                stage.append(self._ref(r, "successor", r.successor))
        # resolved once the whole file is in: a row may name someone further down
        self.sql.many("INSERT INTO kam_ref (contact_id, field, account_id, raw, ref_key, by_email) "
                      "VALUES (?, ?, ?, ?, ?, ?)", stage)  # fmt: skip

    def _insert(self, fresh: list[Row], known: dict[int, list[int | None]]) -> None:
        sql, now, touched = self.sql, self.now_db, self.touched
        columns = ("account_id", "name_key", "created_at", "updated_at", *SCALAR_FIELDS)
        if sql.qmark:  # the ids are the import's (see `_write`); a row may name one further down the chunk
            nothing = (None, None)
            params = [(r.target, *known.get(r.target, nothing), r.account_id, r.name_key, *r.values)  # type: ignore[arg-type]
                      for r in fresh]  # fmt: skip
            # the time (kam's own text) is written into the statement, and an empty status is `active`
            values = ["?"] * (5 + len(SCALAR_FIELDS))
            values[5 + _STATUS] = "coalesce(?, 'active')"
            values[5:5] = [f"'{now}'", f"'{now}'"]
            sql.many(f"INSERT INTO contact ({', '.join(('id', 'reports_to_id', 'successor_id', *columns))})"
                     f" VALUES ({', '.join(values)})", params)  # fmt: skip
            top = fresh[-1].target
        else:
            for r in fresh:
                if r.values[_STATUS] is None:
                    r.values = (*r.values[:_STATUS], "active", *r.values[_STATUS + 1 :])
            params = [(r.account_id, r.name_key, now, now, *r.values) for r in fresh]
            sql.many(f"INSERT INTO contact ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", params)
            found = {email or (account_id, key): id_ for id_, account_id, key, email in sql.run(
                "SELECT id, account_id, name_key, email FROM contact WHERE id > ?", (self.top,))}  # fmt: skip
            for r in fresh:
                r.target = found[r.email or (r.account_id, r.name_key)]
            top = max(found.values())
        self.top = top  # type: ignore[assignment]
        lines = touched.reserve(top)  # type: ignore[arg-type]
        for r in fresh:
            lines[r.target] = r.line  # type: ignore[index]
        self.plan_ids += [r.target for r in fresh if needs_plan(r.values[_STATUS], r.values[_CHANGE_RISK],  # type: ignore[misc]
                                                                 r.values[_CHANGE_DATE])]  # fmt: skip
        self.created += len(fresh)

    def _known_references(self, rows: list[Row]) -> dict[int, list[int | None]]:
        """References by email to a contact at the row's account that is already known (in the
        database or in this chunk) are settled at once: a new contact's go into its INSERT (returned:
        contact id → [reports_to_id, successor_id]); a matched contact's that name whom it names
        already are dropped. The rest is staged and resolved once the whole file is in."""
        known = {email: (r.target, r.account_id) for email, r in self.claimed.items()}
        by_email = []  # (row, 0 for reports_to or 1 for successor, email)
        for r in rows:
            if r.reports_to and "@" in r.reports_to:
                by_email.append((r, 0, r.reports_to.lower()))
            if r.successor and "@" in r.successor:
                by_email.append((r, 1, r.successor.lower()))
        missing = self._maybe_stored({email for *_, email in by_email if email not in known})
        for email, id_, account_id in self.sql.in_list(
            "SELECT email, id, account_id FROM contact WHERE email IN (?)", missing
        ):
            known[email] = (id_, account_id)
        found: dict[int, list[int | None]] = {}
        existing = self.existing
        for r, k, email in by_email:
            target = known.get(email)
            if target is None or target[1] != r.account_id or target[0] == r.target:
                continue  # someone further down the file, or a problem the end reports
            c = existing.get(r.target)  # type: ignore[arg-type]
            if c is not None:  # a matched contact: only a reference that stays as it is is settled here
                if c[4 + k] != target[0]:
                    continue
            else:
                found.setdefault(r.target, [None, None])[k] = target[0]  # type: ignore[arg-type]
                if k == 0:
                    self.manager_set.append(r.target)  # type: ignore[arg-type]
            if k == 0:  # remembered, so that a cycle through this row's cell is reported on its line
                self.settled.set(r.target, 1)  # type: ignore[arg-type]
            if k == 0:
                r.reports_to = None
            else:
                r.successor = None
        return found

    def _update(self, rows: list[Row]) -> None:
        """Compare matched rows with their contacts; write and record what changed."""
        sql, now = self.sql, self.now_db
        history: list[tuple[Any, ...]] = []
        grouped: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for r in rows:
            c = self.existing[r.target]  # type: ignore[index]
            old, new = c[_OLD:], r.values
            if new == old:
                self.unchanged += 1
                continue
            changed = [k for k, v in enumerate(new) if v is not None and v != old[k]]
            if changed and changed[0] == 0 and r.name_key == c[2]:
                del changed[0]  # the same name in other capitals or spacing is not a rename
            if not changed:
                self.unchanged += 1
                continue
            for k in changed:
                f = SCALAR_FIELDS[k]
                history.append(("contact", c[0], c[1], f, _stored(sql, f, old[k]), sql.python(f, new[k])))
            cols = tuple(SCALAR_FIELDS[k] for k in changed)
            values = [new[k] for k in changed]
            if changed[0] == 0:
                cols, values = (*cols, "name_key"), [*values, r.name_key]
            grouped[cols].append((*values, now, c[0]))
            self.updated += 1
            self.touched.set(c[0], -r.line)
            merged = [old[k] if new[k] is None else new[k] for k in (_STATUS, _CHANGE_RISK, _CHANGE_DATE)]
            if needs_plan(*merged):
                self.plan_ids.append(c[0])
        for cols, params in grouped.items():
            sql.update_contacts((*cols, "updated_at"), params)
        self._history(history)

    @staticmethod
    def _ref(r: Row, f: str, raw: str) -> tuple[Any, ...]:
        if "@" in raw:
            return (r.target, f, r.account_id, raw, email_key(raw), 1)
        return (r.target, f, r.account_id, raw, name_key(raw), 0)

    def _history(self, rows: list[tuple[Any, ...]]) -> None:
        at = self.sql.value(self.now)
        self.sql.many(
            'INSERT INTO "change" (at, entity, entity_id, account_id, field, old, new, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [(at, e, i, a, f, history_text(o), history_text(n), self.source) for e, i, a, f, o, n in rows],
        )

    # --- pass 2: references -------------------------------------------------

    def resolve(self) -> None:
        sql = self.sql
        sql.run(
            "UPDATE kam_ref SET target_id = (SELECT c.id FROM contact c WHERE c.email = kam_ref.ref_key"
            " AND c.account_id = kam_ref.account_id), matches = 1 WHERE by_email = 1"
        )
        sql.run(
            "UPDATE kam_ref SET target_id = (SELECT min(c.id) FROM contact c WHERE c.account_id = kam_ref.account_id"
            " AND c.name_key = kam_ref.ref_key), matches = (SELECT count(*) FROM contact c WHERE"
            " c.account_id = kam_ref.account_id AND c.name_key = kam_ref.ref_key) WHERE by_email = 0"
        )
        wrong = "s.target_id IS NULL OR s.matches > 1 OR s.target_id = s.contact_id"
        found = sql.all(f"SELECT s.contact_id, s.field, s.account_id, s.raw, s.ref_key, s.by_email, s.target_id,"
                        f" s.matches FROM kam_ref s WHERE {wrong}")  # fmt: skip
        for contact_id, f, account_id, raw, ref_key, by_email, target, matches in found:
            account = self._account_name(account_id)
            if target is None:
                elsewhere = None
                if by_email:
                    elsewhere = sql.scalar("SELECT a.name FROM contact c JOIN account a ON a.id = c.account_id "
                                        "WHERE c.email = ?", (ref_key,))  # fmt: skip
                bad = self.bad_rows.get((name_key(account), ref_key))
                if elsewhere is not None:
                    msg = f"{raw!r} is at another account ({elsewhere}); it must be a contact of {account}"
                elif bad is not None:
                    msg = f"{raw!r} is on line {bad}, which is invalid"
                else:
                    msg = f"{raw!r} names nobody at {account}"
            elif matches > 1:
                msg = f"{raw!r} names {matches} contacts at {account}; use the email"
            else:
                name = sql.scalar("SELECT name FROM contact WHERE id = ?", (contact_id,))
                msg = (
                    f"{name} cannot report to themselves"
                    if f == "reports_to"
                    else f"{name} cannot be their own successor"
                )
            self.problem(abs(self.touched.get(contact_id)), f, raw, msg)
        if found:
            sql.run(f"UPDATE kam_ref SET target_id = NULL WHERE {wrong.replace('s.', '')}")
        # even with problems, apply the good references (rolled back later) so that reports-to cycles
        # are found in the same run: every bad row is reported at once
        self._apply_references()

    def _account_name(self, account_id: int) -> str:
        return str(self.sql.scalar("SELECT name FROM account WHERE id = ?", (account_id,)))

    def _apply_references(self) -> None:
        """Set the resolved references that differ from the contacts' own, all in SQL; each change
        to a contact that was there before this import is recorded in history."""
        sql, touched = self.sql, self.touched
        at = sql.value(self.now)
        for f, col in REFERENCES.items():
            differs = f"s.field = '{f}' AND s.target_id IS NOT NULL AND {sql.distinct(f'c.{col}', 's.target_id')}"
            sql.run(
                'INSERT INTO "change" (at, entity, entity_id, account_id, field, old, new, source)'
                f" SELECT ?, 'contact', c.id, c.account_id, '{f}', o.name, t.name, ? FROM kam_ref s"
                f" JOIN contact c ON c.id = s.contact_id JOIN contact t ON t.id = s.target_id"
                f" LEFT JOIN contact o ON o.id = c.{col} WHERE {differs} AND c.id <= ? ORDER BY c.id",
                (at, self.source, self.contacts_before),
            )
            ids = array("q")
            for (cid,) in sql.stream(f"SELECT c.id FROM kam_ref s JOIN contact c ON c.id = s.contact_id WHERE {differs}"):
                ids.append(cid)
                # a row that changed nothing but this reference has updated its contact after all
                if cid <= self.contacts_before and (line := touched.get(cid)) > 0:
                    touched.set(cid, -line)
                    self.unchanged -= 1
                    self.updated += 1
            (self.plan_ids if f == "successor" else self.manager_set).extend(ids)
            if ids:
                sql.run(
                    f"UPDATE contact SET {col} = s.target_id, updated_at = ? FROM kam_ref s"
                    f" WHERE s.contact_id = contact.id AND s.field = '{f}' AND s.target_id IS NOT NULL"
                    f" AND {sql.distinct(f'contact.{col}', 's.target_id')}",
                    (self.now_db,),
                )
        self._cycles(self.manager_set)

    def _cycles(self, starts: Sequence[int]) -> None:
        """Reports-to cycles through a manager this file set; reported on the file's rows."""
        if not starts:
            return
        parent = array("q", bytes(8 * (self.top + 1)))
        sql = self.sql
        edges = "SELECT c.id, c.reports_to_id FROM contact c WHERE c.reports_to_id IS NOT NULL"
        if 4 * len(starts) < self.top:  # a few managers set: only their accounts' chains are walked
            sql.run("CREATE TEMP TABLE IF NOT EXISTS kam_start (id INTEGER PRIMARY KEY)")
            sql.run("DELETE FROM kam_start")
            sql.many("INSERT INTO kam_start (id) VALUES (?)", [(s,) for s in set(starts)])
            edges += " AND c.account_id IN (SELECT DISTINCT s.account_id FROM kam_start k JOIN contact s ON s.id = k.id)"
        for cid, boss in sql.stream(edges):
            parent[cid] = boss
        state = bytearray(self.top + 1)  # 0 unseen, 1 on the current path, 2 done
        for start in starts:
            path = []
            node = start
            while node and state[node] == 0:
                state[node] = 1
                path.append(node)
                node = parent[node]
            if node and state[node] == 1:
                self._report_cycle(path[path.index(node) :])
            for n in path:
                state[n] = 2

    def _report_cycle(self, cycle: list[int]) -> None:
        """A reports-to cycle as one problem, on the first of its rows in the file, naming its
        members from that row's (the first `CYCLE_NAMES`, then how many more); with --skip-invalid
        every row of it is skipped."""
        sql = self.sql
        # the cells that set these managers: staged ones as written, ones set on insert by email
        raws = dict(
            sql.in_list("SELECT contact_id, raw FROM kam_ref WHERE field = 'reports_to' AND contact_id IN (?)", cycle)
        )
        direct = [n for n in cycle if n not in raws and self.settled.get(n)]
        for cid, email in sql.in_list("SELECT c.id, t.email FROM contact c JOIN contact t ON t.id = c.reports_to_id"
                                      " WHERE c.id IN (?)", direct):  # fmt: skip
            raws[cid] = email  # the cell named the manager by this email (in any case)
        rows = sorted((abs(self.touched.get(cid)), cid) for cid in raws)
        if not rows:
            return
        line, first = rows[0]
        at = cycle.index(first)
        cycle = cycle[at:] + cycle[:at]
        named = cycle[:CYCLE_NAMES]
        names = dict(sql.in_list("SELECT id, name FROM contact WHERE id IN (?)", named))
        loop = " → ".join(names[n] for n in named)
        if len(cycle) > CYCLE_NAMES:
            message = (f"reports-to cycle of {len(cycle):,} contacts: {loop} and {len(cycle) - CYCLE_NAMES:,} more,"
                       f" back to {names[first]}")  # fmt: skip
        else:
            message = f"reports-to cycle: {loop} → {names[first]}"
        self.problem(line, "reports_to", raws[first], message)
        if self.bad_lines is not None:
            self.bad_lines.update(n for n, _ in rows)

    def skip_dependents(self) -> None:
        """With --skip-invalid, once the pass has found its problems: every row whose reports_to or
        successor names a contact that a skipped row creates is skipped too, and so on down, in one
        walk over who names whom (a chain of rows behind a bad one costs one walk, not a pass of
        the import per row); each is reported with the row it names."""
        assert self.bad_lines is not None
        before, touched, bad = self.contacts_before, self.touched, self.bad_lines
        named_by: dict[int, list[tuple[int, int]]] = defaultdict(list)  # contact → (who names it, field)
        for cid, target, k in self.sql.stream(
            "SELECT id, reports_to_id, 0 FROM contact WHERE reports_to_id > ?"
            " UNION ALL SELECT id, successor_id, 1 FROM contact WHERE successor_id > ?", (before, before)
        ):  # only the contacts this import creates are gone when their rows are skipped
            named_by[target].append((cid, k))
        todo = [t for t in named_by if abs(touched.get(t)) in bad]
        found: list[tuple[int, int, int, int]] = []  # (line, field, contact, line of the row it names)
        while todo:
            target = todo.pop()
            target_line = abs(touched.get(target))
            for cid, k in named_by.get(target, ()):
                line = abs(touched.get(cid))
                if line and line not in bad:
                    bad.add(line)
                    found.append((line, k, cid, target_line))
                    todo.append(cid)
        found.sort()
        raws = self._reference_cells([(cid, k) for _, k, cid, _ in found[:SHOWN]])
        for line, k, cid, target_line in found:
            f = ("reports_to", "successor")[k]
            self.problem(line, f, raws.get((cid, k)), f"{f} names a row that is skipped (line {target_line})")

    def _reference_cells(self, refs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
        """The cells (as written) of these references, (contact, 0 for reports_to or 1 for successor):
        staged ones from the staging table, ones settled on insert by the email of whom they name."""
        sql = self.sql
        cells = {(cid, int(f == "successor")): raw for cid, f, raw in sql.in_list(
            "SELECT contact_id, field, raw FROM kam_ref WHERE contact_id IN (?)", [cid for cid, _ in refs])}  # fmt: skip
        for col, k in (("reports_to_id", 0), ("successor_id", 1)):
            settled = [cid for cid, j in refs if j == k and (cid, k) not in cells]
            for cid, email in sql.in_list(f"SELECT c.id, t.email FROM contact c JOIN contact t ON t.id = c.{col}"
                                          " WHERE c.id IN (?)", settled):  # fmt: skip
                cells[(cid, k)] = email
        return cells

    def finish(self) -> None:
        """History of what this import created, one row per account and contact, written in SQL;
        the indexes `begin` left out."""
        sql = self.sql
        for _, create in self.deferred:
            sql.run(create)
        at = sql.value(self.now)
        for entity, table, account in (("account", "account", "id"), ("contact", "contact", "account_id")):
            before = self.accounts_before if table == "account" else self.contacts_before
            sql.run(
                'INSERT INTO "change" (at, entity, entity_id, account_id, field, old, new, source)'
                f" SELECT ?, '{entity}', id, {account}, '*', NULL, 'created', ? FROM {table} WHERE id > ? ORDER BY id",
                (at, self.source, before),
            )


def _stored(sql: Sql, field_name: str, value: Any) -> Any:
    """A stored value for the history; one that cannot be read (a damaged day) as it is stored,
    which the import overwrites."""
    try:
        return sql.python(field_name, value)
    except (TypeError, ValueError):
        return value


def read_rows(
    imp: _Import, path: Path, vocab: Vocabulary, *, encoding: str | None, ignore_unknown: bool,
    progress: Callable[[int, int], None] | None, warnings: list[str],
) -> Iterator[list[Row]]:  # fmt: skip
    """Parse the file into chunks of valid rows; problems go to `imp`.

    A large file is read and parsed in a worker process, a chunk ahead of this one's matching
    and writing: with a second core the two overlap. Small files, and systems without `fork`
    or a second core, are parsed here. Either way the rows, problems and warnings are the same."""
    args = {"encoding": encoding, "ignore_unknown": ignore_unknown, "progress": progress, "warnings": warnings}
    chunks = _from_worker(imp, path, vocab, **args) if _worth_a_worker(path) else _parse_chunks(imp, path, vocab, **args)
    for chunk in chunks:
        yield list(map(Row, *chunk))


def _parse_chunks(
    imp: Any, path: Path, vocab: Vocabulary, *, encoding: str | None, ignore_unknown: bool,
    progress: Callable[[int, int], None] | None, warnings: list[str],
) -> Iterator[Chunk]:  # fmt: skip
    """The file's chunks of valid rows, field by field; `imp` (the import, or a `_Recorder`) is
    told the header's columns and every problem."""
    display = imp.display
    info = SourceInfo()
    records = read_records(path, encoding=encoding, display=display, progress=progress, info=info)
    try:
        _, header_cells = next(records)
    except StopIteration:
        raise InputError([Problem(display, 1, None, None, None, "the file is empty")]) from None
    header = map_header(header_cells, CONTACT_COLUMNS, ("account", "name"), file=display, ignore_unknown=ignore_unknown)
    imp.cols = {f: i for i, f in enumerate(header.fields, start=1) if f is not None}
    columns = _Columns(header.fields, vocab, imp.sql)
    seen_data = False
    for chunk in _chunks(records, CHUNK):
        seen_data = True
        if imp.excluded:  # rows a --skip-invalid pass set aside
            chunk = [record for record in chunk if record[0] not in imp.excluded]
        yield columns.parse(imp, chunk, info.delimiter, warnings)
    if not seen_data:
        raise InputError([Problem(display, 2, None, None, None, "no data rows below the header")])


WORKER_MIN_BYTES = 2 << 20  # about 20,000 contacts: below this a worker is not worth starting


def _worth_a_worker(path: Path) -> bool:
    try:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        return hasattr(os, "fork") and cores > 1 and path.stat().st_size >= WORKER_MIN_BYTES
    except OSError:
        return False  # the parse here reports the unreadable file


class _Recorder:
    """The import as the worker's parse sees it: the problems it finds are kept, to be sent
    with the chunk and told to the import in the parent."""

    def __init__(self, imp: _Import) -> None:
        self.display, self.excluded, self.sql = imp.display, imp.excluded, imp.sql
        self.cols: dict[str, int] = {}
        self.events: list[tuple[Any, ...]] = []
        self.progress: tuple[int, int] | None = None

    def problem(self, line: int, field_name: str | None, value: str | None, message: str) -> None:
        self.events.append(("problem", line, field_name, value, message))

    def bad_row(self, line: int, account_key: str, name_key: str, name: str, email: str | None) -> None:
        self.events.append(("bad_row", line, account_key, name_key, name, email))

    def seen(self, records: int, read: int) -> None:
        self.progress = (records, read)


def _from_worker(
    imp: _Import, path: Path, vocab: Vocabulary, *, encoding: str | None, ignore_unknown: bool,
    progress: Callable[[int, int], None] | None, warnings: list[str],
) -> Iterator[Chunk]:  # fmt: skip
    """`_parse_chunks` run in a forked child, which sends each chunk (with its problems, warnings
    and progress) down a pipe as it is parsed; the pipe's buffer keeps it at most a chunk ahead.
    The child only reads the file: the database stays this process's alone."""
    import pickle
    import signal

    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to spare: the parse runs here
        os.close(read_end)
        os.close(write_end)
        yield from _parse_chunks(imp, path, vocab, encoding=encoding, ignore_unknown=ignore_unknown,
                                 progress=progress, warnings=warnings)  # fmt: skip
        return
    if pid == 0:  # the worker: never returns
        code = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                _work(out, _Recorder(imp), path, vocab, encoding=encoding, ignore_unknown=ignore_unknown,
                      progress=progress is not None)  # fmt: skip
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    finished = False
    try:
        with os.fdopen(read_end, "rb") as feed:
            while True:
                try:
                    kind, *message = pickle.load(feed)
                except (EOFError, pickle.UnpicklingError):  # it stopped, perhaps half-way through a chunk
                    raise KamError(f"reading {imp.display} failed: the worker process stopped") from None
                if kind == "chunk":
                    chunk, imp.cols, events, new_warnings, seen = message
                    for method, *event in events:
                        getattr(imp, method)(*event)
                    warnings += new_warnings
                    if progress is not None and seen is not None:
                        progress(*seen)
                    yield chunk
                    continue
                finished = True
                if kind == "input":
                    raise InputError(*message)
                if kind == "kam":
                    raise KamError(*message)
                if kind == "failure":
                    raise message[0]  # as the parse here would have raised it
                return
    finally:
        if not finished:  # this process stopped early: the worker is not needed
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _work(out: Any, recorder: _Recorder, path: Path, vocab: Vocabulary, *, encoding: str | None,
          ignore_unknown: bool, progress: bool) -> None:  # fmt: skip
    """The worker's part: parse, and send each chunk, then how the parse ended."""
    import pickle

    warnings: list[str] = []
    try:
        for chunk in _parse_chunks(recorder, path, vocab, encoding=encoding, ignore_unknown=ignore_unknown,
                                   progress=recorder.seen if progress else None, warnings=warnings):  # fmt: skip
            pickle.dump(("chunk", chunk, recorder.cols, recorder.events, warnings, recorder.progress), out, protocol=5)
            out.flush()
            recorder.events, warnings[:] = [], []
        message: tuple[Any, ...] = ("end",)
    except InputError as exc:
        message = ("input", exc.problems, exc.summary, exc.count)
    except KamError as exc:
        message = ("kam", str(exc))
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
            message = ("failure", exc)
        except Exception:
            message = ("failure", RuntimeError(f"{exc.__class__.__name__}: {exc}"))
    pickle.dump(message, out, protocol=5)


@contextmanager
def _transaction(db: Any, *, new_file: bool = False) -> Iterator[tuple[Any, Callable[[], None]]]:
    """The import's connection in a write transaction, committed at the end of the block, and a
    function that rolls it back at once (problems found, a dry run); an exception rolls it back.
    `db`: a `sqlite3` connection of the import's own (`sqlitefile`), or the full `Database`."""
    if isinstance(db, sqlite3.Connection):
        direct = new_file and _write_directly(db)
        try:
            with _own_reference_checks(db):
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db, lambda: _rollback(db)
                except BaseException:
                    _rollback(db)
                    raise
                if db.in_transaction:
                    db.execute("COMMIT")
        finally:
            if direct:
                db.execute("PRAGMA synchronous = NORMAL")
                _with_timeout(db, 0, "PRAGMA journal_mode = WAL")  # if a reader holds it, the next open sets WAL
        return
    with db.writer.connect() as conn, _own_reference_checks(Sql(conn).raw), conn.begin() as trans:
        yield conn, trans.rollback


def _write_directly(conn: sqlite3.Connection) -> bool:
    """Whether the import into a file it has just created writes the file directly, with a rollback
    journal, instead of through the write-ahead log: a million contacts then go to disk once, not
    twice (log, then checkpoint). Only when no other connection has the file open yet; WAL is back
    as soon as the import ends, and a command opened meanwhile waits its turn (`sqlite_pragmas`)."""
    if conn.execute("SELECT EXISTS (SELECT 1 FROM contact)").fetchone()[0]:
        return False
    if _with_timeout(conn, 0, "PRAGMA journal_mode = DELETE") != "delete":
        return False
    conn.execute("PRAGMA synchronous = FULL")  # the rollback journal's own safe setting
    return True


def _with_timeout(conn: sqlite3.Connection, seconds: float, pragma: str) -> Any:
    """Run `pragma` waiting at most `seconds` for other connections; its answer, or None if busy."""
    conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        return conn.execute(pragma).fetchone()[0]
    except sqlite3.OperationalError:
        return None
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


@contextmanager
def _own_reference_checks(raw: sqlite3.Connection | None) -> Iterator[None]:
    """Switch SQLite's per-row foreign-key checks off for the import's transaction, and on again.

    The import never writes a reference it has not found: accounts and managers are looked up,
    new contacts' ids are chosen above the largest. The database's own checks would cost a third
    of the bulk insert, and a new contact may name one inserted later in the same statement.
    (The pragma only takes effect outside a transaction.) A server checks its own.
    """
    if raw is None:
        yield
        return
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def import_contacts(
    db: Any, path: Path, *, vocab: Vocabulary, now: datetime, encoding: str | None = None,
    dry_run: bool = False, skip_invalid: bool = False, ignore_unknown: bool = False,
    progress: Callable[[int, int], None] | None = None, today: date | None = None,
    deadlines: dict[str, int] | None = None, new_file: bool = False,
) -> ImportResult:  # fmt: skip
    """Import a contacts CSV in one transaction into `db`: the `Database`, or on a SQLite file a
    `sqlite3` connection from `sqlitefile.open_sqlite_writer` (`new_file`: which it has just created).

    With `skip_invalid`, a pass that finds bad rows is rolled back and the file is imported
    again without them and the rows that name them (`_Import.skip_dependents`); should that
    pass still find a problem, again, until a pass is clean.
    """
    display = str(path)
    excluded: set[int] = set()
    skipped = ProblemList()
    while True:
        # committed at the end of the block; rolled back on any exception, or here for a dry run
        with pause_cyclic_gc(), _transaction(db, new_file=new_file) as (conn, rollback):
            imp = _Import(conn, display=display, source=f"import {path.name}", now=now, excluded=excluded,
                          expected_rows=path.stat().st_size // 100,  # a contact row is rarely shorter
                          bad_lines=set() if skip_invalid else None)  # fmt: skip
            warnings: list[str] = []
            imp.begin()
            rows = read_rows(imp, path, vocab, encoding=encoding, ignore_unknown=ignore_unknown,
                             progress=progress, warnings=warnings)  # fmt: skip
            for chunk in rows:
                imp.add_chunk(chunk)
            imp.resolve()
            if imp.problem_count:
                if imp.bad_lines is None:
                    rollback()
                    n = imp.problem_count
                    raise InputError(imp.problems, f"nothing was written ({n:,} problem{'s' if n != 1 else ''})")
                imp.skip_dependents()
                rollback()  # the next pass goes without the bad lines
                excluded |= imp.bad_lines
                skipped.merge(imp.problems)
                continue
            imp.finish()
            opened = sync_plans(conn, imp.plan_ids, offsets=deadlines or DEFAULT_DEADLINES,
                                today=today or now.date(), at=now)  # fmt: skip
            result = ImportResult(
                created=imp.created, updated=imp.updated, unchanged=imp.unchanged, skipped=len(excluded),
                accounts_created=imp.accounts_created, problems=skipped.shown(),
                problem_count=skipped.count, warnings=warnings, dry_run=dry_run, plans_opened=len(opened),
            )  # fmt: skip
            if dry_run:
                rollback()
            return result


def option_values(vocab: Vocabulary, given: dict[str, Any]) -> dict[str, Any]:
    """Values from command-line options (`kam add` / `kam set`) parsed exactly as import cells.

    `given` maps field names to the option's text (or list of texts); None means
    "not given". An empty text clears the field (status goes back to `active`).
    """
    out: dict[str, Any] = {}
    for f, raw in given.items():
        if raw is None:
            continue
        if isinstance(raw, list | tuple):
            if not raw:
                continue
            raw = ";".join(raw)
        raw = str(raw).strip()
        if not raw:
            if f == "name":
                raise VocabError("a contact's name cannot be empty")
            out[f] = "active" if f == "status" else None
            continue
        out[f] = parse_cell(f, raw, vocab)
    if "name" in out:
        out["name_key"] = name_key(out["name"])
    return out
