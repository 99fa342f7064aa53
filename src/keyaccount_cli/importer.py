"""Contacts CSV → validated rows → one-transaction upsert with history (SPEC §3).

The file is streamed in chunks, so memory stays flat however long it is:

1. each chunk is parsed (every cell to its canonical value), matched to existing
   contacts (by email, else by account + name) and written with bulk
   statements: new accounts, new contacts, changed fields, history rows; each
   row's references (`reports_to`, `successor`) go to a staging table;
2. once the whole file is in, the references are resolved in SQL (so a row may
   point further down the file), checked (nobody, several people, another
   account, oneself, cycles) and applied.

All of it is one transaction: any problem and nothing is written.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from .csvio import SourceInfo, map_header, read_records, unquote_formula
from .db import Database
from .errors import InputError, Problem
from .models import Account, Change, Contact
from .store import email_key, history_text, name_key
from .succession import DEFAULT_DEADLINES, needs_plan, sync_plans
from .vocab import VocabError, Vocabulary, join_multi, parse_bool, parse_date

CONTACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ("客户", "公司", "客户公司", "company"),
    "name": ("姓名", "联系人"),
    "email": ("邮箱",),
    "phone": ("电话", "手机"),
    "title": ("职位", "岗位"),
    "department": ("部门",),
    "roles": ("role", "角色"),
    "decision_power": ("决策权", "决策权级别"),
    "attitude": ("态度", "对本项目态度"),
    "concerns": ("关注点", "关注维度"),
    "can_sign": ("签约权", "是否有签约权"),
    "project_owner": ("项目Owner", "是否是项目Owner"),
    "reports_to": ("上级", "直属上级"),
    "status": ("状态",),
    "change_risk": ("岗位变动风险",),
    "change_date": ("预期变动时间",),
    "change_kind": ("变动类型",),
    "successor": ("继任人", "接任人"),
    "notes": ("备注",),
}
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
MAX_PROBLEMS = 10_000  # reported one by one; beyond this only counted

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
    values: dict[str, Any]  # scalar fields with a non-empty cell
    refs: dict[str, str]  # reports_to / successor as written
    account_id: int | None = None
    target: int | None = None  # the matched contact's id; None for a new contact


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


_INSERT = re.compile(r"^(INSERT INTO .+ VALUES )(\([?, ]+\))$", re.S)
MAX_PARAMETERS = 30_000  # per statement; PostgreSQL's protocol allows 65,535


class _Sql:
    """Driver-level statements (no per-row SQL compilation), in the dialect's parameter style.

    Bulk writes are one `executemany` on SQLite (an in-process library: a statement per row
    costs nothing); on a server they are multi-row statements, a batch of rows per round trip.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.qmark = conn.dialect.paramstyle == "qmark"
        dialect = conn.dialect
        self.types = {c.name: c.type.compile(dialect) for c in Contact.__table__.c}
        columns = [c for table in (Contact.__table__, Account.__table__, Change.__table__) for c in table.c]
        self.proc = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns}
        # only the contact's own fields are read back raw (numeric result processors need the server's type code)
        self.result_proc = {c.name: c.type.dialect_impl(dialect).result_processor(dialect, None)
                            for c in Contact.__table__.c if c.name in SCALAR_FIELDS}  # fmt: skip

    def text(self, sql: str) -> str:
        return sql if self.qmark else sql.replace("?", "%s")

    def run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.exec_driver_sql(self.text(sql), tuple(params))

    def many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """`INSERT … VALUES (?, …)` (or any statement, on SQLite) for each of `rows`."""
        if not rows:
            return
        if self.qmark:
            self.conn.exec_driver_sql(sql, rows)
            return
        m = _INSERT.match(sql)
        if m is None:
            self.conn.exec_driver_sql(self.text(sql), rows)
            return
        head, width = m.group(1), m.group(2).count("?")
        for batch in self._batches(rows):
            self._raw(head + self._values(len(batch), width), [v for row in batch for v in row])

    def update_contacts(self, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """`UPDATE contact SET col = ?, … WHERE id = ?` for each row of (*values, id)."""
        if not rows:
            return
        if self.qmark:
            sets = ", ".join(f"{c} = ?" for c in columns)
            self.conn.exec_driver_sql(f"UPDATE contact SET {sets} WHERE id = ?", rows)
            return
        # one statement per batch: the new values joined in as a VALUES list, each typed
        names = [*columns, "id"]
        sets = ", ".join(f"{c} = v.{c}" for c in columns)
        types = [self.types[c] for c in names]
        for batch in self._batches(rows):
            self._raw(f"UPDATE contact SET {sets} FROM (VALUES {self._values(len(batch), len(names), types)})"
                      f" AS v ({', '.join(names)}) WHERE contact.id = v.id", [v for row in batch for v in row])  # fmt: skip

    @staticmethod
    def _values(count: int, width: int, types: Sequence[str] | None = None) -> str:
        """`($1, $2), ($3, $4), …`: the server's own placeholders, which the driver
        passes on without parsing a statement of thousands of parameters."""
        casts = [f"::{t}" for t in types] if types else [""] * width
        return ", ".join(
            "(" + ", ".join(f"${r * width + k + 1}{casts[k]}" for k in range(width)) + ")" for r in range(count)
        )

    def _raw(self, sql: str, params: list[Any]) -> None:
        import psycopg
        from sqlalchemy.exc import DBAPIError

        driver = self.conn.connection.driver_connection
        try:
            with psycopg.RawCursor(driver) as cur:
                cur.execute(sql, params)
        except psycopg.Error as exc:
            raise DBAPIError(sql[:200], None, exc) from None

    def _batches(self, rows: list[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
        size = max(1, MAX_PARAMETERS // len(rows[0]))
        for i in range(0, len(rows), size):
            yield rows[i : i + size]

    def value(self, column: str, v: Any) -> Any:
        """A Python value as the driver stores it."""
        p = self.proc.get(column)
        return p(v) if p is not None and v is not None else v

    def python(self, column: str, v: Any) -> Any:
        """A value as the driver returned it, as Python sees it."""
        p = self.result_proc.get(column)
        return p(v) if p is not None and v is not None else v

    def in_list(self, sql: str, items: Sequence[Any], size: int = 500) -> Iterator[Any]:
        """Run `sql` (with one `(?)` placeholder list) over `items` in batches."""
        for i in range(0, len(items), size):
            batch = items[i : i + size]
            yield from self.run(sql.replace("(?)", "(" + ",".join("?" * len(batch)) + ")"), batch)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _Import:
    """One pass of the import over the file, inside the caller's transaction."""

    def __init__(self, conn: Connection, *, display: str, source: str, now: datetime, excluded: set[int]) -> None:
        self.sql = _Sql(conn)
        self.display = display
        self.source = source
        self.now = now
        self.excluded = excluded
        self.cols: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.bad_rows: dict[tuple[str, str], int] = {}  # (account key, email or name key) → line, for messages
        self.bad_emails: dict[str, tuple[int, str, str, str]] = {}  # invalid row's email → line, account, name keys, name
        self.accounts: dict[str, int] = {}
        self.created = self.updated = self.unchanged = self.accounts_created = 0
        self.plan_ids: list[int] = []
        self.now_db = self.sql.value("created_at", now)

    # --- problems -----------------------------------------------------------

    def problem(self, line: int, field_name: str | None, value: str | None, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            col = self.cols.get(field_name) if field_name else None
            self.problems.append(Problem(self.display, line, col, field_name, value, message))

    def _bad(self, row: Row) -> None:
        self.bad_rows[(row.account_key, row.name_key)] = row.line
        if row.email:
            self.bad_emails.setdefault(row.email, (row.line, row.account_key, row.name_key, row.values["name"]))
        if row.email:
            self.bad_rows[(row.account_key, row.email)] = row.line

    # --- pass 1 -------------------------------------------------------------

    def begin(self) -> None:
        self.sql.run(
            "CREATE TEMP TABLE IF NOT EXISTS kam_stage (line INTEGER, contact_id INTEGER, account_id INTEGER, "
            "field TEXT, raw TEXT, ref_key TEXT, by_email INTEGER, target_id INTEGER, matches INTEGER)"
        )
        self.sql.run("DELETE FROM kam_stage")
        self.sql.run("CREATE TEMP TABLE IF NOT EXISTS kam_wanted (account_id INTEGER, name_key TEXT)")
        self.sql.run("CREATE INDEX IF NOT EXISTS kam_stage_line ON kam_stage (line)")
        self.touched: dict[int, int] = {}  # contact id → line of the row that matched or created it

    def add_chunk(self, rows: list[Row]) -> None:
        rows = [r for r in rows if r.line not in self.excluded]
        self._accounts(rows)
        matched = self._match(rows)
        self._write(matched)

    def _accounts(self, rows: list[Row]) -> None:
        missing = list({r.account_key: r.account for r in rows if r.account_key not in self.accounts}.items())
        if missing:
            keys = [k for k, _ in missing]
            for id_, key in self.sql.in_list("SELECT id, name_key FROM account WHERE name_key IN (?)", keys):
                self.accounts[key] = id_
            new = [(k, n) for k, n in missing if k not in self.accounts]
            if new:
                self.sql.many("INSERT INTO account (name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?)",
                              [(n, k, self.now_db, self.now_db) for k, n in new])  # fmt: skip
                created = [k for k, _ in new]
                for id_, key in self.sql.in_list("SELECT id, name_key FROM account WHERE name_key IN (?)", created):
                    self.accounts[key] = id_
                self._history([("account", self.accounts[k], self.accounts[k], "*", None, "created") for k in created])
                self.accounts_created += len(new)
        for r in rows:
            r.account_id = self.accounts[r.account_key]

    def _match(self, rows: list[Row]) -> list[Row]:
        """Decide which contact each row is; rows with a problem are dropped."""
        cols = ", ".join(("id", "account_id", "name_key", "reports_to_id", "successor_id", *SCALAR_FIELDS))
        by_email: dict[str, Any] = {}
        emails = [r.email for r in rows if r.email]
        for c in self.sql.in_list(f"SELECT {cols} FROM contact WHERE email IN (?)", emails):
            by_email[c.email] = c
        by_name: dict[tuple[int, str], list[Any]] = defaultdict(list)
        wanted = {(r.account_id, r.name_key) for r in rows if not (r.email and r.email in by_email)}
        self.sql.run("DELETE FROM kam_wanted")
        self.sql.many("INSERT INTO kam_wanted (account_id, name_key) VALUES (?, ?)", list(wanted))
        joined = ", ".join(f"c.{c}" for c in cols.split(", "))
        for c in self.sql.run(f"SELECT {joined} FROM kam_wanted w JOIN contact c"
                              " ON c.account_id = w.account_id AND c.name_key = w.name_key"):  # fmt: skip
            by_name[(c.account_id, c.name_key)].append(c)
        self.existing: dict[int, Any] = {c.id: c for c in by_email.values()}
        claimed: dict[str, Row] = {}  # emails given by earlier accepted rows of this chunk, new or matched
        new_by_name: dict[tuple[int, str], Row] = {}
        out: list[Row] = []
        for r in rows:
            before = self.problem_count
            key = (r.account_id, r.name_key)
            if r.email and r.email in by_email:
                c = by_email[r.email]
                if c.account_id != r.account_id:
                    self.problem(r.line, "email", r.email, f"{r.email} belongs to {c.name} at another account")
                elif c.id in self.touched:
                    first = self.touched[c.id]
                    same = c.name_key == r.name_key
                    self.problem(r.line, "email", r.email, f"the same contact as line {first}" if same
                                 else f"duplicate email: line {first} gives it to {c.name}")  # fmt: skip
                else:
                    r.target = c.id
            elif r.email and r.email in self.bad_emails and (
                (bad := self.bad_emails[r.email])[1:3] != (r.account_key, r.name_key)
            ):  # the same email on an invalid row for someone else: which one is right is for the user to say
                self.problem(r.line, "email", r.email, f"duplicate email: line {bad[0]} gives it to {bad[3]}")
            elif r.email and r.email in claimed:
                first_row = claimed[r.email]
                same = (first_row.account_key, first_row.name_key) == (r.account_key, r.name_key)
                self.problem(r.line, "email", r.email, f"the same contact as line {first_row.line}" if same
                             else f"duplicate email: line {first_row.line} gives it to {first_row.values['name']}")  # fmt: skip
            else:
                candidates = by_name.get(key, [])
                taken = [c for c in candidates if c.id in self.touched]
                # a namesake with another email is another person (README: Upsert)
                free = [c for c in candidates if c.id not in self.touched and not (r.email and c.email)]
                if not r.email and (taken or key in new_by_name):
                    first = self.touched[taken[0].id] if taken else new_by_name[key].line
                    self.problem(r.line, "name", r.values["name"], f"the same contact as line {first}")
                elif len(free) > 1:
                    self.problem(r.line, "name", r.values["name"],
                                 f"{len(free)} contacts at {r.account} are called {r.values['name']!r}; "
                                 "add their email to say which")  # fmt: skip
                elif free:
                    r.target = free[0].id
                    self.existing[free[0].id] = free[0]
            if self.problem_count > before:
                self._bad(r)
                continue
            if r.target is None:
                new_by_name[key] = r
            else:
                self.touched[r.target] = r.line
            if r.email:
                claimed[r.email] = r
            out.append(r)
        return out

    def _write(self, rows: list[Row]) -> None:
        sql = self.sql
        history: list[tuple[Any, ...]] = []
        fresh = [r for r in rows if r.target is None]
        if fresh:
            columns = ("account_id", "name_key", "created_at", "updated_at", *SCALAR_FIELDS)
            procs = [(f, sql.proc.get(f)) for f in SCALAR_FIELDS]
            params = []
            for r in fresh:
                v = r.values
                v.setdefault("status", "active")
                params.append((r.account_id, r.name_key, self.now_db, self.now_db, *(
                    (p(v[f]) if p is not None and v.get(f) is not None else v.get(f)) for f, p in procs)))  # fmt: skip
            before = sql.run("SELECT coalesce(max(id), 0) FROM contact").scalar_one()
            sql.many(f"INSERT INTO contact ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", params)
            ids = {}
            for id_, acc, nkey, email in sql.run(
                "SELECT id, account_id, name_key, email FROM contact WHERE id > ? ORDER BY id", (before,)
            ):  # fmt: skip
                ids[email or (acc, nkey)] = id_
            for r in fresh:
                r.target = ids[r.email or (r.account_id, r.name_key)]
                self.touched[r.target] = r.line
                history.append(("contact", r.target, r.account_id, "*", None, "created"))
            self.created += len(fresh)
        grouped: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        state: dict[int, str] = {r.line: "new" for r in fresh}
        for r in rows:
            if r.line in state:
                continue
            c = self.existing[r.target]  # type: ignore[index]
            changed = []
            for f, value in r.values.items():
                old = getattr(c, f)
                if f == "name" and r.name_key == c.name_key:
                    continue  # the same name in other capitals or spacing is not a rename
                if old != sql.value(f, value):
                    changed.append(f)
                    history.append(("contact", c.id, c.account_id, f, sql.python(f, old), value))
            if changed:
                if "name" in changed:
                    changed.append("name_key")
                cols = tuple(changed)
                values = [sql.value(f, r.name_key if f == "name_key" else r.values[f]) for f in cols]
                grouped[cols].append((*values, self.now_db, c.id))
                self.updated += 1
                state[r.line] = "updated"
            else:
                self.unchanged += 1
                state[r.line] = "same"
            if changed and needs_plan(r.values.get("status", c.status), r.values.get("change_risk", c.change_risk),
                                      r.values.get("change_date", c.change_date)):  # fmt: skip
                self.plan_ids.append(c.id)
        for cols, params in grouped.items():
            sql.update_contacts((*cols, "updated_at"), params)
        for r in fresh:
            v = r.values
            if needs_plan(v.get("status"), v.get("change_risk"), v.get("change_date")):
                self.plan_ids.append(r.target)  # type: ignore[arg-type]
        self._history(history)
        stage = []
        for r in rows:
            stage.append((r.line, r.target, r.account_id, None, state[r.line], None, None))
            for f, raw in r.refs.items():
                by_email = "@" in raw
                stage.append((r.line, r.target, r.account_id, f, raw, email_key(raw) if by_email else name_key(raw), int(by_email)))
        # the row itself is staged with field NULL and its outcome (new / updated / same) in `raw`
        sql.many("INSERT INTO kam_stage (line, contact_id, account_id, field, raw, ref_key, by_email) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)", stage)  # fmt: skip

    def _history(self, rows: list[tuple[Any, ...]]) -> None:
        at = self.sql.value("at", self.now)
        self.sql.many(
            'INSERT INTO "change" (at, entity, entity_id, account_id, field, old, new, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [(at, e, i, a, f, history_text(o), history_text(n), self.source) for e, i, a, f, o, n in rows],
        )

    # --- pass 2: references -------------------------------------------------

    def resolve(self) -> None:
        sql = self.sql
        sql.run(
            "UPDATE kam_stage SET target_id = (SELECT min(c.id) FROM contact c WHERE c.account_id = kam_stage.account_id"
            " AND c.email = kam_stage.ref_key), matches = 1 WHERE field IS NOT NULL AND by_email = 1"
        )
        sql.run(
            "UPDATE kam_stage SET target_id = (SELECT min(c.id) FROM contact c WHERE c.account_id = kam_stage.account_id"
            " AND c.name_key = kam_stage.ref_key), matches = (SELECT count(*) FROM contact c WHERE"
            " c.account_id = kam_stage.account_id AND c.name_key = kam_stage.ref_key)"
            " WHERE field IS NOT NULL AND by_email = 0"
        )
        for line, contact_id, account_id, f, raw, ref_key, by_email, target, matches in sql.run(
            "SELECT s.line, s.contact_id, s.account_id, s.field, s.raw, s.ref_key, s.by_email, s.target_id, s.matches"
            " FROM kam_stage s WHERE s.field IS NOT NULL AND (s.target_id IS NULL OR s.matches > 1 OR s.target_id = s.contact_id)"
        ):  # fmt: skip
            account = self._account_name(account_id)
            if target is None:
                elsewhere = None
                if by_email:
                    elsewhere = sql.run("SELECT a.name FROM contact c JOIN account a ON a.id = c.account_id "
                                        "WHERE c.email = ?", (ref_key,)).scalar()  # fmt: skip
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
                name = sql.run("SELECT name FROM contact WHERE id = ?", (contact_id,)).scalar()
                msg = f"{name} cannot report to themselves" if f == "reports_to" else f"{name} cannot be their own successor"
            self.problem(line, f, raw, msg)
        # even with problems, apply the good references (rolled back later) so that reports-to cycles
        # are found in the same run: every bad row is reported at once
        self._apply_references()

    def _account_name(self, account_id: int) -> str:
        return str(self.sql.run("SELECT name FROM account WHERE id = ?", (account_id,)).scalar_one())

    def _apply_references(self) -> None:
        sql = self.sql
        history = []
        changed: dict[str, list[tuple[int, int]]] = defaultdict(list)
        rows = sql.run(
            "SELECT s.field, s.contact_id, s.account_id, s.target_id, c.reports_to_id, c.successor_id,"
            " b.raw, t.name, o.name FROM kam_stage s JOIN contact c ON c.id = s.contact_id"
            " JOIN kam_stage b ON b.line = s.line AND b.field IS NULL"
            " JOIN contact t ON t.id = s.target_id"
            " LEFT JOIN contact o ON o.id = (CASE WHEN s.field = 'reports_to' THEN c.reports_to_id ELSE c.successor_id END)"
            " WHERE s.field IS NOT NULL AND coalesce(s.matches, 1) = 1 AND s.target_id <> s.contact_id"
        )
        newly_updated = set()
        for f, cid, account_id, target, reports_to, successor, outcome, target_name, old_name in rows:
            current = reports_to if f == "reports_to" else successor
            if current == target:
                continue
            changed[f].append((target, cid))
            if outcome != "new":
                history.append(("contact", cid, account_id, f, old_name, target_name))
            if outcome == "same":
                newly_updated.add(cid)
        self.unchanged -= len(newly_updated)
        self.updated += len(newly_updated)
        for f, params in changed.items():
            sql.update_contacts((REFERENCES[f], "updated_at"), [(t, self.now_db, c) for t, c in params])
        self._history(history)
        self.plan_ids.extend(cid for _, cid in changed.get("successor", []))
        self._cycles([cid for _, cid in changed.get("reports_to", [])])

    def _cycles(self, starts: list[int]) -> None:
        """Reports-to cycles through a manager this file set; reported on the file's rows."""
        if not starts:
            return
        top = self.sql.run("SELECT coalesce(max(id), 0) FROM contact").scalar_one()
        parent = array("q", bytes(8 * (top + 1)))
        accounts = sorted({a for (a,) in self.sql.in_list("SELECT DISTINCT account_id FROM contact WHERE id IN (?)", starts)})
        for cid, boss in self.sql.in_list(
            "SELECT id, reports_to_id FROM contact WHERE reports_to_id IS NOT NULL AND account_id IN (?)", accounts
        ):  # fmt: skip
            parent[cid] = boss
        state = bytearray(top + 1)  # 0 unseen, 1 on the current path, 2 done
        for start in starts:
            path = []
            node = start
            while node and state[node] == 0:
                state[node] = 1
                path.append(node)
                node = parent[node]
            if node and state[node] == 1:
                cycle = path[path.index(node) :]
                names = dict(self.sql.in_list("SELECT id, name FROM contact WHERE id IN (?)", cycle))
                loop = " → ".join([*(names[n] for n in cycle), names[cycle[0]]])
                lines = self.sql.in_list("SELECT line, raw FROM kam_stage WHERE field = 'reports_to' AND contact_id IN (?)", cycle)
                for line, raw in sorted(lines):
                    self.problem(line, "reports_to", raw, f"reports-to cycle: {loop}")
            for n in path:
                state[n] = 2


def _cell_parser(f: str, vocab: Vocabulary) -> Callable[[str], Any]:
    """The parser for one column: the common cases straight from the lookup tables, anything
    unusual (and every error message) through `parse_cell`."""
    table = vocab.tables.get(f)
    slow = lambda raw: parse_cell(f, raw, vocab)  # noqa: E731
    if f in _SINGLE and table is not None:
        return lambda raw: table.get(raw.casefold()) or slow(raw)
    if f in _MULTI and table is not None:

        def many(raw: str) -> Any:
            words = [table.get(w.strip().casefold()) for w in raw.split(";")]
            if None in words or len(set(words)) != len(words):
                return slow(raw)  # other separators, unknown words or repeats
            return ";".join(words)  # type: ignore[arg-type]

        return many
    if f == "email":
        return lambda raw: (v if _EMAIL.match(v := raw.lower()) else slow(raw))
    if f in ("name", "account"):
        return lambda raw: raw if "  " not in raw and "\t" not in raw and "\n" not in raw else slow(raw)
    if f in ("phone", "title", "department", "notes"):
        return lambda raw: raw
    return slow


def read_rows(
    imp: _Import, path: Path, vocab: Vocabulary, *, encoding: str | None, ignore_unknown: bool,
    progress: Callable[[int, int], None] | None, warnings: list[str],
) -> Iterator[Row]:  # fmt: skip
    """Parse the file into rows; cell problems go to `imp`, rows with one are not yielded."""
    display = imp.display
    info = SourceInfo()
    records = read_records(path, encoding=encoding, display=display, progress=progress, info=info)
    try:
        _, header_cells = next(records)
    except StopIteration:
        raise InputError([Problem(display, 1, None, None, None, "the file is empty")]) from None
    header = map_header(header_cells, CONTACT_COLUMNS, ("account", "name"), file=display, ignore_unknown=ignore_unknown)
    imp.cols = {f: i for i, f in enumerate(header.fields, start=1) if f is not None}
    width = len(header.fields)
    columns = [(i, f, _cell_parser(f, vocab)) for i, f in enumerate(header.fields) if f is not None]
    seen_data = False
    for line, cells in records:
        seen_data = True
        if line in imp.excluded:
            continue
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            if header.fields[-1] == "notes":
                # an unquoted delimiter inside the last, free-text column: keep the text whole
                warnings.append(f"{display}, line {line}: {len(cells)} cells for {width} columns; "
                                f"the cells after column {width - 1} were kept together as the note")  # fmt: skip
                cells = [*cells[: width - 1], info.delimiter.join(cells[width - 1 :])]
            else:
                extra = next(c for c in cells[width:] if c.strip())
                imp.problem(line, None, extra, f"this row has {len(cells)} cells but the header has {width} columns "
                            "(a value with an unquoted delimiter?)")  # fmt: skip
                continue
        values: dict[str, Any] = {}
        refs: dict[str, str] = {}
        account = ""
        ok = True
        for i, f, parse in columns:
            if i >= len(cells):
                break
            raw = cells[i]
            if raw[:1] == "'":
                raw = unquote_formula(raw)
            raw = raw.strip()
            if not raw:
                continue
            if f in REFERENCES:
                refs[f] = raw
                continue
            try:
                value = parse(raw)
            except VocabError as exc:
                imp.problem(line, f, raw, str(exc))
                ok = False
                continue
            if f == "account":
                account = value
            else:
                values[f] = value
        if not account:
            imp.problem(line, "account", None, "account is required")
            ok = False
        if "name" not in values:
            imp.problem(line, "name", None, "name is required")
            ok = False
        if not ok:
            if account and "name" in values:
                imp.bad_rows[(name_key(account), name_key(values["name"]))] = line
                if "email" in values:
                    imp.bad_rows[(name_key(account), values["email"])] = line
                    imp.bad_emails.setdefault(
                        values["email"], (line, name_key(account), name_key(values["name"]), values["name"]))  # fmt: skip
            continue
        yield Row(line=line, account=account, account_key=name_key(account), name_key=name_key(values["name"]),
                  email=values.get("email"), values=values, refs=refs)  # fmt: skip
    if not seen_data:
        raise InputError([Problem(display, 2, None, None, None, "no data rows below the header")])


def import_contacts(
    db: Database, path: Path, *, vocab: Vocabulary, now: datetime, encoding: str | None = None,
    dry_run: bool = False, skip_invalid: bool = False, ignore_unknown: bool = False,
    progress: Callable[[int, int], None] | None = None, today: date | None = None,
    deadlines: dict[str, int] | None = None,
) -> ImportResult:  # fmt: skip
    """Import a contacts CSV in one transaction.

    With `skip_invalid`, a pass that finds bad rows is rolled back and the file
    is imported again without them (rows that pointed at them fail in turn),
    until a pass is clean.
    """
    display = str(path)
    excluded: set[int] = set()
    skipped: list[Problem] = []
    skipped_count = 0
    while True:
        with db.writer.connect() as conn:
            trans = conn.begin()
            try:
                imp = _Import(conn, display=display, source=f"import {path.name}", now=now, excluded=excluded)
                warnings: list[str] = []
                imp.begin()
                rows = read_rows(imp, path, vocab, encoding=encoding, ignore_unknown=ignore_unknown,
                                 progress=progress, warnings=warnings)  # fmt: skip
                for chunk in _chunks(rows, CHUNK):
                    imp.add_chunk(chunk)
                imp.resolve()
                if imp.problem_count:
                    trans.rollback()
                    problems = sorted(imp.problems, key=lambda p: (p.line, p.column or 0))
                    if not skip_invalid:
                        more = imp.problem_count - len(problems)
                        raise InputError(problems, f"nothing was written ({imp.problem_count} problem"
                                         f"{'s' if imp.problem_count != 1 else ''}{f'; {more} not shown' if more else ''})")  # fmt: skip
                    excluded |= {p.line for p in problems}
                    skipped.extend(problems)
                    skipped_count += imp.problem_count
                    continue
                opened = sync_plans(conn, imp.plan_ids, offsets=deadlines or DEFAULT_DEADLINES,
                                    today=today or now.date(), at=now)  # fmt: skip
                result = ImportResult(
                    created=imp.created, updated=imp.updated, unchanged=imp.unchanged, skipped=len(excluded),
                    accounts_created=imp.accounts_created, problems=sorted(skipped, key=lambda p: (p.line, p.column or 0)),
                    problem_count=skipped_count, warnings=warnings, dry_run=dry_run, plans_opened=len(opened),
                )  # fmt: skip
                if dry_run:
                    trans.rollback()
                else:
                    trans.commit()
                return result
            except BaseException:
                if trans.is_active:
                    trans.rollback()
                raise


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
