"""`kam import`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import KamError, more_problems
from ..i18n import _, ngettext
from ..messages import quiet
from ..storage.sqlitefile import NewFile, claim_new_file, memory_database, open_sqlite_writer
from .common import Format, err, examples, guarded, note, one_of, state

if TYPE_CHECKING:
    from ..importing.contacts import ImportResult


class Kind(StrEnum):
    contacts = "contacts"
    accounts = "accounts"
    opportunities = "opportunities"
    interactions = "interactions"
    relations = "relations"
    handovers = "handovers"
    owner_handovers = "owner_handovers"
    team = "team"


def register(app: typer.Typer) -> None:
    app.command(
        "import",
        epilog=examples(
            "kam import contacts.csv --dry-run",
            "kam import accounts.csv --kind accounts",
            "kam import contacts.xlsx --sheet contacts",
            "kam import backup/   # a folder kam export all wrote",
        ),
    )(import_file)


@guarded
def import_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The CSV (UTF-8, UTF-8 with BOM or GBK/GB18030; comma, semicolon or tab), an Excel workbook (.xlsx), or a folder kam export all wrote.", show_default=False, metavar="FILE")],
    kind: Annotated[Kind, typer.Option("--kind", help="What the file holds: contacts, accounts, opportunities, interactions, relations, handovers, owner_handovers or team.", case_sensitive=False, metavar="KIND")] = Kind.contacts,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and report what would change; write nothing.")] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Write the valid rows and report the others.")] = False,
    ignore_unknown: Annotated[bool, typer.Option("--ignore-unknown", help="Ignore columns kam does not know.")] = False,
    encoding: Annotated[str | None, typer.Option("--encoding", help="Override the detected text encoding (e.g. gb18030, big5).", metavar="ENCODING")] = None,
    format: Annotated[Format | None, typer.Option("--format", "-f", help="With --dry-run: list the changes as a table (lines), json or csv; json and csv also list what a real import changed.", case_sensitive=False, show_default=False, metavar=one_of(Format))] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Of a workbook (.xlsx): the sheet to read (default: the first).", metavar="NAME")] = None,
) -> None:  # fmt: skip
    """Import contacts or other records: one transaction, upsert.

    Contacts (or accounts, opportunities, interactions, relations, handovers) from a CRM or Excel
    export, or a whole folder `kam export all` wrote."""
    st = state(ctx)
    vocab = st.config().vocabulary
    _check_workbook_options(file, encoding, sheet)
    if file.is_dir() or (kind is Kind.contacts and _has_moves(file, encoding, sheet)):
        _import_files(st, file, kind, dry_run=dry_run, skip_invalid=skip_invalid, ignore_unknown=ignore_unknown,
                      encoding=encoding, format=format, sheet=sheet)  # fmt: skip
        return
    location = st.sqlite_file()
    with _new_database_file(location, dry_run=dry_run) as created, _progress(file) as progress:
        fresh = created.file is not None or (dry_run and location is not None and not location.exists())
        db = created.db = _open_for_import(st, location, kind, dry_run=dry_run, fresh=fresh)
        result: ImportResult
        if kind is not Kind.contacts:
            from ..importing.tables import import_table

            result = import_table(
                db, file, kind.value, vocab=vocab, now=st.now, encoding=encoding, dry_run=dry_run,
                skip_invalid=skip_invalid, ignore_unknown=ignore_unknown, progress=progress, today=st.today,
                offsets=st.config().deadlines,
                list_changes=dry_run or format in (Format.json, Format.csv), sheet=sheet,
            )  # fmt: skip
        else:
            from ..importing.contacts import import_contacts

            try:
                result = import_contacts(
                    db, file, vocab=vocab, now=st.now, encoding=encoding, dry_run=dry_run,
                    skip_invalid=skip_invalid, ignore_unknown=ignore_unknown, progress=progress,
                    today=st.today, deadlines=st.config().deadlines, new_file=created.file is not None,
                    horizon=st.config().history_horizon_days,
                    list_changes=dry_run or format in (Format.json, Format.csv), sheet=sheet,
                )  # fmt: skip
            finally:
                if db is not st._db:
                    db.close()
    _report(result, file.name, dry_run=dry_run, format=format, horizon=st.config().history_horizon_days)


def _has_moves(file: Path, encoding: str | None, sheet: str | None) -> bool:
    from ..importing.contacts import has_moves

    return file.is_file() and has_moves(file, encoding, sheet)


def _check_workbook_options(file: Path, encoding: str | None, sheet: str | None) -> None:
    """--encoding is for a CSV, --sheet for a workbook (a folder has neither)."""
    from ..importing.workbook import is_workbook

    workbook = is_workbook(file) and not file.is_dir()
    if workbook and encoding is not None:
        raise KamError(f"--encoding: {file} is a workbook, which has no text encoding to choose; leave --encoding out")
    if sheet is not None and not workbook:
        raise KamError(f"--sheet {sheet!r}: {file} is not a workbook (.xlsx); --sheet names a sheet of one")


def _import_files(st: Any, file: Path, kind: Kind, *, dry_run: bool, skip_invalid: bool, ignore_unknown: bool,
                  encoding: str | None, format: Format | None, sheet: str | None = None) -> None:  # fmt: skip
    """A folder `kam export all` wrote (or a contacts file with its `moved_to` column): every file in
    one transaction; the changes of every file in one list when asked."""
    from ..importing.folder import folder_files, import_files
    from ..storage.database import NoDatabase, open_database

    if file.is_dir() and kind is not Kind.contacts:
        raise KamError(f"--kind {kind.value} takes one file; {file} is a folder (kam import {file} reads all of it)")
    if skip_invalid:
        raise KamError(f"--skip-invalid: {file} is imported whole or not at all; correct the file the error names")
    files = folder_files(file) if file.is_dir() else [("contacts", file)]
    with _new_database_file(st.sqlite_file(), dry_run=dry_run) as created:  # removed if the import fails
        try:
            db = created.db = st.db(create=not dry_run)
        except NoDatabase:
            db = open_database("sqlite://")  # validate against an empty database; create nothing
        horizon = st.config().history_horizon_days
        listing = dry_run or format in (Format.json, Format.csv)
        result = import_files(db, files, vocab=st.config().vocabulary, now=st.now, today=st.today,
                              deadlines=st.config().deadlines, encoding=encoding, dry_run=dry_run,
                              ignore_unknown=ignore_unknown, horizon=horizon,
                              list_changes=listing, sheet=sheet)  # fmt: skip
    changes = [c for _, done in result.files for c in (done.changes or [])]
    if listing:
        from ..importing.contacts import CHANGE_KEYS
        from ..render.output import write_import_changes

        write_import_changes(changes, (format or Format.table).value, CHANGE_KEYS)
    for path, done in result.files:
        done.changes = None  # listed above, all files in one list
        _report(done, path.name if file.is_file() else str(path), dry_run=dry_run, format=format, horizon=horizon)
    if result.moves is not None and result.moves.updated:
        n = result.moves.updated
        note(
            (
                ngettext(
                    "would record {n} move to another account (moved_to)",
                    "would record {n} moves to another account (moved_to)",
                    n,
                )
                if dry_run
                else ngettext(
                    "recorded {n} move to another account (moved_to)",
                    "recorded {n} moves to another account (moved_to)",
                    n,
                )
            ).format(n=n)  # fmt: skip
        )


def _summary(result: ImportResult, name: str, *, dry_run: bool) -> str:
    """`imported contacts.csv: 1 created, 2 updated, 0 unchanged, 0 skipped, 1 field cleared (1 new account)`."""
    n = result.cleared
    cleared = ngettext(", {n} field cleared", ", {n} fields cleared", n).format(n=n) if n else ""
    n = result.accounts_created
    accounts = ngettext(" ({n} new account)", " ({n} new accounts)", n).format(n=n) if n else ""
    text = (_("would import {name}: {created} created, {updated} updated, {unchanged} unchanged, {skipped} skipped")
            if dry_run else
            _("imported {name}: {created} created, {updated} updated, {unchanged} unchanged, {skipped} skipped"))  # fmt: skip
    counts = text.format(name=name, created=result.created, updated=result.updated, unchanged=result.unchanged,
                         skipped=result.skipped)  # fmt: skip
    return counts + cleared + accounts


def _report(result: ImportResult, name: str, *, dry_run: bool, format: Format | None, horizon: int) -> None:
    """What the import did (or would do): warnings, skipped rows, the changes when asked, the summary
    (which `-q` keeps to itself, with every other line about what was done)."""
    for warning in result.warnings:
        err(f"kam: warning: {warning}")
    for problem in result.problems:
        err(f"kam: skipped: {problem}")
    if result.problem_count > len(result.problems):
        err(f"kam: {more_problems(result.problem_count - len(result.problems))}")
    listed = result.changes is not None and (dry_run or format is not None)
    if listed:
        from ..importing.contacts import CHANGE_KEYS
        from ..render.output import write_import_changes

        write_import_changes(result.changes or [], (format or Format.table).value, CHANGE_KEYS)
    summary = _summary(result, name, dry_run=dry_run)
    if format in (Format.json, Format.csv):
        note(summary)  # stdout holds the records alone
    elif not quiet():
        print(summary)
    _plan_summary(result, dry_run, horizon)


def _plan_summary(result: Any, dry_run: bool, horizon: int) -> None:
    """What a contacts import did (or would do) to the handover plans, each count agreeing with its noun."""
    lines = (
        (int(getattr(result, "steps_done", 0)), lambda n: ngettext(
            "would complete {n} first_meeting handover step (a meeting with a successor)",
            "would complete {n} first_meeting handover steps (a meeting with a successor)", n) if dry_run else ngettext(
            "completed {n} first_meeting handover step (a meeting with a successor)",
            "completed {n} first_meeting handover steps (a meeting with a successor)", n)),
        (int(getattr(result, "owner_steps_done", 0)), lambda n: ngettext(
            "would complete {n} key_contacts_met owner handover step (the new owner met every key contact)",
            "would complete {n} key_contacts_met owner handover steps (the new owner met every key contact)", n)
            if dry_run else ngettext(
            "completed {n} key_contacts_met owner handover step (the new owner met every key contact)",
            "completed {n} key_contacts_met owner handover steps (the new owner met every key contact)", n)),
        (result.plans_opened, lambda n: ngettext(
            "would open {n} handover plan (kam handover CONTACT shows one)",
            "would open {n} handover plans (kam handover CONTACT shows one)", n) if dry_run else ngettext(
            "opened {n} handover plan (kam handover CONTACT shows one)",
            "opened {n} handover plans (kam handover CONTACT shows one)", n)),
        (int(getattr(result, "successor_steps", 0)), lambda n: ngettext(
            "would complete {n} successor handover step (a successor recorded)",
            "would complete {n} successor handover steps (a successor recorded)", n) if dry_run else ngettext(
            "completed {n} successor handover step (a successor recorded)",
            "completed {n} successor handover steps (a successor recorded)", n)),
        (int(getattr(result, "plans_cancelled", 0)), lambda n: ngettext(
            "would cancel {n} handover plan (no change ahead any more)",
            "would cancel {n} handover plans (no change ahead any more)", n) if dry_run else ngettext(
            "cancelled {n} handover plan (no change ahead any more)",
            "cancelled {n} handover plans (no change ahead any more)", n)),
        (int(getattr(result, "history", 0)), lambda n: ngettext(
            "{n} change dated more than {days} days back would be history: no handover plan, no finding",
            "{n} changes dated more than {days} days back would be history: no handover plan, no finding", n)
            if dry_run else ngettext(
            "{n} change dated more than {days} days back is history: no handover plan, no finding",
            "{n} changes dated more than {days} days back are history: no handover plan, no finding", n)),
    )  # fmt: skip
    for n, text in lines:
        if n:
            note(text(n).format(n=n, days=horizon))


def _open_for_import(st: Any, location: Path | None, kind: Kind, *, dry_run: bool, fresh: bool) -> Any:
    """The database the import writes to (or, for a dry run, validates against)."""
    if kind is Kind.contacts and location is not None:
        # a SQLite file at the current schema (or none yet): the standard library alone, no SQLAlchemy
        db = memory_database() if dry_run and fresh else open_sqlite_writer(location)
        if db is not None:
            return db
    from ..storage.database import NoDatabase, open_database

    try:
        return st.db(create=not dry_run)
    except NoDatabase:
        return open_database("sqlite://")  # validate against an empty database; create nothing


class _new_database_file:
    """The database file a first import creates (`file`; None when it is there, on a server, for a dry
    run), held until the import ends. An import that fails removes it, so that a mistyped --db stays
    visible (read commands then say there is no database) and nothing half-made lingers: its own file
    only, never one another command created, and not while another connection uses it."""

    def __init__(self, location: Path | None, *, dry_run: bool) -> None:
        self.location = None if dry_run else location
        self.file: NewFile | None = None
        self.db: Any = None

    def __enter__(self) -> _new_database_file:
        if self.location is not None:
            self.file = claim_new_file(self.location)
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if self.file is None:
            return
        if self.db is not None:
            self.db.close()  # before the hold is let go: closing any descriptor drops the process's SQLite locks
        if kind is None:
            self.file.keep()
        else:
            self.file.remove()


class _progress:
    """A progress bar on stderr while the file is read (by bytes, with the rows so far), only when
    stderr is a terminal: none in pipes and cron mail."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def __enter__(self):  # type: ignore[no-untyped-def]
        if quiet() or not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

        try:
            size = self.file.stat().st_size
        except OSError:
            return None  # the importer reports the unreadable file
        self._bar = Progress(TextColumn("importing {task.fields[rows]:,} rows"), BarColumn(), TaskProgressColumn(),
                             TimeRemainingColumn(), console=Console(stderr=True), transient=True)  # fmt: skip
        self._bar.start()
        task = self._bar.add_task("import", total=size, rows=0)
        return lambda rows, done: self._bar.update(task, completed=done, rows=rows)

    def __exit__(self, *exc: object) -> None:
        if hasattr(self, "_bar"):
            self._bar.stop()
