"""Where the database lives, how it is opened, and how its schema is kept current."""

from __future__ import annotations

import shlex
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import event, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session, SQLModel, col, create_engine

from ..errors import KamError
from . import models
from .location import busy_timeout, check_url, describe_error, display_location, is_url, resolve_location, sqlite_path
from .migrations import MIGRATIONS, SCHEMA_VERSION
from .private_files import is_stream, private_output, refuse_database_files
from .sqlitefile import create_private_file, sqlite_pragmas

__all__ = ["SCHEMA_VERSION", "busy_timeout", "display_location", "is_url", "resolve_location"]  # re-exported


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    sqlite_pragmas(dbapi_conn)


# Every kam writer on a server takes this transaction-level advisory lock first, so writers
# queue one behind the other as they do on SQLite (BEGIN IMMEDIATE): two imports at once
# run one after the other, each seeing the other's accounts and contacts.
WRITER_LOCK = 0x6B616D  # "kam"


def _server_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # timestamps are stored as UTC wall-clock times, whatever the server's own time zone
    autocommit = dbapi_conn.autocommit
    dbapi_conn.autocommit = True
    cur = dbapi_conn.cursor()
    cur.execute("SET TIME ZONE 'UTC'")
    cur.close()
    dbapi_conn.autocommit = autocommit


def _server_begin(conn: Connection) -> None:
    # readers run at REPEATABLE READ (one snapshot for the whole command, as on SQLite);
    # writers at READ COMMITTED, so that after the lock they see what the writer before them committed
    if conn.get_execution_options().get("kam_write"):
        # wait for another writer at most KAM_BUSY_TIMEOUT (0 would mean "for ever" to the server)
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(busy_timeout() * 1000))}")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")


def _sqlite_begin(conn: Connection) -> None:
    # pysqlite runs in autocommit mode here (isolation_level=None) so that we
    # choose how a transaction starts: a writer takes the write lock at once
    # (BEGIN IMMEDIATE) and so waits for another writer instead of failing
    # half-way; a reader starts a plain snapshot and never waits.
    if conn.get_execution_options().get("kam_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


@dataclass
class Database:
    location: str
    engine: Engine

    @cached_property
    def writer(self) -> Engine:
        """The engine for transactions that write."""
        if self.is_sqlite:
            return self.engine.execution_options(kam_write=True)
        return self.engine.execution_options(kam_write=True, isolation_level="READ COMMITTED")

    def close(self) -> None:
        """Close the pooled connections (a server counts them)."""
        self.engine.dispose()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self, *, write: bool = False) -> Session:
        return Session(self.writer if write else self.engine, expire_on_commit=False)

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return len(conn.execute(select(col(models.Migration.name))).all())

    def counts(self) -> dict[str, int]:
        out = {}
        with self.engine.connect() as conn:
            for table in (
                "account",
                "contact",
                "relation",
                "change",
                "handover",
                "interaction",
                "opportunity",
                "health_score",
            ):
                out[table] = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
        return out


class NoDatabase(KamError):
    """A read-only command found no kam database where it looked."""


def open_database(location: str, *, create: bool = True) -> Database:
    """Open (and if need be create, then upgrade) the database at `location`.

    A missing SQLite file, or a server database without kam's tables, is an error for
    read-only commands (`create=False`).
    """
    if is_url(location):
        check_url(location)
        scheme, rest = location.split("://", 1)
        # the URL as PostgreSQL's own tools write it means the driver kam ships with (psycopg 3)
        url = f"postgresql+psycopg://{rest}" if scheme in ("postgresql", "postgres") else location
        connect_args: dict = {}
        engine_args: dict = {"isolation_level": "REPEATABLE READ"} if url.startswith("postgresql") else {}
    else:
        path = Path(location).expanduser()
        if not path.exists():
            if not create:
                raise NoDatabase(f"no database at {path}; import contacts first (kam import FILE.csv) or pass --db")
            try:
                create_private_file(path)
            except OSError as exc:
                raise KamError(f"cannot create the database {path}: {exc.strerror}") from None
        elif path.is_dir():
            raise KamError(f"{path} is a directory, not a kam database")
        url = f"sqlite:///{path}"
        connect_args = {"timeout": busy_timeout(), "isolation_level": None}
        engine_args = {}
    shown = display_location(location)
    try:
        engine = create_engine(url, connect_args=connect_args, **engine_args)
    except ImportError as exc:
        hint = " (pip install 'keyaccount-cli[postgres]')" if url.startswith("postgresql") else ""
        raise KamError(f"cannot open database {shown}: the driver is not installed: {exc.name or exc}{hint}") from None
    except (SQLAlchemyError, ValueError) as exc:
        if exc.__class__.__name__ in ("NoSuchModuleError", "ArgumentError"):
            raise KamError(f"cannot open database {shown}: not a database kam knows; give a file path, or a URL "
                           "such as postgresql://user@host/kam") from None  # fmt: skip
        raise KamError(f"cannot open database {shown}: {exc.__class__.__name__}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _server_connect)
        event.listen(engine, "begin", _server_begin)
    db = Database(location, engine)
    try:
        if not create and not db.is_sqlite and not has_schema(db):
            raise NoDatabase(f"the database {shown} has no kam tables yet; import contacts first (kam import FILE.csv)")
        migrate(db)
    except DBAPIError as exc:
        db.close()
        raise translate_operational(exc, location) from None
    except BaseException:
        db.close()
        raise
    return db


def has_schema(db: Database) -> bool:
    """Whether kam's tables are there (a server database starts empty)."""
    with db.engine.connect() as conn:
        return _pending(conn) is not None


def translate_operational(exc: DBAPIError, location: str) -> KamError:
    """A driver error as one line, without the credentials of `location`."""
    return describe_error(str(exc.orig) if exc.orig is not None else exc.__class__.__name__, location)


def _pending(conn: Connection) -> list[str] | None:
    """Names of migrations not yet applied; None for a database with no schema yet."""
    if not inspect(conn).has_table(models.Migration.__tablename__):
        return None
    done = set(conn.execute(select(col(models.Migration.name))).scalars())
    return [name for name, _ in MIGRATIONS if name not in done]


def migrate(db: Database) -> list[str]:
    """Bring the schema up to date; returns the names of the migrations applied.

    The check is a plain read, so commands on a current database never wait for
    a writer; only an actual upgrade takes the write lock.
    """
    with db.engine.connect() as conn:
        if _pending(conn) == []:
            return []
    with db.writer.begin() as conn:
        pending = _pending(conn)
        now = datetime.now(UTC)
        if pending is None:
            SQLModel.metadata.create_all(conn)
            pending = [name for name, _ in MIGRATIONS]
        else:
            steps = dict(MIGRATIONS)
            for name in pending:
                steps[name](conn, SQLModel.metadata)
        for name in pending:
            conn.execute(models.table_of(models.Migration).insert().values(name=name, applied_at=now))
    return pending


def backup(db: Database, target: Path) -> int:
    """A consistent copy of a SQLite database through SQLite's online backup, safe while other
    commands read and write; written owner-only beside the target, then moved into place, never
    onto the database or its -wal, -shm or -journal file. Returns the size in bytes."""
    import sqlite3

    if not db.is_sqlite:
        # the URL as pg_dump takes it: no driver name, and no password (pg_dump asks, or reads ~/.pgpass)
        server = db.engine.dialect.name + "://" + display_location(db.location, drop_secrets=True).split("://", 1)[1]
        raise KamError("kam backup copies SQLite files; back up a server database with its own tools, e.g. "
                       f"pg_dump --format=custom --file {shlex.quote(str(target))} {shlex.quote(server)}")  # fmt: skip
    source = sqlite_path(db.location)
    if source is None:
        raise KamError("kam backup copies SQLite files; this database is in memory")
    refuse_database_files(target, source)
    if is_stream(target):  # SQLite writes pages anywhere in its file: a device or a pipe cannot take them
        raise KamError(f"{target} is not a regular file; name the backup file")
    target = target.expanduser().absolute()
    if target.is_dir():
        raise KamError(f"{target} is a directory; name the backup file")
    try:
        with (
            private_output(target, f"the backup {target}") as partial,
            closing(sqlite3.connect(source, timeout=busy_timeout())) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)
    except sqlite3.Error as exc:
        raise KamError(f"backup failed: {exc}") from None
    return target.stat().st_size
