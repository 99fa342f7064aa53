"""`kam db`: where the database is and what it holds."""

from __future__ import annotations

import typer

from .common import Format, FormatOption, guarded, state


def register(app: typer.Typer) -> None:
    app.command("db", epilog="Example: kam db --format json")(db_info)


@guarded
def db_info(ctx: typer.Context, format: FormatOption = Format.table) -> None:
    """Where the database is, its schema version and row counts."""
    from pathlib import Path

    from ..db import SCHEMA_VERSION, display_location, is_url
    from ..render import emit

    st = state(ctx)
    record: dict[str, object] = {"location": display_location(st.location), "exists": True,
                                 "schema_version": None, "latest_schema": SCHEMA_VERSION, "config": st.config().source}  # fmt: skip
    if not is_url(st.location) and not Path(st.location).exists():
        record["exists"] = False  # where it would be; kam import creates it
    else:
        db = st.db()
        record["schema_version"] = db.schema_version()
        record.update(db.counts())
    if format is Format.table:
        emit([{"key": k, "value": v} for k, v in record.items()], "table", [("key", "What"), ("value", "Value")])
    else:
        emit([record], format.value, [])
