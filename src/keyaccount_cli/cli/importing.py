"""`kam import`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import err, guarded, state


def register(app: typer.Typer) -> None:
    app.command("import", epilog="Example: kam import contacts.csv --dry-run")(import_file)


@guarded
def import_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Contacts CSV (UTF-8, UTF-8 with BOM or GBK/GB18030; comma, semicolon or tab).", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and report what would change; write nothing.")] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Write the valid rows and report the others.")] = False,
    ignore_unknown: Annotated[bool, typer.Option("--ignore-unknown", help="Ignore columns kam does not know.")] = False,
    encoding: Annotated[str | None, typer.Option("--encoding", help="Override the detected text encoding (e.g. gb18030, big5).")] = None,
) -> None:  # fmt: skip
    """Import contacts from a CRM or Excel export: one transaction, upsert by email, then account + name."""
    from ..db import NoDatabase, open_database
    from ..importer import import_contacts

    st = state(ctx)
    vocab = st.config().vocabulary
    try:
        db = st.db(create=not dry_run)
    except NoDatabase:
        db = open_database("sqlite://")  # validate against an empty database; create nothing
    with _progress(file) as progress:
        result = import_contacts(
            db, file, vocab=vocab, now=st.now, encoding=encoding, dry_run=dry_run,
            skip_invalid=skip_invalid, ignore_unknown=ignore_unknown, progress=progress,
            today=st.today, deadlines=st.config().deadlines,
        )  # fmt: skip
    for warning in result.warnings:
        err(f"kam: warning: {warning}")
    for problem in result.problems:
        err(f"kam: skipped: {problem}")
    if result.problem_count > len(result.problems):
        err(f"kam: … and {result.problem_count - len(result.problems)} more problems")
    verb = "would import" if dry_run else "imported"
    print(
        f"{verb} {file.name}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.skipped} skipped"
        + (f" ({result.accounts_created} new account{'s' if result.accounts_created != 1 else ''})" if result.accounts_created else "")
    )  # fmt: skip
    if result.plans_opened:
        err(f"{'would open' if dry_run else 'opened'} {result.plans_opened} handover plan{'s' if result.plans_opened != 1 else ''} (kam handover CONTACT shows one)")


class _progress:
    """A progress bar on stderr while the file is read (by bytes, with the rows so far), only when
    stderr is a terminal: none in pipes and cron mail."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not sys.stderr.isatty():
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
