"""Writes `sqlite_schema.py` from the models: what the standard-library paths need to know of the
schema (the statements that create a new SQLite file, how each column's values are read back).

    python -m keyaccount_cli.storage.schema --write    # after changing the models
    python -m keyaccount_cli.storage.schema --check    # exit 1 when the file is stale (a test does the same)

The statements are those SQLite keeps for a file that SQLAlchemy made of the models, so a file
`kam import` creates and one the full open creates are the same. This module loads SQLAlchemy and
the models: nothing at run time imports it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, MetaData, String, create_engine
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from . import models  # noqa: F401  (the tables, into SQLModel.metadata)

GENERATED = Path(__file__).with_name("sqlite_schema.py")
COMMAND = "python -m keyaccount_cli.storage.schema --write"

HEADER = f'''"""The SQLite schema of a new kam database, for the paths that open a file with the standard library.

GENERATED from the models (models.py) by `{COMMAND}`: do not edit by hand.
Change the models, then run that command; a test fails while this file is stale.
"""

# fmt: off
'''


def sqlite_statements(metadata: MetaData) -> list[str]:
    """The statements of a new SQLite database made of `metadata`: each table in the order SQLAlchemy
    creates them, followed by its indexes by name."""
    engine = create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            metadata.create_all(conn)
            rows = conn.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
            ).all()
    finally:
        engine.dispose()
    out = []
    for kind, _name, table, sql in rows:
        if kind == "table":
            out.append(sql)
            out.extend(s for k, _n, t, s in sorted(rows, key=lambda r: r[1]) if k == "index" and t == table)
    return out


def read_as(metadata: MetaData) -> dict[str, str]:
    """Column name → "date", "datetime" (aware, in UTC) or "bool": the columns whose values SQLite
    returns as text or integers. A name must have one type in every table."""
    kinds: dict[str, tuple[str | None, str]] = {}
    for table in metadata.sorted_tables:
        for column in table.c:
            kind = _kind(column.type, f"{table.name}.{column.name}")
            seen = kinds.setdefault(column.name, (kind, table.name))
            if seen[0] != kind:
                raise ValueError(f"column {column.name!r} is {kind or 'stored as is'} in {table.name} but "
                                 f"{seen[0] or 'stored as is'} in {seen[1]}: give one of them another name")  # fmt: skip
    return {name: kind for name, (kind, _) in sorted(kinds.items()) if kind is not None}


def _kind(type_: TypeEngine[Any], where: str) -> str | None:
    if isinstance(type_, UTCDateTime):
        return "datetime"
    if isinstance(type_, TypeDecorator):  # such as SQLModel's AutoString: as the type it stores
        type_ = type_.impl_instance
    if isinstance(type_, DateTime):
        raise ValueError(f"{where}: a naive DateTime; kam stores aware times (datetime fields, UTCDateTime)")
    if isinstance(type_, Date):
        return "date"
    if isinstance(type_, Boolean):
        return "bool"
    if isinstance(type_, Integer | Float | String):
        return None
    raise ValueError(f"{where}: no SQLite conversion known for {type_!r}; add one to schema.py and driver.py")


def render(metadata: MetaData | None = None) -> str:
    """The text of `sqlite_schema.py` for the models (or `metadata`)."""
    metadata = SQLModel.metadata if metadata is None else metadata
    lines = [HEADER, "STATEMENTS: tuple[str, ...] = ("]
    for statement in sqlite_statements(metadata):
        pieces = statement.splitlines(keepends=True)
        lines.extend(f"    {_literal(piece)}" for piece in pieces[:-1])
        lines.append(f"    {_literal(pieces[-1])},")
    lines += [
        ")",
        "",
        "# how a column's values come back from SQLite (text, integers) as the models' types, by column name",
        "READ_AS: dict[str, str] = {",
        *(f"    {_literal(name)}: {_literal(kind)}," for name, kind in read_as(metadata).items()),
        "}",
        "",
    ]
    return "\n".join(lines)


def _literal(text: str) -> str:
    """`text` as a Python string literal in double quotes (JSON's escapes are Python's too)."""
    return json.dumps(text, ensure_ascii=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m keyaccount_cli.storage.schema", description=__doc__.splitlines()[0]
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help=f"write {GENERATED.name} from the models")
    action.add_argument("--check", action="store_true", help=f"exit 1 when {GENERATED.name} is stale")
    args = parser.parse_args(argv)
    text = render()
    current = GENERATED.read_text(encoding="utf-8") if GENERATED.exists() else None
    if args.check:
        if current != text:
            print(f"{GENERATED} is stale: run {COMMAND}", file=sys.stderr)
            return 1
        return 0
    if current != text:
        GENERATED.write_text(text, encoding="utf-8")
        print(f"wrote {GENERATED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
