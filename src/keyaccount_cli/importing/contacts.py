"""`kam import` of a contacts CSV (docs/spec.md §3): the file → chunks of validated rows → storage, in one
transaction with history.

The file is streamed in chunks, so memory stays flat however long it is. Each chunk is parsed
column by column (`chunks`; a large file in a worker process, `worker`), then matched to the
stored contacts and written (`storage.contact_import`); once the whole file is in, the references
are resolved and checked. All of it is one bulk load (`storage.bulkload`): any problem and nothing
is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..domain.succession import DEFAULT_DEADLINES, HISTORY_HORIZON_DAYS
from ..domain.vocab import Vocabulary
from ..errors import InputError, Problem, ProblemList
from ..storage.bulkload import bulk_load
from ..storage.contact_import import ContactImport
from ..storage.contact_rows import REFERENCES, SCALAR_FIELDS, Fields, Row
from ..storage.plans import sync_plans
from .cells import option_values, parse_cell
from .chunks import Chunk, parse_chunks
from .columns import CONTACT_COLUMNS, MOVED_TO
from .csvfile import first_cells
from .workbook import sheet_display
from .worker import from_worker

__all__ = [
    "CONTACT_COLUMNS",
    "EXPORT_HEADER",
    "ImportResult",
    "import_contacts",
    "option_values",
    "parse_cell",
    "read_rows",
]

EXPORT_HEADER = list(CONTACT_COLUMNS)

CHUNK = 5000  # records parsed, matched and written at a time
WORKER_MIN_BYTES = 2 << 20  # about 20,000 contacts: below this a worker is not worth starting


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    accounts_created: int = 0
    cleared: int = 0  # fields a `-` cell cleared
    # what the import changes, when asked (`list_changes`): line, account, contact, field, before, after, change
    changes: list[dict[str, Any]] | None = None
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    plans_opened: int = 0
    plans_cancelled: int = 0  # people back to active with no change ahead
    history: int = 0  # changes dated too far back when imported: no plan (docs/spec.md §8)
    successor_steps: int = 0  # `successor` steps done by a successor imported


CHANGE_KEYS = ("line", "account", "contact", "field", "before", "after", "change")


def change_records(changes: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The changes an import made (or would make), in the file's order: one record per new
    contact (`created`, no field) and per changed field (`updated` or `cleared`)."""
    order = {f: k for k, f in enumerate(("name", *SCALAR_FIELDS, *REFERENCES))}
    changes.sort(key=lambda c: (c[0], -1 if c[3] is None else order.get(c[3], len(order))))
    return [dict(zip(CHANGE_KEYS, c, strict=True)) for c in changes]


def read_rows(
    imp: ContactImport, path: Path, vocab: Vocabulary, *, encoding: str | None, ignore_unknown: bool,
    progress: Callable[[int, int], None] | None, warnings: list[str], sheet: str | None = None,
) -> Iterator[list[Row]]:  # fmt: skip
    """Parse the file into chunks of valid rows; problems go to `imp`.

    A large file is read and parsed in a worker process, a chunk ahead of this one's matching
    and writing: with a second core the two overlap. Small files, and systems without `fork`
    or a second core, are parsed here. Either way the rows, problems and warnings are the same."""
    size, stored_value = CHUNK, imp.sql.value

    def parse(sink: Any, progress: Callable[[int, int], None] | None, warnings: list[str]) -> Iterator[Chunk]:
        return parse_chunks(sink, path, vocab, columns=CONTACT_COLUMNS | MOVED_TO, size=size, stored_value=stored_value,
                            encoding=encoding, ignore_unknown=ignore_unknown, progress=progress, warnings=warnings,
                            sheet=sheet)  # fmt: skip

    worker = imp.load.on("worker") and _worth_a_worker(path)
    chunks = from_worker(imp, parse, progress=progress, warnings=warnings) if worker else parse(imp, progress, warnings)
    fields = Fields._make
    for lines, accounts, account_keys, name_keys, emails, values, reports, successors in chunks:
        yield list(map(Row, lines, accounts, account_keys, name_keys, emails, map(fields, values), reports, successors))


def has_moves(path: Path, encoding: str | None, sheet: str | None = None) -> bool:
    """Whether a contacts file has a `moved_to` column (then `folder.import_files` imports it, in
    one transaction with its moves): its first line only."""
    names = {n.casefold() for f, aliases in MOVED_TO.items() for n in (f, *aliases)}
    return any(cell.strip().casefold() in names for cell in first_cells(path, encoding, sheet))


def _worth_a_worker(path: Path) -> bool:
    try:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        return hasattr(os, "fork") and cores > 1 and path.stat().st_size >= WORKER_MIN_BYTES
    except OSError:
        return False  # the parse here reports the unreadable file


def import_contacts(
    db: Any, path: Path, *, vocab: Vocabulary, now: datetime, encoding: str | None = None,
    dry_run: bool = False, skip_invalid: bool = False, ignore_unknown: bool = False,
    progress: Callable[[int, int], None] | None = None, today: date | None = None,
    deadlines: dict[str, int] | None = None, new_file: bool = False, horizon: int = HISTORY_HORIZON_DAYS,
    list_changes: bool = False, sheet: str | None = None,
) -> ImportResult:  # fmt: skip
    """Import a contacts CSV in one transaction into `db`: the `Database`, or on a SQLite file a
    `sqlite3` connection from `sqlitefile.open_sqlite_writer` (`new_file`: which it has just created).

    With `skip_invalid`, a pass that finds bad rows is rolled back and the file is imported
    again without them and the rows that name them (`ContactImport.skip_dependents`); should that
    pass still find a problem, again, until a pass is clean. With `list_changes`, the result lists
    each new contact and each changed field (`changes`). A workbook is read from its first sheet, or `sheet`.
    """
    display = sheet_display(path, sheet)
    excluded: set[int] = set()
    skipped = ProblemList()
    while True:
        # committed at the end of the block; rolled back on any exception, or here for a dry run
        with bulk_load(db, new_file=new_file) as load:
            imp = ContactImport(load, display=display, source=f"import {path.name}", now=now, excluded=excluded,
                                expected_rows=path.stat().st_size // 100,  # a contact row is rarely shorter
                                bad_lines=set() if skip_invalid else None)  # fmt: skip
            warnings: list[str] = []
            imp.changes = [] if list_changes else None
            imp.begin()
            rows = read_rows(imp, path, vocab, encoding=encoding, ignore_unknown=ignore_unknown,
                             progress=progress, warnings=warnings, sheet=sheet)  # fmt: skip
            for chunk in rows:
                imp.add_chunk(chunk)
            imp.resolve()
            if imp.problem_count:
                if imp.bad_lines is None:
                    load.rollback()
                    n = imp.problem_count
                    raise InputError(imp.problems, f"nothing was written ({n:,} problem{'s' if n != 1 else ''})")
                imp.skip_dependents()
                load.rollback()  # the next pass goes without the bad lines
                excluded |= imp.bad_lines
                skipped.merge(imp.problems)
                continue
            imp.finish()
            plans = sync_plans(load.conn, imp.plan_ids, offsets=deadlines or DEFAULT_DEADLINES,
                               today=today or now.date(), at=now, horizon=horizon, source=imp.source)  # fmt: skip
            warnings += imp.warnings
            if imp.warning_count > len(imp.warnings):
                warnings.append(f"{imp.warning_count - len(imp.warnings):,} more possible duplicates")
            result = ImportResult(
                created=imp.created, updated=imp.updated, unchanged=imp.unchanged, skipped=len(excluded),
                accounts_created=imp.accounts_created, problems=skipped.shown(),
                problem_count=skipped.count, warnings=warnings, dry_run=dry_run, plans_opened=len(plans.opened),
                plans_cancelled=len(plans.cancelled), history=len(plans.history),
                successor_steps=len(plans.successor_done),
                cleared=imp.cleared, changes=None if imp.changes is None else change_records(imp.changes),
            )  # fmt: skip
            if dry_run:
                load.rollback()
            return result
