"""`kam import --kind accounts|opportunities|interactions` (docs/spec.md §7): the other tables from CSV.

The same rules as the contacts import: header aliases (English and Chinese),
encodings and delimiters detected by `csvio.read_records`, every cell parsed to
its canonical value, each problem located by file, line, column and value, and
the whole file one transaction (nothing is written when a row is invalid, unless
`skip_invalid`). Rows are upserted; changed account and opportunity fields land
in the change history. Here the file is read and each row parsed and checked;
`storage.table_import` writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..domain.numbers import parse_amount, parse_number
from ..domain.owner_handover import owner_step_name
from ..domain.succession import step_name
from ..domain.vocab import VocabError, Vocabulary, parse_date, split_multi
from ..errors import InputError, KamError, Problem, ProblemList
from ..storage.contact_rows import CLEAR
from ..storage.database import Database
from ..storage.link_import import link_import
from ..storage.table_import import RowRefused, table_import
from .columns import COLUMNS
from .contacts import ImportResult
from .csvfile import CLEAR_CELL, cannot_clear, map_header, read_records, unquote_formula
from .workbook import sheet_display

REQUIRED = {
    "accounts": ("account",), "opportunities": ("account", "name"), "interactions": ("account", "date"),
    "relations": ("contact", "other", "kind"), "handovers": ("contact", "step"), "owner_handovers": ("account", "step"),
    "team": ("account", "name"),
}  # fmt: skip
TABLE_KINDS = ("accounts", "opportunities", "interactions")
STEP_STATUS = {"open": ("未完成", "待办"), "done": ("完成", "已完成")}

MAX_TICKETS = 100_000  # P1 tickets of one account; well within a PostgreSQL INTEGER


def parse_table_cell(kind: str, f: str, raw: str, vocab: Vocabulary) -> Any:
    """The canonical value of one non-empty cell of a `kind` file."""
    if f in ("account", "name", "by"):
        return " ".join(raw.split())
    if f in ("tier", "renewal_intent"):
        return vocab.one(f, raw)
    if f == "role":  # of a team member
        return vocab.one("team_role", raw)
    if f == "status":
        return _step_status(raw) if kind in ("handovers", "owner_handovers") else vocab.one("account_status", raw)
    if f == "kind":
        return vocab.one("relation_kind" if kind == "relations" else "interaction_kind", raw)
    if f == "step":
        try:
            return owner_step_name(raw) if kind == "owner_handovers" else step_name(raw)
        except KamError as exc:
            raise VocabError(str(exc)) from None
    if f in ("contact", "other"):
        return " ".join(raw.split())
    if f in ("annual_revenue", "amount"):
        return parse_amount(raw)
    if f == "usage":
        return parse_number(raw, high=100)
    if f == "p1_tickets":
        return parse_number(raw, whole=True, high=MAX_TICKETS)
    if f == "nps":
        return parse_number(raw, whole=True, high=10)
    if f in ("close_date", "date", "renewal_date", "deadline", "done_on", "change_on", "reassigned_on"):
        return parse_date(raw)
    if f == "contacts":
        return split_multi(raw)
    if f == "stage":
        return " ".join(raw.split())
    return raw


def _step_status(raw: str) -> str:
    value = raw.strip().casefold()
    for status, aliases in STEP_STATUS.items():
        if value == status or value in aliases:
            return status
    raise VocabError(f"unknown step status {raw.strip()!r}; expected open or done")


@dataclass
class TableResult(ImportResult):
    """What an import of accounts, opportunities or interactions did: the contacts import's counts,
    plus the kind and the handover steps a meeting with a successor completed."""

    kind: str = ""
    steps_done: int = 0
    owner_steps_done: int = 0  # key_contacts_met of an owner handover (docs/spec.md §9)


@dataclass
class Columns:
    """The mapped columns of a file's header: field → its column, and → its header as written."""

    cols: dict[str, int]
    headers: dict[str, str]

    def problem(self, file: str, line: int, f: str | None, value: str | None, message: str) -> Problem:
        """A problem located at field `f`'s column, named as the file's header writes it."""
        if f is None:
            return Problem(file, line, None, None, value, message)
        return Problem(file, line, self.cols.get(f), self.headers.get(f, f), value, message)


def _rows(kind: str, path: Path, vocab: Vocabulary, *, encoding: str | None, ignore_unknown: bool,
          progress: Callable[[int, int], None] | None, problem: Callable[[Problem], None], display: str,
          sheet: str | None):  # type: ignore[no-untyped-def]  # fmt: skip
    """(line, values, columns, ok) for each row that has its required cells, `ok` when all of its
    cells parse; the problems go to `problem`, every one of a row."""
    records = read_records(path, encoding=encoding, display=display, progress=progress, sheet=sheet)
    try:
        _, header_cells = next(records)
    except StopIteration:
        raise InputError([Problem(display, 1, None, None, None, "the file is empty")]) from None
    header = map_header(header_cells, COLUMNS[kind], REQUIRED[kind], file=display, ignore_unknown=ignore_unknown)
    columns = Columns(header.columns(), header.headers())
    width = len(header.fields)
    seen_data = False
    for line, cells in records:
        seen_data = True
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            extra = next(c for c in cells[width:] if c.strip())
            problem(Problem(display, line, None, None, extra, f"this row has {len(cells)} cells but the header has "
                            f"{width} columns (a value with an unquoted delimiter?)"))  # fmt: skip
            continue
        values, ok = _cells(kind, cells, columns, vocab, where=(display, line), problem=problem)
        for f in REQUIRED[kind]:
            if f not in values and not _had(cells, columns.cols[f]):
                problem(columns.problem(display, line, f, None, f"{f} is required"))
                ok = False
        if all(f in values for f in REQUIRED[kind]):
            yield line, values, columns, ok
    if not seen_data:
        raise InputError([Problem(display, 2, None, None, None, "no data rows below the header")])


def _cells(
    kind: str, cells: list[str], columns: Columns, vocab: Vocabulary, *, where: tuple[str, int],
    problem: Callable[[Problem], None],
) -> tuple[dict[str, Any], bool]:  # fmt: skip
    """A row's values, cell by cell (a `-` clears its field), and whether they all parse; each
    problem (at `where`: file, line) goes to `problem`."""
    values: dict[str, Any] = {}
    ok = True
    for f, col in columns.cols.items():
        raw = cells[col - 1] if col <= len(cells) else ""
        if raw.strip() == CLEAR_CELL:  # clears the field (`'-` is the text `-`)
            if f in REQUIRED[kind]:
                problem(columns.problem(*where, f, CLEAR_CELL, cannot_clear(f)))
                ok = False
            elif kind != "interactions":  # a new interaction has nothing to clear: `-` is an empty cell
                values[f] = CLEAR
            continue
        raw = unquote_formula(raw).strip() if raw[:1] == "'" else raw.strip()
        if not raw:
            continue
        try:
            values[f] = parse_table_cell(kind, f, raw, vocab)
        except VocabError as exc:
            problem(columns.problem(*where, f, raw, str(exc)))
            ok = False
    return values, ok


def _had(cells: list[str], col: int) -> bool:
    return col <= len(cells) and bool(cells[col - 1].strip())


def import_table(
    db: Database | Any, path: Path, kind: str, *, vocab: Vocabulary, now: datetime, encoding: str | None = None,
    dry_run: bool = False, skip_invalid: bool = False, ignore_unknown: bool = False,
    progress: Callable[[int, int], None] | None = None, today: date | None = None, list_changes: bool = False,
    offsets: Mapping[str, int] | None = None, sheet: str | None = None,
) -> TableResult:  # fmt: skip
    """Import an accounts, opportunities, interactions, relations or handovers CSV in one
    transaction (`db`: the `Database`, or a connection in the transaction of `kam import DIR`).

    Every row is checked in full before it is written, so with `skip_invalid`
    the valid rows are written in the same single pass and the others reported.
    """
    result = TableResult(kind=kind, dry_run=dry_run, changes=[] if list_changes else None)
    problems = ProblemList()  # the first ones kept, the rest counted
    bad_lines: set[int] = set()

    def problem(p: Problem) -> None:
        problems.add(p)
        bad_lines.add(p.line)

    source = f"import {path.name}"
    display = sheet_display(path, sheet)
    # committed at the end of the block; rolled back on any exception, or at its end for a dry run
    with (
        table_import(db, kind, source=source, now=now, result=result, dry_run=dry_run, today=today)
        if kind in TABLE_KINDS
        else link_import(db, kind, source=source, now=now, result=result, dry_run=dry_run,
                         today=today or now.date(), offsets=offsets)
    ) as writer:  # fmt: skip
        for line, values, columns, ok in _rows(kind, path, vocab, encoding=encoding, ignore_unknown=ignore_unknown,
                                               progress=progress, problem=problem, display=display, sheet=sheet):  # fmt: skip
            if kind in (
                "handovers",
                "owner_handovers",
            ):  # a step's state as the row writes it: an empty cell is no value
                values = {f: values.get(f) for f in columns.cols}
            try:  # a row with a bad cell is still checked, so that all of its problems are told
                writer.write(line, values, check_only=not ok)
            except RowRefused as refused:
                for f, value, message in refused.reasons:
                    problem(columns.problem(display, line, f, value, message))
        if problems.count and not skip_invalid:
            n = problems.count
            raise InputError(problems, f"nothing was written ({n:,} problem{'s' if n != 1 else ''})")
        result.problems, result.problem_count, result.skipped = problems.shown(), problems.count, len(bad_lines)
    return result
