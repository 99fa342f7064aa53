"""`kam export`: CSV for spreadsheets."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..storage.location import sqlite_path
from ..storage.private_files import refuse_database_files
from .common import err, guarded, state


class What(StrEnum):
    contacts = "contacts"
    accounts = "accounts"
    findings = "findings"


def register(app: typer.Typer) -> None:
    app.command("export", epilog="Example: kam export contacts -o contacts.csv --excel")(export)


@guarded
def export(
    ctx: typer.Context,
    what: Annotated[What, typer.Argument(help="contacts, accounts or findings.", case_sensitive=False, show_default=False)],
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.", metavar="FILE")] = None,
    excel: Annotated[bool, typer.Option("--excel", help="UTF-8 with BOM, so Excel shows Chinese text correctly.")] = False,
    due: Annotated[str | None, typer.Option("--due", help="For findings: the look-ahead window (default 30d).")] = None,
) -> None:  # fmt: skip
    """Write CSV. `contacts` uses exactly the import columns: export → import reproduces the data."""
    from ..importing.csvfile import open_output, write_csv
    from ..services.export import account_rows, contact_rows, finding_rows
    from ..services.options import check_options

    st = state(ctx)
    database = sqlite_path(st.location)
    if output is not None and output != "-" and database is not None:
        refuse_database_files(Path(output), database)
    reader = st.reader()
    if what is What.contacts:
        header, rows = contact_rows(reader)
    elif what is What.accounts:
        header, rows = account_rows(reader, check_options(st.config(), st.today, due))
    else:
        header, rows = finding_rows(reader, check_options(st.config(), st.today, due))
    with open_output(output, excel=excel) as out:
        written = write_csv(rows, header, out=out)
    if output not in (None, "-"):
        noun = what.value if written != 1 else what.value.removesuffix("s")
        err(f"wrote {written} {noun} to {output}")
