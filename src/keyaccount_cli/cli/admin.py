"""`kam db`: where the database is and what it holds."""

from __future__ import annotations

import typer

from .common import Format, FormatOption, guarded, state


def register(app: typer.Typer) -> None:
    app.command("db", epilog="Example: kam db --format json")(db_info)


@guarded
def db_info(ctx: typer.Context, format: FormatOption = Format.table) -> None:
    """Where the database is, its schema version and row counts."""
    from ..db import SCHEMA_VERSION
    from ..render import emit

    st = state(ctx)
    db = st.db()
    counts = db.counts()
    record = {"location": st.location, "schema_version": db.schema_version(), "latest_schema": SCHEMA_VERSION,
              "config": st.config().source, **counts}  # fmt: skip
    if format is Format.table:
        emit([{"key": k, "value": v} for k, v in record.items()], "table", [("key", "What"), ("value", "Value")])
    else:
        emit([record], format.value, [])
