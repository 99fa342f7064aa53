"""`kam export`: CSV for spreadsheets, or an Excel workbook (`-o FILE.xlsx`)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import KamError
from ..i18n import _, ngettext
from ..storage.location import sqlite_path
from ..storage.private_files import refuse_database_files
from .common import examples, guarded, note, one_of, state


class What(StrEnum):
    contacts = "contacts"
    accounts = "accounts"
    findings = "findings"
    interactions = "interactions"
    all = "all"


def register(app: typer.Typer) -> None:
    app.command("export", epilog=examples(
        "kam export contacts -o contacts.csv --excel",
        "kam export accounts -o accounts.xlsx",
        "kam export findings --due 60d",
        "kam export all -o backup/",
    ))(export)  # fmt: skip


@guarded
def export(
    ctx: typer.Context,
    what: Annotated[What, typer.Argument(help="contacts, accounts, findings, interactions, or all (one CSV per table into the folder -o names).", case_sensitive=False, show_default=False, metavar=one_of(What))],
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to this file instead of stdout (for all: this folder); FILE.xlsx: an Excel workbook.", metavar="FILE")] = None,
    excel: Annotated[bool, typer.Option("--excel", help="UTF-8 with BOM and CRLF line ends, so Excel shows Chinese text correctly.")] = False,
    due: Annotated[str | None, typer.Option("--due", help="For findings: the look-ahead window (default 30d).", metavar="WINDOW")] = None,
) -> None:  # fmt: skip
    """Write CSV or Excel workbooks for spreadsheets.

    Contacts, accounts, findings, interactions, or all of it. `contacts` uses exactly the import columns, and `all -o DIR` writes every table as `kam
    import DIR` reads it back: export → import into an empty database reproduces the data."""
    from ..importing.csvfile import open_output
    from ..importing.workbook import is_workbook, save_workbook
    from ..services.export import account_rows, contact_rows, finding_rows, interaction_rows
    from ..services.export_halves import write_rows
    from ..services.options import check_options

    st = state(ctx)
    database = sqlite_path(st.location)
    if what is What.all:
        _export_all(st, output, database, excel=excel)
        return
    if output is not None and output != "-" and database is not None:
        refuse_database_files(Path(output), database)
    reader = st.reader()
    if what is What.contacts:
        header, rows = contact_rows(reader)
    elif what is What.interactions:
        header, rows = interaction_rows(reader)
    elif what is What.accounts:
        header, rows = account_rows(reader, check_options(st.config(), st.today, due))
    else:
        header, rows = finding_rows(reader, check_options(st.config(), st.today, due))
    if output is not None and is_workbook(Path(output)):
        count = save_workbook(rows, header, output, title=what.value)
    else:
        with open_output(output, excel=excel) as out:
            count = write_rows(rows, header, out, crlf=excel)
    if output not in (None, "-"):
        note(_("wrote {what} to {output}").format(what=_count(count, what.value), output=output))


_ROWS: dict[str, Callable[[int], str]] = {  # what a row of each export is, in agreement with its count
    "contacts": lambda n: ngettext("{n} contact", "{n} contacts", n),
    "accounts": lambda n: ngettext("{n} account", "{n} accounts", n),
    "findings": lambda n: ngettext("{n} finding", "{n} findings", n),
    "relations": lambda n: ngettext("{n} relation", "{n} relations", n),
    "opportunities": lambda n: ngettext("{n} opportunity", "{n} opportunities", n),
    "interactions": lambda n: ngettext("{n} interaction", "{n} interactions", n),
    "handovers": lambda n: ngettext("{n} handover step", "{n} handover steps", n),  # a row of handovers.csv is a step
    "owner_handovers": lambda n: ngettext("{n} owner handover step", "{n} owner handover steps", n),
    "team": lambda n: ngettext("{n} team member", "{n} team members", n),
}


def _count(n: int, what: str) -> str:
    """`1 contact`, `2 handover steps`: the rows of an export of `what` (a kind, or a file of `export all`)."""
    return _ROWS[what.removesuffix(".csv")](n).format(n=n)


def _export_all(st: Any, output: str | None, database: Path | None, *, excel: bool) -> None:
    """`kam export all -o DIR`: one CSV per table into DIR (made if missing), each written whole."""
    from ..importing.csvfile import open_output
    from ..services.export import folder_tables
    from ..services.export_halves import write_rows

    if output is None or output == "-":
        raise KamError("kam export all writes a folder: name it with -o DIR")
    folder = Path(output).expanduser()
    if database is not None:
        refuse_database_files(folder, database)
    reader = st.reader()  # a missing database is said before any folder is made
    if folder.exists() and not folder.is_dir():
        raise KamError(f"{output} is not a folder; kam export all writes one CSV per table into a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise KamError(f"cannot make the folder {output}: {exc.strerror or exc}") from None
    written = []
    for name, (header, rows) in folder_tables(reader):
        target = folder / name
        if database is not None:
            refuse_database_files(target, database)
        with open_output(str(target), excel=excel) as out:
            written.append(_count(write_rows(rows, header, out, crlf=excel), name))
    note(_("wrote {what} to {output}").format(what=_(", ").join(written), output=output))
