"""Contacts CSV → validated rows → one-transaction upsert with history (SPEC §3).

Three passes over rows held compactly in memory:

1. parse: every cell to its canonical value (per-cell problems);
2. plan: match each row to an existing contact (email, else account + name),
   resolve `reports_to` / `successor` (forward references allowed), find
   duplicates, cross-account references and reports-to cycles;
3. write: bulk statements in one transaction — accounts, new contacts,
   changed fields, references, history.

Nothing is written unless the whole file is valid (or `skip_invalid`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from .csvio import SourceInfo, map_header, read_records, unquote_formula
from .db import Database
from .errors import InputError, Problem
from .models import Account, Change, Contact
from .store import email_key, history_text, name_key
from .succession import DEFAULT_DEADLINES, sync_plans
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


@dataclass(slots=True)
class Row:
    line: int
    account: str
    values: dict[str, Any]  # scalar fields present in the file (non-empty cells)
    refs: dict[str, str]  # reports_to / successor as written
    account_key: str = ""
    target: int | None = None  # matched contact id, or None for a new contact
    account_id: int | None = None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    accounts_created: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    leaving: list[int] = field(default_factory=list)  # contacts whose rows speak of a change
    plans_opened: int = 0


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


class _Plan:
    """Matching and reference resolution for a set of parsed rows against the database."""

    def __init__(self, conn: Connection, rows: list[Row], file: str, header_cols: dict[str, int]) -> None:
        self.conn = conn
        self.file = file
        self.cols = header_cols
        self.rows = rows
        self.accounts: dict[str, int] = {}
        self.existing: dict[int, dict[str, Any]] = {}
        self._load()

    def problem(self, row: Row, field_name: str | None, value: str | None, message: str) -> Problem:
        col = self.cols.get(field_name) if field_name else None
        return Problem(self.file, row.line, col, field_name, value, message)

    def _load(self) -> None:
        keys = sorted({r.account_key for r in self.rows})
        acc = Account.__table__
        for chunk in _chunks(keys, 500):
            for id_, key in self.conn.execute(select(acc.c.id, acc.c.name_key).where(acc.c.name_key.in_(chunk))):
                self.accounts[key] = id_
        con = Contact.__table__
        ids = list(self.accounts.values())
        for chunk in _chunks(ids, 500):
            for r in self.conn.execute(select(con).where(con.c.account_id.in_(chunk))):
                self.existing[r.id] = dict(r._mapping)
        # emails in the file that belong to contacts of other accounts
        loaded = {c["email"] for c in self.existing.values() if c["email"]}
        wanted = sorted({r.values["email"] for r in self.rows if "email" in r.values} - loaded)
        acc_names = {}
        for chunk in _chunks(wanted, 500):
            q = select(con.c.id, con.c.email, con.c.name, con.c.account_id, acc.c.name.label("account")).join(
                acc, acc.c.id == con.c.account_id).where(con.c.email.in_(chunk))  # fmt: skip
            for r in self.conn.execute(q):
                acc_names[r.email] = (r.name, r.account)
        self.foreign_emails: dict[str, tuple[str, str]] = acc_names

    def resolve(self, excluded: set[int]) -> list[Problem]:
        """Match rows and resolve references, ignoring rows whose line is in `excluded`."""
        problems: list[Problem] = []
        live = [r for r in self.rows if r.line not in excluded]
        by_email: dict[str, int] = {}
        by_name: dict[tuple[int, str], list[int]] = defaultdict(list)
        for cid, c in self.existing.items():
            if c["email"]:
                by_email[c["email"]] = cid
            by_name[(c["account_id"], c["name_key"])].append(cid)

        # 1. identity: which contact each row is
        seen_target: dict[Any, Row] = {}
        seen_email: dict[str, Row] = {}
        for row in live:
            row.account_id = self.accounts.get(row.account_key)
            row.target = None
            email = row.values.get("email")
            nkey = name_key(row.values["name"])
            if email in self.foreign_emails:
                who, where = self.foreign_emails[email]
                problems.append(self.problem(row, "email", email,
                    f"email {email!r} belongs to {who} at {where}, another account"))  # fmt: skip
                continue
            if email and email in by_email:
                cid = by_email[email]
                if self.existing[cid]["account_id"] != row.account_id:
                    other = self.existing[cid]
                    problems.append(self.problem(row, "email", email,
                        f"email {email!r} belongs to {other['name']} at another account"))  # fmt: skip
                    continue
                row.target = cid
            elif row.account_id is not None:
                candidates = [
                    cid for cid in by_name.get((row.account_id, nkey), [])
                    # two different emails are two different people of the same name
                    if not email or not self.existing[cid]["email"]
                ]  # fmt: skip
                if len(candidates) > 1:
                    problems.append(self.problem(row, "name", row.values["name"],
                        f"{len(candidates)} contacts at {row.account} are called {row.values['name']!r}; add the email to say which"))  # fmt: skip
                    continue
                if candidates:
                    row.target = candidates[0]
            if email and email in seen_email:
                first = seen_email[email]
                if (first.account_key, name_key(first.values["name"])) == (row.account_key, nkey):
                    message = f"the same contact as line {first.line} ({row.values['name']} at {row.account})"
                else:
                    message = f"duplicate email: line {first.line} gives it to {first.values['name']} at {first.account}"
                problems.append(self.problem(row, "email", email, message))
                continue
            identity: Any = row.target if row.target is not None else ("new", row.account_key, email or nkey)
            if identity in seen_target:
                first = seen_target[identity]
                problems.append(self.problem(row, "name", row.values["name"],
                    f"the same contact as line {first.line} ({row.values['name']} at {row.account})"))  # fmt: skip
                continue
            if email:
                seen_email[email] = row
            seen_target[identity] = row

        bad = {p.line for p in problems}
        live = [r for r in live if r.line not in bad]

        # 2. references: who each reports_to / successor names, within the same account
        node_of: dict[int, Any] = {}
        emails_in: dict[tuple[str, str], set[Any]] = defaultdict(set)
        names_in: dict[tuple[str, str], set[Any]] = defaultdict(set)
        account_of_email: dict[str, str] = {}
        for cid, c in self.existing.items():
            key = self._account_key_of(c["account_id"])
            if c["email"]:
                emails_in[(key, c["email"])].add(cid)
                account_of_email[c["email"]] = key
            names_in[(key, c["name_key"])].add(cid)
        for row in live:
            node = row.target if row.target is not None else ("new", row.line)
            node_of[row.line] = node
            email = row.values.get("email")
            if email:
                emails_in[(row.account_key, email)].add(node)
                account_of_email[email] = row.account_key
            names_in[(row.account_key, name_key(row.values["name"]))].add(node)
        skipped_names = {(r.account_key, name_key(r.values["name"])): r.line for r in self.rows if r.line in excluded}
        skipped_names.update({(r.account_key, r.values["email"]): r.line
                              for r in self.rows if r.line in excluded and "email" in r.values})  # fmt: skip

        self.ref_nodes: dict[tuple[int, str], Any] = {}
        manager: dict[Any, Any] = {}
        for cid, c in self.existing.items():
            if c["reports_to_id"] is not None:
                manager[cid] = c["reports_to_id"]
        for row in live:
            node = node_of[row.line]
            for ref_field, raw in row.refs.items():
                target, message = self._lookup(row, raw, emails_in, names_in, account_of_email, skipped_names)
                if message is None and target == node:
                    message = (f"{row.values['name']} cannot report to themselves" if ref_field == "reports_to"
                               else f"{row.values['name']} cannot be their own successor")
                if message is not None:
                    problems.append(self.problem(row, ref_field, raw, message))
                    continue
                self.ref_nodes[(row.line, ref_field)] = target
                if ref_field == "reports_to":
                    manager[node] = target

        # 3. reports-to cycles, reported on the file's rows that take part in them
        line_of_node = {node_of[r.line]: r for r in live if (r.line, "reports_to") in self.ref_nodes}
        state: dict[Any, int] = {}
        for start in list(manager):
            path: list[Any] = []
            cur = start
            while cur is not None and state.get(cur, 0) == 0:
                state[cur] = 1
                path.append(cur)
                cur = manager.get(cur)
            if cur is not None and state.get(cur) == 1:
                cycle = path[path.index(cur):]
                names = [self._node_name(n, live) for n in cycle]
                loop = " → ".join([*names, names[0]])
                for n in cycle:
                    row = line_of_node.get(n)
                    if row is not None:
                        problems.append(self.problem(row, "reports_to", row.refs["reports_to"],
                                                     f"reports-to cycle: {loop}"))  # fmt: skip
            for n in path:
                state[n] = 2
        return problems

    def _account_key_of(self, account_id: int) -> str:
        if not hasattr(self, "_acc_keys"):
            self._acc_keys = {v: k for k, v in self.accounts.items()}
        return self._acc_keys[account_id]

    def _node_name(self, node: Any, live: list[Row]) -> str:
        if isinstance(node, int):
            return str(self.existing[node]["name"])
        for r in live:
            if r.line == node[1]:
                return str(r.values["name"])
        return "?"

    def _lookup(self, row: Row, raw: str, emails_in, names_in, account_of_email, skipped) -> tuple[Any, str | None]:  # type: ignore[no-untyped-def]
        value = raw.strip()
        if "@" in value:
            key = (row.account_key, email_key(value))
            found = emails_in.get(key, set())
            if not found:
                other = account_of_email.get(email_key(value)) or (
                    self.foreign_emails.get(email_key(value), (None, None))[1])
                if other is not None and other != row.account_key:
                    return None, f"{value!r} is at another account; must be a contact of {row.account}"
                if key in skipped:
                    return None, f"{value!r} is on line {skipped[key]}, which is invalid"
                return None, f"{value!r} names nobody at {row.account}"
        else:
            key = (row.account_key, name_key(value))
            found = names_in.get(key, set())
            if not found:
                if key in skipped:
                    return None, f"{value!r} is on line {skipped[key]}, which is invalid"
                return None, f"{value!r} names nobody at {row.account}"
            if len(found) > 1:
                return None, f"{value!r} names {len(found)} contacts at {row.account}; use the email"
        return next(iter(found)), None


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def parse_rows(
    path: Path, vocab: Vocabulary, *, encoding: str | None, ignore_unknown: bool, display: str,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Row], list[Problem], dict[str, int]]:  # fmt: skip
    info = SourceInfo()
    records = read_records(path, encoding=encoding, display=display, progress=progress, info=info)
    try:
        _, header_cells = next(records)
    except StopIteration:
        raise InputError([Problem(display, 1, None, None, None, "the file is empty")]) from None
    header = map_header(header_cells, CONTACT_COLUMNS, ("account", "name"), file=display, ignore_unknown=ignore_unknown)
    cols = {f: i for i, f in enumerate(header.fields, start=1) if f is not None}
    width = len(header.fields)
    rows: list[Row] = []
    problems: list[Problem] = []
    for line, cells in records:
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            if header.fields[-1] == "notes":
                # an unquoted delimiter inside the last, free-text column: keep the text whole
                cells = [*cells[: width - 1], info.delimiter.join(cells[width - 1 :])]
            else:
                extra = next(c for c in cells[width:] if c.strip())
                problems.append(Problem(display, line, width + 1, None, extra,
                    f"this row has {len(cells)} cells but the header has {width} columns "
                    "(a value with an unquoted delimiter?)"))  # fmt: skip
                continue
        values: dict[str, Any] = {}
        refs: dict[str, str] = {}
        account = ""
        row_problems = []
        for i, f in enumerate(header.fields):
            if f is None or i >= len(cells):
                continue
            raw = unquote_formula(cells[i]).strip()
            if not raw:
                continue
            if f in REFERENCES:
                refs[f] = raw
                continue
            try:
                value = parse_cell(f, raw, vocab)
            except VocabError as exc:
                row_problems.append(Problem(display, line, i + 1, f, raw, str(exc)))
                continue
            if f == "account":
                account = value
            else:
                values[f] = value
        for f in ("account", "name"):
            if (f == "account" and not account) or (f == "name" and "name" not in values):
                if not any(p.header == f for p in row_problems):
                    row_problems.append(Problem(display, line, cols[f], f, "", f"{f} is required"))
        if row_problems:
            problems.extend(row_problems)
            continue
        rows.append(Row(line=line, account=account, values=values, refs=refs, account_key=name_key(account)))
    if not rows and not problems:
        raise InputError([Problem(display, 2, None, None, None, "no data rows below the header")])
    return rows, problems, cols


_UPDATABLE = (*SCALAR_FIELDS, "name_key")


def import_contacts(
    db: Database, path: Path, *, vocab: Vocabulary, now: datetime, encoding: str | None = None,
    dry_run: bool = False, skip_invalid: bool = False, ignore_unknown: bool = False,
    progress: Callable[[int], None] | None = None, today: date | None = None,
    deadlines: dict[str, int] | None = None,
) -> ImportResult:  # fmt: skip
    display = str(path)
    source = f"import {path.name}"
    rows, problems, cols = parse_rows(path, vocab, encoding=encoding, ignore_unknown=ignore_unknown,
                                      display=display, progress=progress)  # fmt: skip
    if problems and not skip_invalid:
        raise InputError(problems)
    result = ImportResult(dry_run=dry_run)
    with db.writer.connect() as conn:
        trans = conn.begin()
        try:
            plan = _Plan(conn, rows, display, cols)
            excluded = {p.line for p in problems}
            while True:
                found = plan.resolve(excluded)
                if not found:
                    break
                if not skip_invalid:
                    raise InputError(sorted(problems + found, key=lambda p: (p.line, p.column or 0)))
                problems.extend(found)
                excluded |= {p.line for p in found}
            live = [r for r in rows if r.line not in excluded]
            _write(conn, plan, live, result, source=source, now=now)
            result.plans_opened = len(sync_plans(conn, result.leaving, offsets=deadlines or DEFAULT_DEADLINES,
                                                 today=today or now.date(), at=now))  # fmt: skip
            result.skipped = len(excluded)
            result.problems = sorted(problems, key=lambda p: (p.line, p.column or 0))
            if dry_run:
                trans.rollback()
            else:
                trans.commit()
        except BaseException:
            if trans.is_active:
                trans.rollback()
            raise
    return result


def _write(conn: Connection, plan: _Plan, rows: list[Row], result: ImportResult, *, source: str, now: datetime) -> None:
    acc = Account.__table__
    con = Contact.__table__
    changes: list[dict[str, Any]] = []

    def change(entity: str, entity_id: int, account_id: int, field_name: str, old: Any, new: Any) -> None:
        changes.append({"at": now, "entity": entity, "entity_id": entity_id, "account_id": account_id,
                        "field": field_name, "old": history_text(old), "new": history_text(new), "source": source})  # fmt: skip

    # accounts
    new_accounts: dict[str, str] = {}
    for r in rows:
        if r.account_key not in plan.accounts and r.account_key not in new_accounts:
            new_accounts[r.account_key] = r.account
    if new_accounts:
        params = [{"name": n, "name_key": k, "created_at": now, "updated_at": now} for k, n in new_accounts.items()]
        ids = conn.execute(insert(acc).returning(acc.c.id, sort_by_parameter_order=True), params).scalars().all()
        for (k, _), id_ in zip(new_accounts.items(), ids, strict=True):
            plan.accounts[k] = id_
            change("account", id_, id_, "*", None, "created")
        result.accounts_created = len(new_accounts)
    for r in rows:
        r.account_id = plan.accounts[r.account_key]

    # contacts: new ones inserted, existing ones compared field by field
    node_id: dict[Any, int] = {}
    fresh = [r for r in rows if r.target is None]
    if fresh:
        params = []
        for r in fresh:
            p = dict.fromkeys(SCALAR_FIELDS)
            p.update(r.values)
            p.update(account_id=r.account_id, name_key=name_key(r.values["name"]), created_at=now, updated_at=now,
                     status=r.values.get("status", "active"))  # fmt: skip
            params.append(p)
        ids = conn.execute(insert(con).returning(con.c.id, sort_by_parameter_order=True), params).scalars().all()
        for r, id_ in zip(fresh, ids, strict=True):
            node_id[("new", r.line)] = id_
            r.target = id_
            change("contact", id_, r.account_id, "*", None, "created")  # type: ignore[arg-type]
        result.created = len(fresh)
    names = {cid: c["name"] for cid, c in plan.existing.items()}
    names.update({r.target: r.values["name"] for r in rows})  # type: ignore[misc]

    updates: dict[int, dict[str, Any]] = {}
    fresh_ids = {r.target for r in fresh}
    for r in rows:
        cid = r.target
        assert cid is not None
        if cid in fresh_ids:
            continue
        current = plan.existing[cid]
        for f, value in r.values.items():
            if f == "name" and name_key(value) == current["name_key"]:
                continue  # the same name in other capitals or spacing is not a rename
            if current[f] != value:
                updates.setdefault(cid, {})[f] = value
                change("contact", cid, current["account_id"], f, current[f], value)
        if "name" in updates.get(cid, {}):
            updates[cid]["name_key"] = name_key(updates[cid]["name"])
    for r in rows:
        cid = r.target
        assert cid is not None
        current = plan.existing.get(cid)
        for ref_field, column in REFERENCES.items():
            if (r.line, ref_field) not in plan.ref_nodes:
                continue
            ref = plan.ref_nodes[(r.line, ref_field)]
            target = ref if isinstance(ref, int) else node_id[ref]
            old = current[column] if current else None
            if old != target:
                updates.setdefault(cid, {})[column] = target
                if current is not None:
                    change("contact", cid, r.account_id, ref_field, names.get(old) if old else None, names[target])  # type: ignore[arg-type]
    # one executemany per set of changed columns
    grouped: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for cid, values in updates.items():
        if cid not in fresh_ids:
            values["updated_at"] = now
        cols = tuple(sorted(values))
        grouped[cols].append({"_id": cid, **{f"v_{c}": values[c] for c in cols}})
    for cols, params in grouped.items():
        stmt = update(con).where(con.c.id == bindparam("_id")).values({c: bindparam(f"v_{c}") for c in cols})
        conn.execute(stmt, params)
    result.updated = sum(1 for cid in updates if cid not in fresh_ids)
    result.unchanged = len(rows) - result.created - result.updated
    if changes:
        conn.execute(insert(Change.__table__), changes)
    # rows that speak of a change, or name a successor, open or update a handover plan
    result.leaving = [
        r.target for r in rows  # type: ignore[misc]
        if {"status", "change_risk", "change_date", "change_kind"} & r.values.keys() or "successor" in r.refs
    ]



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
