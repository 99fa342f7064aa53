"""A SQLite file opened for writing with the standard library alone, as `kam import` opens it:
created with the current schema, or found at it. Anything else (an older schema to upgrade, a
file that is not kam's) is left to the full open in `db.py`, which upgrades it or says what is
wrong. The connection behaves as the full open's: the same pragmas, writers queue on
BEGIN IMMEDIATE.

A first import holds the file it creates (`claim_new_file`) until it has committed into it or
removed it again: another first import started at the same moment waits for that, and a failed
one removes only its own file, and only when no other connection is using it."""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from ..errors import KamError
from .location import busy_timeout
from .migrations import MIGRATION_NAMES
from .sqlite_schema import STATEMENTS
from .statements import sqlite_value


def create_private_file(path: Path) -> None:
    """An empty file only its owner can read, in folders (created as needed) only its owner can enter."""
    _private_folders(path)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _private_folders(path: Path) -> None:
    missing = [p for p in [path.parent, *path.parent.parents] if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)


class NewFile:
    """A database file this command has created, held with a lock of its own (`flock`, apart from
    SQLite's locks) until `keep` or `remove`."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def keep(self) -> None:
        """Let others in: the file stays (the import committed into it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def remove(self) -> bool:
        """Remove the file (the import failed), unless another connection has it open: then it stays,
        an empty kam database that other command is using. Whether it was removed."""
        try:
            return _remove_if_unused(self.path)
        finally:
            self.keep()


def claim_new_file(path: Path) -> NewFile | None:
    """Create the missing database file `path` (owner-only, as `create_private_file`) and hold it;
    None when it is there. A file just created by another first import is waited for (up to the busy
    timeout) until that import has committed into it — or removed it, and then it is created here."""
    deadline = time.monotonic() + busy_timeout()
    while True:
        try:
            new = _create_held(path)
        except OSError as exc:
            raise KamError(f"cannot create the database {path}: {exc.strerror}") from None
        if new is not None:
            return new
        if _wait_for_creator(path, deadline):
            return None


def _create_held(path: Path) -> NewFile | None:
    """`path` created and locked before anyone can open it: made under a name of this process's own,
    locked, then linked into place (which fails if the file is there). None if it is there."""
    if path.exists():
        return None
    _private_folders(path)
    spare = path.with_name(f".{path.name}.{os.getpid()}.new")
    spare.unlink(missing_ok=True)
    fd = os.open(spare, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.link(spare, path)
    except FileExistsError:
        os.close(fd)
        return None
    except OSError as exc:
        os.close(fd)
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        return _create_held_in_place(path)  # a file system without hard links
    finally:
        spare.unlink(missing_ok=True)
    return NewFile(path, fd)


def _create_held_in_place(path: Path) -> NewFile | None:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    except FileExistsError:
        return None
    fcntl.flock(fd, fcntl.LOCK_EX)
    return NewFile(path, fd)


def _wait_for_creator(path: Path, deadline: float) -> bool:
    """Wait until no first import holds the file `path`; False if it has gone meanwhile (its import
    failed and removed it). Raises KamError when the busy timeout runs out first."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # not readable, a directory on some systems: the open that follows says what is wrong
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise KamError(
                        f"the database {path} is busy (another kam is writing); try again in a moment"
                    ) from None
                time.sleep(0.02)
        return os.fstat(fd).st_nlink > 0
    finally:
        os.close(fd)


def _remove_if_unused(path: Path) -> bool:
    """Delete the database file `path` and its journals while holding SQLite's exclusive lock, if no
    other connection has it open; whether it did. A connection that opened the file but had not
    locked it yet can no longer write to it (SQLite refuses writes to a file removed under it)."""
    try:
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        # out of WAL (possible only when no other connection is in WAL on it), then the exclusive lock
        if conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] != "delete":
            return False
        conn.execute("BEGIN EXCLUSIVE")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return True
    except sqlite3.Error:
        return False
    finally:
        conn.close()


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
