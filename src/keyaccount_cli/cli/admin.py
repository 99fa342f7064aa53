"""`kam db`: where the database is and what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import Format, FormatOption, err, guarded, state


def register(app: typer.Typer) -> None:
    app.command("db", epilog="Example: kam db --format json")(db_info)
    app.command("backup", epilog="Example (crontab): 30 6 * * *  kam backup ~/backups/kam-$(date +\\%a).db")(backup)


@guarded
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the copy (replaced if it exists).", show_default=False)],
) -> None:
    """A consistent copy of the database, safe while other kam commands run; created owner-only."""
    from ..db import backup as copy_database
    from ..db import display_location

    st = state(ctx)
    size = copy_database(st.db(), file)
    err(f"backed up {display_location(st.location)} to {file} ({size:,} bytes)")


@guarded
def db_info(ctx: typer.Context, format: FormatOption = Format.table) -> None:
    """Where the database is, its schema version and row counts."""
    from ..db import SCHEMA_VERSION, NoDatabase, display_location
    from ..render import emit

    st = state(ctx)
    record: dict[str, object] = {"location": display_location(st.location), "exists": True,
                                 "schema_version": None, "latest_schema": SCHEMA_VERSION, "config": st.config().source}  # fmt: skip
    try:
        db = st.db()
    except NoDatabase:
        record["exists"] = False  # where it would be; kam import creates it
    else:
        record["schema_version"] = db.schema_version()
        record.update(db.counts())
    if format is Format.table:
        emit([{"key": k, "value": v} for k, v in record.items()], "table", [("key", "What"), ("value", "Value")])
    else:
        emit([record], format.value, [])
