"""The reader under the read-only commands: the same plain-SQL queries, with `:name` parameters,
through the standard library's sqlite3 on a current SQLite file (no SQLAlchemy to import), or
through a SQLAlchemy connection (a server URL, a database to upgrade, or within a session); and
the helpers the queries share, to read the values as stored. Nothing here imports SQLAlchemy at
module level.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from .migrations import MIGRATION_NAMES


class Reader(Protocol):
    dialect: str

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterable[Sequence[Any]]: ...

    def ahead(self, sql: str) -> Callable[[], Iterable[Sequence[Any]]]: ...


class SqliteReader:
    """sqlite3 on a kam database file; every query of one command sees one snapshot."""

    dialect = "sqlite"

    def __init__(
        self, conn: sqlite3.Connection, spare: sqlite3.Connection | None = None, *, path: Path | None = None,
        version: int | None = None,
    ) -> None:  # fmt: skip
        self.conn = conn
        self._spare = spare  # a second connection on the same snapshot, for `ahead` and `unchanged`
        self._version = version  # the data version the spare saw before this snapshot began
        self._ahead: threading.Thread | None = None
        self.path = path  # the file, for another process to open a reader of its own (`open_sqlite_reader`)

    def unchanged(self) -> bool:
        """Whether no other connection has committed to the file since this reader's snapshot began,
        as the second connection sees it now (False when there is none to ask, or it is busy): a
        reader another process opened in between sees the same data."""
        spare = self._spare
        if spare is None or self._version is None or self._ahead is not None:
            return False
        try:
            spare.execute("ROLLBACK")
            spare.execute("BEGIN")
            spare.execute("SELECT count(*) FROM migration").fetchone()
            return bool(spare.execute("PRAGMA data_version").fetchone()[0] == self._version)
        except sqlite3.Error:
            return False

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterable[Sequence[Any]]:
        # the cursor itself: iterated in C, a row at a time (a million contacts stream through it)
        return self.conn.execute(sql, params or {})

    def ahead(self, sql: str) -> Callable[[], Iterable[Sequence[Any]]]:
        """Start `sql` now and return what gives its rows. On the second connection, which sees the
        same snapshot, a thread runs the statement's first step, and SQLite runs a step without
        holding Python's lock: a statement that sorts its result does all its work there, while
        the command goes on with other queries and its own Python. Else it runs when asked."""
        spare = self._spare
        if spare is None or self._ahead is not None:
            return lambda: self.rows(sql)
        outcome: list[Any] = []

        def first_step() -> None:
            try:
                outcome.append(spare.execute(sql))
            except BaseException as exc:  # noqa: B036 - raised again in the command's thread
                outcome.append(exc)

        self._ahead = threading.Thread(target=first_step, name="kam-ahead", daemon=True)
        self._ahead.start()

        def rows() -> Iterable[Sequence[Any]]:
            assert self._ahead is not None
            self._ahead.join()
            (result,) = outcome
            if isinstance(result, BaseException):
                raise result
            return _fetch(result)

        return rows

    def close(self) -> None:
        if self._spare is not None:
            if self._ahead is not None and self._ahead.is_alive():
                self._spare.interrupt()  # the command has failed: stop the statement started ahead
                self._ahead.join()
            self._spare.close()
        self.conn.close()


def _fetch(cursor: sqlite3.Cursor) -> Iterator[Sequence[Any]]:
    cursor.arraysize = 5000
    while batch := cursor.fetchmany():
        yield from batch


class SqlaReader:
    """The same queries through a SQLAlchemy connection (a server URL, or within a session)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self._results: list[Any] = []

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterable[Sequence[Any]]:
        from sqlalchemy import text

        result = self.conn.execute(text(sql).execution_options(yield_per=5000), dict(params or {}))
        self._results.append(result)
        return result  # type: ignore[no-any-return]

    def ahead(self, sql: str) -> Callable[[], Iterable[Sequence[Any]]]:
        """As `SqliteReader.ahead`; here the statement runs when its rows are asked for."""
        return lambda: self.rows(sql)

    def close(self) -> None:
        # on a server, a result read only in part holds a server-side cursor: close it first
        for result in self._results:
            result.close()
        self._results.clear()
        self.conn.close()


def as_reader(source: Any) -> Reader:
    """A Reader from a Reader or a SQLModel/SQLAlchemy session."""
    if hasattr(source, "rows"):
        return source  # type: ignore[no-any-return]
    return SqlaReader(source.connection())


def open_sqlite_reader(path: Path, busy_seconds: float) -> SqliteReader | None:
    """A direct reader on a current kam SQLite file, or None when the file must go through the full
    open (missing, not yet created, older schema to upgrade, or not a kam database: the full open
    gives the right message or upgrades it)."""
    if not path.is_file():
        return None
    try:
        conn = _connect(path, busy_seconds)
    except sqlite3.Error:
        return None
    spare = _spare(path, busy_seconds)
    try:
        conn.execute("BEGIN")  # one snapshot for every query; WAL readers never wait for a writer
        applied = {name for (name,) in conn.execute("SELECT name FROM migration")}
    except sqlite3.Error:
        conn.close()
        if spare is not None:
            spare[0].close()
        return None
    if applied != set(MIGRATION_NAMES):  # older (to upgrade) or unknown: the full open decides
        conn.close()
        if spare is not None:
            spare[0].close()
        return None
    return SqliteReader(conn, _same_snapshot(spare), path=path, version=spare[1] if spare is not None else None)


def _connect(path: Path, busy_seconds: float) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=busy_seconds, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    # a reader's queries pass over the file once (the system caches it): a small page cache spares the
    # allocation and page faults of a large one (`kam check` of a million contacts: 0.3 s, 130 MB)
    conn.execute("PRAGMA cache_size = -4096")
    return conn


def _spare(path: Path, busy_seconds: float) -> tuple[sqlite3.Connection, int] | None:
    """A second connection, and the data version it sees before the first one's snapshot begins."""
    try:
        conn = _connect(path, busy_seconds)
    except sqlite3.Error:
        return None
    try:
        return conn, conn.execute("PRAGMA data_version").fetchone()[0]
    except sqlite3.Error:
        conn.close()
        return None


def _same_snapshot(spare: tuple[sqlite3.Connection, int] | None) -> sqlite3.Connection | None:
    """The second connection in a snapshot of its own, when no other connection committed between
    its first look and that snapshot; the first connection's snapshot began in between, so the two
    see the same data. Else (a writer was busy) None: the command makes do with one connection."""
    if spare is None:
        return None
    conn, before = spare
    try:
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM migration").fetchone()
        if conn.execute("PRAGMA data_version").fetchone()[0] == before:
            return conn
    except sqlite3.Error:
        pass
    conn.close()
    return None


def _text_order(reader: Reader, column: str) -> str:
    """`column` for ORDER BY in code-point order (as SQLite and Python compare), whatever collation
    a server database was created with."""
    server = isinstance(reader, SqlaReader) and reader.conn.dialect.name == "postgresql"
    return f'{column} COLLATE "C"' if server else column


# --- values as stored --------------------------------------------------------


def _in(column: str, ids: list[int] | None) -> str:
    # ids are integers from the database itself, so they are safe to inline
    return "" if ids is None else f" WHERE {column} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _split(value: str | None) -> tuple[str, ...]:
    # multi-valued fields are stored as canonical values joined with ";"
    return tuple(value.split(";")) if value else ()


def _datetime(value: Any) -> datetime | None:
    """A stored time as the models give it back: in UTC, with its time zone (SQLite stores UTC
    without an offset; a server returns it with one)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)
