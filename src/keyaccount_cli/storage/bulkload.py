"""A bulk load: the contacts import's transaction, and every trick it plays to write a million rows.

The tricks, each of which can be switched off with `KAM_BULK_TRICKS` (read here only: `on`, the
default; `off`; or a comma list of the tricks to keep, e.g. `gc,late-indexes`):

- `gc`: Python's cycle collector paused (`pause_cyclic_gc`);
- `foreign-keys`: SQLite's per-row foreign-key checks off for the transaction;
- `direct-write`: into a file the import has just created, a rollback journal instead of the WAL;
- `late-indexes`: into an empty SQLite database, some indexes built once at the end;
- `email-filter`: into an empty database, a Bloom filter of the emails given so far;
- `worker`: a large file parsed in a forked worker process.

With a trick off the import writes the same rows and shows the same output, only slower.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import KamError
from .location import busy_timeout
from .migrations import NAME_INDEX, REFERENCE_INDEXES
from .statements import Sql

TRICKS = ("gc", "foreign-keys", "direct-write", "late-indexes", "email-filter", "worker")
TRICKS_VARIABLE = "KAM_BULK_TRICKS"
# built at the end of an import into an empty database (`BulkLoad.defer_indexes`)
LATE_INDEXES = (*REFERENCE_INDEXES, "ix_contact_watched", "ix_contact_counts", NAME_INDEX)


def bulk_tricks() -> frozenset[str]:
    """The tricks a bulk load may play, from `KAM_BULK_TRICKS`."""
    text = os.environ.get(TRICKS_VARIABLE, "on").strip().lower()
    if text in ("", "on"):
        return frozenset(TRICKS)
    if text == "off":
        return frozenset()
    chosen = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(chosen - set(TRICKS))
    if unknown:
        raise KamError(f"{TRICKS_VARIABLE}: unknown trick {unknown[0]!r} (on, off, or some of {', '.join(TRICKS)})")
    return chosen


@contextmanager
def pause_cyclic_gc(on: bool = True) -> Iterator[None]:
    """Pause Python's cycle collector for the block (unless `on` is false); back as it was afterwards.

    An import or a check over a million contacts makes millions of short-lived tuples and lists,
    none of them in a reference cycle, and every few hundred allocations the collector would walk
    every object alive at the time (the loaded libraries' hundreds of thousands among them): a
    third of the time. Reference counting still frees everything at once.
    """
    if not on or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class BulkLoad:
    """The import's connection in its write transaction (`sql`), and the tricks it may play."""

    def __init__(self, conn: Any, tricks: frozenset[str]) -> None:
        self.conn = conn
        self.sql = Sql(conn)
        self.tricks = tricks
        self._rollback: Any = None
        self._deferred: list[tuple[str, str]] = []

    def on(self, trick: str) -> bool:
        return trick in self.tricks

    def rollback(self) -> None:
        """Roll the transaction back at once (problems found, a dry run)."""
        self._rollback()

    def defer_reference_checks(self) -> None:
        """With SQLite's own foreign-key checks on (`foreign-keys` off), check them at the commit:
        a new contact may name one inserted later in the same statement."""
        if self.sql.raw is not None and not self.on("foreign-keys"):
            self.sql.raw.execute("PRAGMA defer_foreign_keys = ON")

    def defer_indexes(self) -> None:
        """Into an empty SQLite database the indexes of who-reports-to-whom, of contacts' names (and
        `kam check`'s of the contacts with a change ahead and of the accounts' counts) are built at the
        end, in one sorted pass (`build_deferred_indexes`): row by row they cost a third of a million-row import, and the
        import itself never reads them. (Other connections read the last committed state, indexes and all.)"""
        sql = self.sql
        if not (self.on("late-indexes") and sql.qmark):
            return
        # SQLite's own reference checks (`foreign-keys` off) look up who names a contact by these indexes
        late = LATE_INDEXES if self.on("foreign-keys") else tuple(n for n in LATE_INDEXES if n not in REFERENCE_INDEXES)
        marks = ", ".join("?" * len(late))
        self._deferred = sql.all(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})",
                                 late)  # fmt: skip
        for name, _ in self._deferred:
            sql.run(f"DROP INDEX {name}")

    def build_deferred_indexes(self) -> None:
        for _, create in self._deferred:
            self.sql.run(create)
        self._deferred = []


@contextmanager
def bulk_load(db: Any, *, new_file: bool = False) -> Iterator[BulkLoad]:
    """The import's connection in a write transaction, committed at the end of the block; an
    exception, or `rollback()`, rolls it back. `db`: a `sqlite3` connection of the import's own
    (`sqlitefile`), the full `Database`, or a SQLAlchemy connection in the transaction of a larger
    import (`kam import DIR`: then a savepoint); `new_file`: the import has just created that file."""
    tricks = bulk_tricks()
    with pause_cyclic_gc("gc" in tricks):
        if isinstance(db, sqlite3.Connection):
            with _sqlite_transaction(db, tricks, new_file=new_file) as load:
                yield load
            return
        if hasattr(db, "begin_nested"):  # a SQLAlchemy connection in a larger import's transaction
            with db.begin_nested() as savepoint:
                load = BulkLoad(db, tricks)
                load._rollback = savepoint.rollback
                if load.sql.raw is not None:  # a new contact may name one inserted later in the same statement
                    load.sql.raw.execute("PRAGMA defer_foreign_keys = ON")
                yield load
            return
        with db.writer.connect() as conn:
            load = BulkLoad(conn, tricks)
            with _own_reference_checks(load.sql.raw if load.on("foreign-keys") else None), conn.begin() as trans:
                load._rollback = trans.rollback
                load.defer_reference_checks()
                yield load


@contextmanager
def _sqlite_transaction(db: sqlite3.Connection, tricks: frozenset[str], *, new_file: bool) -> Iterator[BulkLoad]:
    load = BulkLoad(db, tricks)
    load._rollback = lambda: _rollback(db)
    direct = new_file and load.on("direct-write") and _write_directly(db)
    try:
        with _own_reference_checks(db if load.on("foreign-keys") else None):
            db.execute("BEGIN IMMEDIATE")
            try:
                load.defer_reference_checks()
                yield load
            except BaseException:
                _rollback(db)
                raise
            if db.in_transaction:
                db.execute("COMMIT")
    finally:
        if direct:
            db.execute("PRAGMA synchronous = NORMAL")
            _with_timeout(db, 0, "PRAGMA journal_mode = WAL")  # if a reader holds it, the next open sets WAL


def _write_directly(conn: sqlite3.Connection) -> bool:
    """Whether the import into a file it has just created writes the file directly, with a rollback
    journal, instead of through the write-ahead log: a million contacts then go to disk once, not
    twice (log, then checkpoint). Only when no other connection has the file open yet; WAL is back
    as soon as the import ends, and a command opened meanwhile waits its turn (`sqlite_pragmas`)."""
    if conn.execute("SELECT EXISTS (SELECT 1 FROM contact)").fetchone()[0]:
        return False
    if _with_timeout(conn, 0, "PRAGMA journal_mode = DELETE") != "delete":
        return False
    conn.execute("PRAGMA synchronous = FULL")  # the rollback journal's own safe setting
    return True


def _with_timeout(conn: sqlite3.Connection, seconds: float, pragma: str) -> Any:
    """Run `pragma` waiting at most `seconds` for other connections; its answer, or None if busy."""
    conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        return conn.execute(pragma).fetchone()[0]
    except sqlite3.OperationalError:
        return None
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


@contextmanager
def _own_reference_checks(raw: sqlite3.Connection | None) -> Iterator[None]:
    """Switch SQLite's per-row foreign-key checks off for the import's transaction, and on again.

    The import never writes a reference it has not found: accounts and managers are looked up,
    new contacts' ids are chosen above the largest. The database's own checks would cost a third
    of the bulk insert, and a new contact may name one inserted later in the same statement.
    (The pragma only takes effect outside a transaction.) A server checks its own.
    """
    if raw is None:
        yield
        return
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")
