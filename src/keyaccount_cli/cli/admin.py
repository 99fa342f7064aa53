"""`kam db`: where the database is and what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import ngettext
from ..storage.stored_values import KEYS, integrity_problems, scan
from .common import Format, FormatOption, State, examples, guarded, note, state


def register(app: typer.Typer) -> None:
    app.command("db", epilog=examples("kam db", "kam db --check"))(db_info)
    app.command("backup", epilog=examples(
        "kam backup kam-copy.db", "crontab: 30 6 * * *  kam backup ~/backups/kam-$(date +\\%a).db",
    ))(backup)  # fmt: skip


@guarded
def backup(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="Where to write the copy (replaced if it exists).", show_default=False, metavar="FILE"),
    ],
) -> None:
    """A consistent copy of the database, safe while kam runs.

    The copy is consistent while other kam commands run, and created owner-only."""
    from ..storage.database import backup as copy_database
    from ..storage.database import display_location

    st = state(ctx)
    size = copy_database(st.db(), file)
    note(f"backed up {display_location(st.location)} to {file} ({size:,} bytes)")


@guarded
def db_info(
    ctx: typer.Context,
    format: FormatOption = Format.table,
    check: Annotated[bool, typer.Option("--check", help="List stored values kam cannot read, and run SQLite's integrity check. Exit 1 when something is found.")] = False,
) -> None:  # fmt: skip
    """Where the database is, its schema version and row counts."""
    from ..render.output import emit
    from ..storage.database import SCHEMA_VERSION, NoDatabase, display_location

    st = state(ctx)
    if check:
        raise typer.Exit(_check(st, format))
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
        # the rows as words: `schema version`, `health scores`, not the keys and table names of the JSON
        rows = [{"key": _DB_ROWS.get(k, k.replace("_", " ")), "value": v} for k, v in record.items()]
        emit(rows, "table", [("key", "What"), ("value", "Value")])
    else:
        emit([record], format.value, [])


_DB_ROWS = {"account": "accounts", "contact": "contacts", "relation": "relations", "change": "history rows",
            "handover": "handover plans", "interaction": "interactions", "opportunity": "opportunities",
            "health_score": "health scores"}  # fmt: skip


def _check(st: State, format: Format) -> int:
    """`kam db --check`: the stored values that cannot be read, and what SQLite's integrity check of
    the file finds (one record each, same keys); the exit code."""
    from ..render.output import emit

    reader = st.reader()
    sqlite = getattr(reader, "dialect", "sqlite") == "sqlite"
    records = [bad.record() for bad in scan(reader, sqlite=sqlite)]
    integrity = integrity_problems(reader) if sqlite else []
    records += [dict.fromkeys(KEYS, None) | {"value": line, "problem": "integrity check"} for line in integrity]
    columns = [("table", "Table"), ("row", "Row"), ("name", "Name"), ("column", "Column"), ("value", "Value"),
               ("problem", "Problem")]  # fmt: skip
    if records or format is not Format.table:
        emit(records, format.value, columns, fields=KEYS)
    values = len(records) - len(integrity)
    integrity_note = "integrity check: " + (("ok" if not integrity else ngettext("{n} problem", "{n} problems", len(integrity)).format(n=len(integrity))) if sqlite
                                  else "skipped (a server checks its own files)")  # fmt: skip
    note(
        ngettext("{n} unreadable stored value", "{n} unreadable stored values", values).format(n=values)
        + f"; {integrity_note}"
    )
    return 1 if records else 0
