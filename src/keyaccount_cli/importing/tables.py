"""`kam import --kind accounts|opportunities|interactions` (SPEC §7): the other tables from CSV.

The same rules as the contacts import: header aliases (English and Chinese),
encodings and delimiters detected by `csvio.read_records`, every cell parsed to
its canonical value, each problem located by file, line, column and value, and
the whole file one transaction (nothing is written when a row is invalid, unless
`skip_invalid`). Rows are upserted; changed account and opportunity fields land
in the change history. Here the file is read and each row parsed and checked;
`storage.table_import` writes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..domain.succession import step_name
from ..domain.vocab import VocabError, Vocabulary, bounded_number, parse_date, split_multi
from ..errors import InputError, KamError, Problem, ProblemList
from ..storage.database import Database
from ..storage.link_import import link_import
from ..storage.table_import import RowRefused, table_import
from .columns import COLUMNS
from .contacts import ImportResult
from .csvfile import map_header, read_records, unquote_formula

REQUIRED = {
    "accounts": ("account",), "opportunities": ("account", "name"), "interactions": ("account", "date"),
    "relations": ("contact", "other", "kind"), "handovers": ("contact", "step"),
}  # fmt: skip
TABLE_KINDS = ("accounts", "opportunities", "interactions")
STEP_STATUS = {"open": ("未完成", "待办"), "done": ("完成", "已完成")}

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
        raise VocabError(
            f"{raw.strip()!r} is out of range; expected {'between ' if upper else 'at least '}{low:g}{upper}"
        )
    return int(value) if whole else value


def parse_table_cell(kind: str, f: str, raw: str, vocab: Vocabulary) -> Any:
    """The canonical value of one non-empty cell of a `kind` file."""
    if f == "account" or f == "name":
        return " ".join(raw.split())
    if f in ("tier", "renewal_intent"):
        return vocab.one(f, raw)
    if f == "kind":
        return vocab.one("relation_kind" if kind == "relations" else "interaction_kind", raw)
    if f == "step":
        try:
            return step_name(raw)
        except KamError as exc:
            raise VocabError(str(exc)) from None
    if f == "status":
        return _step_status(raw)
    if f in ("contact", "other"):
        return " ".join(raw.split())
    if f in ("annual_revenue", "amount"):
        return parse_number(raw)
    if f == "usage":
        return parse_number(raw, high=100)
    if f == "p1_tickets":
        return parse_number(raw, whole=True, high=MAX_TICKETS)
    if f == "nps":
        return parse_number(raw, whole=True, high=10)
    if f in ("close_date", "date", "deadline", "done_on"):
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
    db: Database | Any, path: Path, kind: str, *, vocab: Vocabulary, now: datetime, encoding: str | None = None,
    dry_run: bool = False, skip_invalid: bool = False, ignore_unknown: bool = False,
    progress: Callable[[int, int], None] | None = None, today: date | None = None,
    offsets: Mapping[str, int] | None = None,
) -> TableResult:  # fmt: skip
    """Import an accounts, opportunities, interactions, relations or handovers CSV in one
    transaction (`db`: the `Database`, or a connection in the transaction of `kam import DIR`).

    Every row is checked in full before it is written, so with `skip_invalid`
    the valid rows are written in the same single pass and the others reported.
    """
    result = TableResult(kind=kind, dry_run=dry_run)
    problems = ProblemList()  # the first ones kept, the rest counted
    bad_lines: set[int] = set()

    def problem(p: Problem) -> None:
        problems.add(p)
        bad_lines.add(p.line)

    source = f"import {path.name}"
    # committed at the end of the block; rolled back on any exception, or at its end for a dry run
    with (
        table_import(db, kind, source=source, now=now, result=result, dry_run=dry_run)
        if kind in TABLE_KINDS
        else link_import(db, kind, source=source, now=now, result=result, dry_run=dry_run,
                         today=today or now.date(), offsets=offsets)
    ) as writer:  # fmt: skip
        for line, values, cols in _rows(kind, path, vocab, encoding=encoding, ignore_unknown=ignore_unknown,
                                        progress=progress, problem=problem):  # fmt: skip
            if kind == "handovers":  # a step's state as the row writes it: an empty cell is no value
                values = {f: values.get(f) for f in cols}
            try:
                writer.write(line, values)
            except RowRefused as bad:
                problem(Problem(str(path), line, cols.get(bad.field) if bad.field else None, bad.field,
                                bad.value, bad.message))  # fmt: skip
        if problems.count and not skip_invalid:
            n = problems.count
            raise InputError(problems, f"nothing was written ({n:,} problem{'s' if n != 1 else ''})")
        result.problems, result.problem_count, result.skipped = problems.shown(), problems.count, len(bad_lines)
    return result
