"""Statements at the database driver's level, for the bulk writers: the contacts import and
the handover-plan upkeep.

On SQLite every statement goes straight to the standard library's `sqlite3` connection, whether
the command opened it itself (`kam import`, which then never loads SQLAlchemy) or through
SQLAlchemy (the connection underneath). Values are converted as SQLAlchemy stores them, and read
back by the column's type in the models (`sqlite_schema.READ_AS`, generated from them); a test holds
the two conversions equal for every column. On a server (PostgreSQL) the statements run through
SQLAlchemy's connection, bulk writes as multi-row statements.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from .sqlite_schema import READ_AS

_INSERT = re.compile(r"^(INSERT INTO .+ VALUES )(\([?, ]+\))$", re.S)
MAX_PARAMETERS = 30_000  # per statement; PostgreSQL's protocol allows 65,535


def sqlite_value(v: Any) -> Any:
    """A Python value as SQLAlchemy stores it in SQLite: times in UTC as text, days as ISO text,
    booleans as 0 and 1."""
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.astimezone(UTC)
        return (f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
                f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}")  # fmt: skip
    if isinstance(v, date):
        return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
    if isinstance(v, bool):
        return int(v)
    return v


def sqlite_python(column: str, v: Any) -> Any:
    """A value of `column` as SQLite returned it, as SQLAlchemy gives it back: by the column's type
    in the models (`READ_AS`, generated from them)."""
    if v is None:
        return None
    kind = READ_AS.get(column)
    if kind == "date":
        return date.fromisoformat(v[:10])
    if kind == "bool":
        return bool(v)
    if kind == "datetime":
        return datetime.fromisoformat(v).replace(tzinfo=UTC)
    return v


class Sql:
    """Driver-level statements (no per-row SQL compilation), written with `?` placeholders.

    Bulk writes are one `executemany` on SQLite (an in-process library: a statement per row
    costs nothing); on a server they are multi-row statements, a batch of rows per round trip.
    `conn` is a `sqlite3` connection or a SQLAlchemy connection (either database).
    """

    def __init__(self, conn: Any) -> None:
        self.conn = conn  # SQLAlchemy's connection on a server, else None
        self.raw: sqlite3.Connection | None = None
        if isinstance(conn, sqlite3.Connection):
            self.raw, self.conn = conn, None
        elif conn.dialect.name == "sqlite":
            self.raw = conn.connection.driver_connection
        self.qmark = self.raw is not None
        self._types: dict[str, str] | None = None

    def text(self, sql: str) -> str:
        return sql if self.qmark else sql.replace("?", "%s")

    def run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; the result iterates over plain rows and has a `rowcount`."""
        if self.raw is not None:
            return self.raw.execute(sql, tuple(params))
        return self.conn.exec_driver_sql(self.text(sql), tuple(params))  # type: ignore[union-attr]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row; None when there is none."""
        for row in self.run(sql, params):
            return row[0]
        return None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.run(sql, params)]

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of a query one by one, for results too long to hold (SQLite's cursor reads
        them as they are asked for)."""
        yield from self.run(sql, params)

    def distinct(self, a: str, b: str) -> str:
        """`a` and `b` differ, NULL being a value like any other."""
        return f"{a} IS NOT {b}" if self.qmark else f"{a} IS DISTINCT FROM {b}"

    def value(self, v: Any) -> Any:
        """A Python value as the driver stores it (the server's driver takes them as they are)."""
        return sqlite_value(v) if self.qmark else v

    def python(self, column: str, v: Any) -> Any:
        """A value of `column` as the driver returned it, as Python sees it."""
        return sqlite_python(column, v) if self.qmark else v

    def many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """`INSERT … VALUES (?, …)` (or any statement, on SQLite) for each of `rows`."""
        if not rows:
            return
        if self.raw is not None:
            self.raw.executemany(sql, rows)
            return
        m = _INSERT.match(sql)
        if m is None:
            self.conn.exec_driver_sql(self.text(sql), rows)  # type: ignore[union-attr]
            return
        head, width = m.group(1), m.group(2).count("?")
        for batch in self._batches(rows):
            self._raw(head + self._values(len(batch), width), [v for row in batch for v in row])

    def update_contacts(self, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """`UPDATE contact SET col = ?, … WHERE id = ?` for each row of (*values, id)."""
        if not rows:
            return
        if self.raw is not None:
            sets = ", ".join(f"{c} = ?" for c in columns)
            self.raw.executemany(f"UPDATE contact SET {sets} WHERE id = ?", rows)
            return
        # one statement per batch: the new values joined in as a VALUES list, each typed
        names = [*columns, "id"]
        sets = ", ".join(f"{c} = v.{c}" for c in columns)
        types = [self.server_type(c) for c in names]
        for batch in self._batches(rows):
            self._raw(f"UPDATE contact SET {sets} FROM (VALUES {self._values(len(batch), len(names), types)})"
                      f" AS v ({', '.join(names)}) WHERE contact.id = v.id", [v for row in batch for v in row])  # fmt: skip

    def in_list(self, sql: str, items: Sequence[Any], size: int = 500) -> Iterator[Any]:
        """Run `sql` (with one `(?)` placeholder list) over `items` in batches."""
        for i in range(0, len(items), size):
            batch = items[i : i + size]
            yield from self.stream(sql.replace("(?)", "(" + ",".join("?" * len(batch)) + ")"), batch)

    def server_type(self, column: str) -> str:
        """The server's type of a contact column, for a typed VALUES list."""
        if self._types is None:
            from .models import Contact

            dialect = self.conn.dialect  # type: ignore[union-attr]
            self._types = {c.name: c.type.compile(dialect) for c in Contact.__table__.c}  # type: ignore[attr-defined]
        return self._types[column]

    @staticmethod
    def _values(count: int, width: int, types: Sequence[str] | None = None) -> str:
        """`($1, $2), ($3, $4), …`: the server's own placeholders, which the driver
        passes on without parsing a statement of thousands of parameters."""
        casts = [f"::{t}" for t in types] if types else [""] * width
        return ", ".join(
            "(" + ", ".join(f"${r * width + k + 1}{casts[k]}" for k in range(width)) + ")" for r in range(count)
        )

    def _raw(self, sql: str, params: list[Any]) -> None:
        import psycopg
        from sqlalchemy.exc import DBAPIError

        driver = self.conn.connection.driver_connection  # type: ignore[union-attr]
        try:
            with psycopg.RawCursor(driver) as cur:
                cur.execute(sql, params)
        except psycopg.Error as exc:
            raise DBAPIError(sql[:200], None, exc) from None

    def _batches(self, rows: list[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
        size = max(1, MAX_PARAMETERS // len(rows[0]))
        for i in range(0, len(rows), size):
            yield rows[i : i + size]
