"""A SQLite file opened for writing with the standard library alone, as `kam import` opens it:
created with the current schema, or found at it. Anything else (an older schema to upgrade, a
file that is not kam's) is left to the full open in `db.py`, which upgrades it or says what is
wrong. The connection behaves as the full open's: the same pragmas, writers queue on
BEGIN IMMEDIATE."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from .driver import sqlite_value
from .errors import KamError
from .location import busy_timeout
from .migrations import MIGRATION_NAMES
from .sqlite_schema import STATEMENTS


def create_private_file(path: Path) -> None:
    """An empty file only its owner can read, in folders (created as needed) only its owner can enter."""
    missing = [p for p in [path.parent, *path.parent.parents] if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def sqlite_pragmas(conn: sqlite3.Connection) -> None:
    """How every kam connection to a SQLite file is set up."""
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.OperationalError:
        # the first import into a new file is writing it without the WAL (SQLite answers "busy" at
        # once, without waiting): this connection takes its turn as any other, waiting up to the busy
        # timeout, and the file is in WAL again when the import ends
        pass
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # a bulk import inserts into indexes in random order: a larger page cache keeps that linear
    conn.execute("PRAGMA cache_size = -65536")


def open_sqlite_writer(path: Path) -> sqlite3.Connection | None:
    """A connection to the kam database in the file `path`, created if it is missing; None when
    the file is there but not at the current schema (or not a kam database): the full open decides.
    Raises KamError when the file cannot be created."""
    if path.exists() and not path.is_file():
        return None
    if not path.exists():
        try:
            create_private_file(path)
        except OSError as exc:
            raise KamError(f"cannot create the database {path}: {exc.strerror}") from None
    conn = sqlite3.connect(path, timeout=busy_timeout(), isolation_level=None)
    try:
        sqlite_pragmas(conn)
        if _is_empty(conn):
            _create_schema(conn)
        applied = {name for (name,) in conn.execute("SELECT name FROM migration")}
    except sqlite3.Error:
        conn.close()
        return None
    if applied != set(MIGRATION_NAMES):
        conn.close()
        return None
    return conn


def memory_database() -> sqlite3.Connection:
    """An empty kam database in memory: a dry run with no database validates against it."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    _create_schema(conn)
    return conn


def _is_empty(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def _create_schema(conn: sqlite3.Connection) -> None:
    """The current schema and every migration's name, in one transaction; nothing if another
    command made the schema first."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _is_empty(conn):
            for statement in STATEMENTS:
                conn.execute(statement)
            now = sqlite_value(datetime.now(UTC))
            conn.executemany("INSERT INTO migration (name, applied_at) VALUES (?, ?)",
                             [(name, now) for name in MIGRATION_NAMES])  # fmt: skip
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
