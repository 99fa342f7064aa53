"""`kam import --kind accounts|opportunities|interactions` (SPEC §7): the other tables from CSV.

The same rules as the contacts import: header aliases (English and Chinese),
encodings and delimiters detected by `csvio.read_records`, every cell parsed to
its canonical value, each problem located by file, line, column and value, and
the whole file one transaction (nothing is written when a row is invalid, unless
`skip_invalid`). Rows are upserted; changed account and opportunity fields land
in the change history. These files are small, so each row is written with plain
Core statements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from ..domain.vocab import VocabError, Vocabulary, bounded_number, parse_date, split_multi
from ..errors import InputError, Problem, ProblemList
from ..storage.database import Database
from ..storage.models import Account, Change, Contact, Interaction, InteractionContact, Opportunity, OpportunityContact
from ..storage.records import email_key, history_text, name_key
from .contacts import ImportResult
from .csvfile import map_header, read_records, unquote_formula

ACCOUNT_ALIASES = ("客户", "公司", "客户公司", "客户名称", "company")
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "accounts": {
        "account": ACCOUNT_ALIASES,
        "industry": ("行业",),
        "tier": ("客户分层", "分层"),
        "owner": ("客户经理", "负责人"),
        "annual_revenue": ("年采购额", "年收入", "revenue"),
        "usage": ("核心功能活跃度", "活跃度"),
        "renewal_intent": ("续约意向",),
        "p1_tickets": ("高优先级服务请求", "P1"),
        "nps": ("NPS",),
        "notes": ("备注",),
    },
    "opportunities": {
        "account": ACCOUNT_ALIASES,
        "name": ("商机", "商机名称", "opportunity"),
        "amount": ("金额", "商机金额"),
        "stage": ("阶段", "商机阶段"),
        "close_date": ("预计成交", "预计成交日期"),
        "contacts": ("联系人", "关键联系人"),
    },
    "interactions": {
        "account": ACCOUNT_ALIASES,
        "date": ("日期", "时间"),
        "kind": ("类型", "方式"),
        "contacts": ("联系人", "参与人"),
        "summary": ("摘要", "内容", "纪要"),
    },
}
REQUIRED = {"accounts": ("account",), "opportunities": ("account", "name"), "interactions": ("account", "date")}
ACCOUNT_FIELDS = ("industry", "tier", "owner", "annual_revenue", "usage", "renewal_intent", "p1_tickets", "nps", "notes")
OPPORTUNITY_FIELDS = ("amount", "stage", "close_date")

_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)$")
_SCALE = {"万": 10_000, "亿": 100_000_000}
MAX_TICKETS = 100_000  # P1 tickets of one account; well within a PostgreSQL INTEGER


def parse_number(raw: str, *, whole: bool = False, low: float = 0, high: float | None = None) -> float | int:
    """`12000000`, `12,000,000`, `¥1,200万`, `1.2亿`, `85%`; raises VocabError saying what is accepted."""
    text = raw.strip().replace(",", "").replace("，", "").replace(" ", "").lstrip("¥￥").rstrip("%")
    scale = 1
    if text[-1:] in _SCALE:
        scale, text = _SCALE[text[-1]], text[:-1]
    if not _NUMBER.match(text):
        raise VocabError(f"not a number {raw.strip()!r}")
    value = bounded_number(float(text) * scale, raw)
    if whole and not value.is_integer():
        raise VocabError(f"not a whole number {raw.strip()!r}")
    if value < low or (high is not None and value > high):
        upper = f" and {high:g}" if high is not None else ""
        raise VocabError(f"{raw.strip()!r} is out of range; expected {'between ' if upper else 'at least '}{low:g}{upper}")
    return int(value) if whole else value


def parse_table_cell(kind: str, f: str, raw: str, vocab: Vocabulary) -> Any:
    """The canonical value of one non-empty cell of a `kind` file."""
    if f == "account" or f == "name":
        return " ".join(raw.split())
    if f in ("tier", "renewal_intent"):
        return vocab.one(f, raw)
    if f == "kind":
        return vocab.one("interaction_kind", raw)
    if f in ("annual_revenue", "amount"):
        return parse_number(raw)
    if f == "usage":
        return parse_number(raw, high=100)
    if f == "p1_tickets":
        return parse_number(raw, whole=True, high=MAX_TICKETS)
    if f == "nps":
        return parse_number(raw, whole=True, high=10)
    if f in ("close_date", "date"):
        return parse_date(raw)
    if f == "contacts":
        return split_multi(raw)
    if f == "stage":
        return " ".join(raw.split())
    return raw


@dataclass
class TableResult(ImportResult):
    """What an import of accounts, opportunities or interactions did: the contacts import's counts,
    plus the kind and the handover steps a meeting with a successor completed."""

    kind: str = ""
    steps_done: int = 0


class _Bad(Exception):
    """A row-level problem in one column: (field, value, message)."""

    def __init__(self, field_name: str | None, value: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.value = value
        self.message = message


def _text(value: Any) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return history_text(value)


class _Writer:
    def __init__(self, conn: Connection, kind: str, *, source: str, now: datetime, result: TableResult) -> None:
        self.conn = conn
        self.kind = kind
        self.source = source
        self.now = now
        self.result = result
        self.seen: dict[Any, int] = {}  # a row's identity → the line that had it

    def history(self, entity: str, entity_id: int, account_id: int, f: str, old: Any, new: Any) -> None:
        self.conn.execute(insert(Change).values(
            at=self.now, entity=entity, entity_id=entity_id, account_id=account_id, field=f,
            old=_text(old), new=_text(new), source=self.source))  # fmt: skip

    def once(self, key: Any, line: int, what: str, field_name: str) -> None:
        if key in self.seen:
            raise _Bad(field_name, None, f"the same {what} as line {self.seen[key]}")
        self.seen[key] = line

    def account_id(self, name: str, *, create: bool) -> int:
        row = self.conn.execute(select(Account.id).where(Account.name_key == name_key(name))).first()  # type: ignore[arg-type]
        if row is not None:
            return int(row[0])
        if not create:
            raise _Bad("account", name, f"no account named {name!r}; import its contacts or accounts first")
        new_id = self.conn.execute(insert(Account).values(name=name, name_key=name_key(name), created_at=self.now,
                                                          updated_at=self.now)).inserted_primary_key[0]  # fmt: skip
        self.history("account", new_id, new_id, "*", None, "created")
        self.result.accounts_created += 1
        return int(new_id)

    def contacts(self, account_id: int, account: str, refs: list[str]) -> dict[int, str]:
        """Contacts of the account named by email or name → their names; each must name exactly one."""
        c = Contact.__table__  # type: ignore[attr-defined]
        out: dict[int, str] = {}
        for ref in refs:
            if "@" in ref:
                rows = self.conn.execute(select(c.c.id, c.c.name, c.c.account_id).where(c.c.email == email_key(ref))).all()
                if rows and rows[0].account_id != account_id:
                    raise _Bad("contacts", ref, f"{ref!r} is a contact of another account; it must be a contact of {account}")
            else:
                rows = self.conn.execute(select(c.c.id, c.c.name, c.c.account_id).where(
                    c.c.account_id == account_id, c.c.name_key == name_key(ref))).all()  # fmt: skip
            if not rows:
                raise _Bad("contacts", ref, f"{ref!r} names nobody at {account}")
            if len(rows) > 1:
                raise _Bad("contacts", ref, f"{ref!r} names {len(rows)} contacts at {account}; use the email")
            out[rows[0].id] = rows[0].name
        return out

    # --- one row of each kind ---------------------------------------------

    def accounts(self, line: int, v: dict[str, Any]) -> None:
        a = Account.__table__  # type: ignore[attr-defined]
        self.once(name_key(v["account"]), line, "account", "account")
        row = self.conn.execute(select(a).where(a.c.name_key == name_key(v["account"]))).first()
        values = {f: v[f] for f in ACCOUNT_FIELDS if f in v}
        if row is None:
            new_id = self.conn.execute(insert(a).values(name=v["account"], name_key=name_key(v["account"]),
                                                        created_at=self.now, updated_at=self.now, **values)
                                       ).inserted_primary_key[0]  # fmt: skip
            self.history("account", new_id, new_id, "*", None, "created")
            self.result.created += 1
            return
        changed = {f: new for f, new in values.items() if row._mapping[f] != new}
        for f, new in changed.items():
            self.history("account", row.id, row.id, f, row._mapping[f], new)
        if changed:
            self.conn.execute(update(a).where(a.c.id == row.id).values(updated_at=self.now, **changed))
            self.result.updated += 1
        else:
            self.result.unchanged += 1

    def opportunities(self, line: int, v: dict[str, Any]) -> None:
        o, oc = Opportunity.__table__, OpportunityContact.__table__  # type: ignore[attr-defined]
        account_id = self.account_id(v["account"], create=False)
        people = self.contacts(account_id, v["account"], v["contacts"]) if "contacts" in v else None
        self.once((account_id, name_key(v["name"])), line, "opportunity", "name")
        row = self.conn.execute(select(o).where(o.c.account_id == account_id, o.c.name_key == name_key(v["name"]))).first()
        values = {f: v[f] for f in OPPORTUNITY_FIELDS if f in v}
        if row is None:
            opp_id = self.conn.execute(insert(o).values(account_id=account_id, name=v["name"], name_key=name_key(v["name"]),
                                                        created_at=self.now, updated_at=self.now, **values)
                                       ).inserted_primary_key[0]  # fmt: skip
            self.history("opportunity", opp_id, account_id, f"opportunity {v['name']}", None, "created")
            if people:
                self.conn.execute(insert(oc), [{"opportunity_id": opp_id, "contact_id": i} for i in people])
            self.result.created += 1
            return
        label = f"opportunity {row.name}"
        changed = {f: new for f, new in values.items() if row._mapping[f] != new}
        for f, new in changed.items():
            self.history("opportunity", row.id, account_id, f"{label}: {f}", row._mapping[f], new)
        if changed:
            self.conn.execute(update(o).where(o.c.id == row.id).values(updated_at=self.now, **changed))
        linked_now = False
        if people is not None:
            c = Contact.__table__  # type: ignore[attr-defined]
            before = dict(self.conn.execute(select(c.c.id, c.c.name).join(oc, oc.c.contact_id == c.c.id)
                                            .where(oc.c.opportunity_id == row.id)).all())  # fmt: skip
            if set(before) != set(people):
                linked_now = True
                self.conn.execute(delete(oc).where(oc.c.opportunity_id == row.id))
                self.conn.execute(insert(oc), [{"opportunity_id": row.id, "contact_id": i} for i in people])
                self.history("opportunity", row.id, account_id, f"{label}: contacts",
                             ", ".join(sorted(before.values())), ", ".join(sorted(people.values())))  # fmt: skip
        if changed or linked_now:
            self.result.updated += 1
        else:
            self.result.unchanged += 1

    def interactions(self, line: int, v: dict[str, Any]) -> None:
        from ..storage.interactions import complete_first_meetings

        i, ic = Interaction.__table__, InteractionContact.__table__  # type: ignore[attr-defined]
        account_id = self.account_id(v["account"], create=False)
        people = self.contacts(account_id, v["account"], v["contacts"]) if "contacts" in v else {}
        kind, summary = v.get("kind", "note"), v.get("summary", "")
        self.once((account_id, v["date"], kind, summary), line, "interaction", "date")
        row = self.conn.execute(select(i.c.id).where(i.c.account_id == account_id, i.c.on == v["date"],
                                                     i.c.kind == kind, i.c.summary == summary)).first()  # fmt: skip
        if row is None:
            item_id = self.conn.execute(insert(i).values(account_id=account_id, on=v["date"], kind=kind,
                                                         summary=summary, created_at=self.now)).inserted_primary_key[0]  # fmt: skip
            new_people = list(people)
            self.result.created += 1
        else:
            item_id = row.id
            linked = set(self.conn.execute(select(ic.c.contact_id).where(ic.c.interaction_id == item_id)).scalars())
            new_people = [p for p in people if p not in linked]
            if new_people:
                self.result.updated += 1
            else:
                self.result.unchanged += 1
        if new_people:
            self.conn.execute(insert(ic), [{"interaction_id": item_id, "contact_id": p} for p in new_people])
        # as `kam log`: meeting a successor completes that handover step
        met = complete_first_meetings(self.conn, kind, new_people, on=v["date"], notes=summary or None)
        self.result.steps_done += len(met)


def _rows(kind: str, path: Path, vocab: Vocabulary, *, encoding: str | None, ignore_unknown: bool,
          progress: Callable[[int, int], None] | None, problem: Callable[[Problem], None]):  # type: ignore[no-untyped-def]  # fmt: skip
    """(line, values, columns) for each row whose cells all parse; the others go to `problem`."""
    display = str(path)
    records = read_records(path, encoding=encoding, display=display, progress=progress)
    try:
        _, header_cells = next(records)
    except StopIteration:
        raise InputError([Problem(display, 1, None, None, None, "the file is empty")]) from None
    header = map_header(header_cells, COLUMNS[kind], REQUIRED[kind], file=display, ignore_unknown=ignore_unknown)
    cols = {f: i for i, f in enumerate(header.fields, start=1) if f is not None}
    width = len(header.fields)
    seen_data = False
    for line, cells in records:
        seen_data = True
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            extra = next(c for c in cells[width:] if c.strip())
            problem(Problem(display, line, None, None, extra, f"this row has {len(cells)} cells but the header has "
                            f"{width} columns (a value with an unquoted delimiter?)"))  # fmt: skip
            continue
        values: dict[str, Any] = {}
        ok = True
        for f, col in cols.items():
            raw = cells[col - 1] if col <= len(cells) else ""
            raw = unquote_formula(raw).strip() if raw[:1] == "'" else raw.strip()
            if not raw:
                continue
            try:
                values[f] = parse_table_cell(kind, f, raw, vocab)
            except VocabError as exc:
                problem(Problem(display, line, col, f, raw, str(exc)))
                ok = False
        for f in REQUIRED[kind]:
            if f not in values and not _had(cells, cols[f]):
                problem(Problem(display, line, cols.get(f), f, None, f"{f} is required"))
                ok = False
        if ok:
            yield line, values, cols
    if not seen_data:
        raise InputError([Problem(display, 2, None, None, None, "no data rows below the header")])


def _had(cells: list[str], col: int) -> bool:
    return col <= len(cells) and bool(cells[col - 1].strip())


def import_table(
    db: Database, path: Path, kind: str, *, vocab: Vocabulary, now: datetime, encoding: str | None = None,
    dry_run: bool = False, skip_invalid: bool = False, ignore_unknown: bool = False,
    progress: Callable[[int, int], None] | None = None, today: date | None = None,
) -> TableResult:  # fmt: skip
    """Import an accounts, opportunities or interactions CSV in one transaction.

    Every row is checked in full before it is written, so with `skip_invalid`
    the valid rows are written in the same single pass and the others reported.
    """
    result = TableResult(kind=kind, dry_run=dry_run)
    problems = ProblemList()  # the first ones kept, the rest counted
    bad_lines: set[int] = set()

    def problem(p: Problem) -> None:
        problems.add(p)
        bad_lines.add(p.line)

    # committed at the end of the block; rolled back on any exception, or here for a dry run
    with db.writer.connect() as conn, conn.begin() as trans:
        writer = _Writer(conn, kind, source=f"import {path.name}", now=now, result=result)
        write_row = getattr(writer, kind)
        for line, values, cols in _rows(kind, path, vocab, encoding=encoding, ignore_unknown=ignore_unknown,
                                        progress=progress, problem=problem):  # fmt: skip
            savepoint = conn.begin_nested()
            try:
                write_row(line, values)
            except _Bad as bad:
                savepoint.rollback()
                problem(Problem(str(path), line, cols.get(bad.field) if bad.field else None, bad.field,
                                bad.value, bad.message))  # fmt: skip
            else:
                savepoint.commit()
        if problems.count and not skip_invalid:
            n = problems.count
            raise InputError(problems, f"nothing was written ({n:,} problem{'s' if n != 1 else ''})")
        result.problems, result.problem_count, result.skipped = problems.shown(), problems.count, len(bad_lines)
        if dry_run:
            trans.rollback()
        return result
