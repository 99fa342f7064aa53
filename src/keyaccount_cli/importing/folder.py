"""`kam import DIR` (docs/spec.md §8): the folder `kam export all` writes, every file in one transaction,
and contacts.csv's `moved_to` column.

The files are read in the order of `columns.FOLDER_FILES` (a missing one is skipped), each as
`kam import FILE --kind …` reads it; any problem in any file and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..domain.succession import DEFAULT_DEADLINES, HISTORY_HORIZON_DAYS
from ..domain.vocab import Vocabulary
from ..errors import InputError, KamError, Problem, ProblemList
from ..storage.link_import import link_import
from ..storage.table_import import RowRefused, transaction
from .columns import CONTACT_COLUMNS, FOLDER_FILES, MOVED_TO
from .contacts import ImportResult, import_contacts
from .csvfile import map_header, read_records, unquote_formula
from .tables import TableResult, import_table
from .workbook import sheet_display


@dataclass
class FolderResult:
    """What each file of the import did, in the order read (`moves`: contacts.csv's `moved_to`)."""

    files: list[tuple[Path, ImportResult]] = field(default_factory=list)
    moves: TableResult | None = None


def folder_files(folder: Path) -> list[tuple[str, Path]]:
    """(kind, file) of each file of `kam export all` in the folder; none there is an error."""
    found = [(kind, folder / f"{kind}.csv") for kind in FOLDER_FILES if (folder / f"{kind}.csv").is_file()]
    if not found:
        expected = ", ".join(f"{kind}.csv" for kind in FOLDER_FILES)
        raise KamError(f"{folder}: none of the files kam export all writes is there (expected one of {expected})")
    return found


def import_files(
    db: Any, files: Sequence[tuple[str, Path]], *, vocab: Vocabulary, now: datetime, today: date,
    deadlines: Mapping[str, int] | None = None, encoding: str | None = None, dry_run: bool = False,
    ignore_unknown: bool = False, horizon: int = HISTORY_HORIZON_DAYS, list_changes: bool = False,
    sheet: str | None = None,
) -> FolderResult:  # fmt: skip
    """Import `files` ((kind, path), in this order) in one transaction into the `Database`; with
    `list_changes`, each file's result lists what it changes (`kam import --dry-run`); `sheet`:
    the sheet of a workbook among them."""
    result = FolderResult()
    offsets = dict(deadlines or DEFAULT_DEADLINES)
    with transaction(db, dry_run=dry_run) as conn:
        for kind, path in files:
            if not _has_rows(path, encoding, sheet):  # a table `kam export all` found empty: nothing to do
                result.files.append((path, ImportResult(dry_run=dry_run)))
                continue
            if kind == "contacts":
                done: ImportResult = import_contacts(conn, path, vocab=vocab, now=now, encoding=encoding,
                                                     ignore_unknown=ignore_unknown, today=today, deadlines=offsets,
                                                     horizon=horizon, list_changes=list_changes, sheet=sheet)  # fmt: skip
                result.moves = import_moves(conn, path, now=now, today=today, encoding=encoding, sheet=sheet)
            else:
                done = import_table(conn, path, kind, vocab=vocab, now=now, encoding=encoding, today=today,
                                    ignore_unknown=ignore_unknown, offsets=offsets, list_changes=list_changes)  # fmt: skip
            done.dry_run = dry_run
            result.files.append((path, done))
    if any(kind == "handovers" for kind, _ in files):
        for _, done in result.files:  # the steps as handovers.csv has them, not as a meeting left them
            if isinstance(done, TableResult):
                done.steps_done = 0
    return result


def _has_rows(path: Path, encoding: str | None, sheet: str | None) -> bool:
    """Whether the file has a row below its header (its problems are reported by its import)."""
    try:
        records = read_records(path, encoding=encoding, sheet=sheet)
        return next(records, None) is not None and next(records, None) is not None
    except KamError:
        return True


def _cell(cells: list[str], col: int | None) -> str:
    raw = cells[col - 1] if col is not None and col <= len(cells) else ""
    raw = unquote_formula(raw) if raw[:1] == "'" else raw
    return " ".join(raw.split())


def import_moves(
    conn: Any, path: Path, *, now: datetime, today: date, encoding: str | None, sheet: str | None = None
) -> TableResult | None:
    """The `moved_to` cells of a contacts file just imported: each contact kept at that account too
    (`LinkWriter.moves`); None when the file has no such column."""
    display = sheet_display(path, sheet)
    records = read_records(path, encoding=encoding, display=display, sheet=sheet)
    _, header_cells = next(records)
    header = map_header(header_cells, CONTACT_COLUMNS | MOVED_TO, ("account", "name"), file=display,
                        ignore_unknown=True)  # fmt: skip
    cols = {f: header.column(f) for f in ("account", "name", "email", "moved_to")}
    if cols["moved_to"] is None:
        return None
    result = TableResult(kind="moves")
    problems = ProblemList()
    with link_import(conn, "moves", source=f"import {path.name}", now=now, result=result, dry_run=False,
                     today=today) as writer:  # fmt: skip
        for line, cells in records:
            values = {f: _cell(cells, col) for f, col in cols.items()}
            if not values["moved_to"]:
                continue
            try:
                writer.write(line, values)
            except RowRefused as refused:
                for f, value, message in refused.reasons:
                    problems.add(Problem(display, line, cols.get(f or ""), header.headers().get(f or "", f), value,
                                         message))  # fmt: skip
        if problems.count:
            raise InputError(
                problems, f"nothing was written ({problems.count:,} problem{'s' if problems.count != 1 else ''})"
            )
    return result
