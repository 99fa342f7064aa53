"""Reading accounts for the commands that only read: map, check, accounts, export.

The queries are plain SQL with `:name` parameters, which both the standard
library's sqlite3 and SQLAlchemy's `text()` understand. On a SQLite file that is
already at the current schema they run through sqlite3 directly, so that a
`kam map` or a cron `kam check` does not pay for importing SQLAlchemy and
SQLModel; on a server URL (or a database that needs an upgrade) they run
through SQLAlchemy's connection. Nothing here imports SQLAlchemy at module level.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from .errors import KamError
from .migrations import MIGRATION_NAMES
from .snapshot import AccountBook, AccountFacts, AccountView, ContactView, RelationView, StepView
from .vocab import ATTITUDE_SCORE

# The contacts `kam check` looks at one by one: a change ahead or behind them. A partial index holds
# just these (a few in a hundred), so the check reads them without a pass over every contact.
WATCHED = "change_date IS NOT NULL OR change_risk IN ('high', 'confirmed') OR status IN ('leaving', 'left')"


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def email_key(email: str) -> str:
    return email.strip().lower()


class Reader(Protocol):
    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterable[Sequence[Any]]: ...

    def ahead(self, sql: str) -> Callable[[], Iterable[Sequence[Any]]]: ...


class SqliteReader:
    """sqlite3 on a kam database file; every query of one command sees one snapshot."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection, spare: sqlite3.Connection | None = None) -> None:
        self.conn = conn
        self._spare = spare  # a second connection on the same snapshot, for `ahead`
        self._ahead: threading.Thread | None = None

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterable[Sequence[Any]]:
        yield from _fetch(self.conn.execute(sql, params or {}))

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
    return SqliteReader(conn, _same_snapshot(spare))


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


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _split(value: str | None) -> tuple[str, ...]:
    # multi-valued fields are stored as canonical values joined with ";"
    return tuple(value.split(";")) if value else ()


# --- accounts ------------------------------------------------------------------


def account_ids(reader: Reader, names: Iterable[str]) -> list[int]:
    """The ids of the named accounts; an unknown name is an error listing known accounts."""
    ids = set()
    for name in names:
        found = list(reader.rows("SELECT id FROM account WHERE name_key = :key", {"key": name_key(name)}))
        if not found:
            known = [n for (n,) in reader.rows(f"SELECT name FROM account ORDER BY {_text_order(reader, 'name_key')} LIMIT 20")]
            hint = f"; known accounts: {', '.join(known)}" if known else "; the database has no accounts yet"
            raise KamError(f"no account named {name!r}{hint}")
        ids.add(found[0][0])
    return sorted(ids)


_CONTACT_SQL = (
    "SELECT id, account_id, name, email, phone, title, department, roles, decision_power, attitude,"
    " concerns, can_sign, project_owner, reports_to_id, status, change_risk, change_date, change_kind,"
    " successor_id, moved_to_id, notes FROM contact"
)


def _in(column: str, ids: list[int] | None) -> str:
    # ids are integers from the database itself, so they are safe to inline
    return "" if ids is None else f" WHERE {column} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"


_CHECK_SQL = (
    "SELECT id, account_id, name, department, roles, decision_power, attitude, status, change_risk,"
    " change_date, change_kind, successor_id FROM contact"
)


def _check_contact(row: Sequence[Any]) -> ContactView:
    """A contact from a `_CHECK_SQL` row: the fields the checks look at."""
    cid, aid, name, dept, roles, power, attitude, status, risk, change_date, kind, successor = row
    return ContactView(
        cid, aid, name, department=dept, roles=_split(roles), decision_power=power, attitude=attitude, status=status,
        change_risk=risk, change_date=_day(change_date), change_kind=kind, successor_id=successor,
    )  # fmt: skip


def iter_accounts(source: Any, names: Sequence[str] | None = None, *, for_checks: bool = False) -> Iterator[AccountView]:
    """Every account (or the named ones) with its contacts, relations and open handover steps, one
    at a time in id order, so that memory holds one account, not the whole book. `for_checks`
    reads only the fields the checks look at (a cron check over a million contacts)."""
    reader = as_reader(source)
    wanted = account_ids(reader, names) if names else None
    relations: dict[int, list[RelationView]] = defaultdict(list)
    for f, t, kind, account_id in reader.rows(
        "SELECT r.from_id, r.to_id, r.kind, c.account_id FROM relation r JOIN contact c ON c.id = r.from_id"
        + _in("c.account_id", wanted) + " ORDER BY r.id"
    ):  # fmt: skip
        relations[account_id].append(RelationView(f, t, kind))
    steps: dict[int, list[StepView]] = defaultdict(list)
    for account_id, contact_id, step, deadline, owner in reader.rows(
        "SELECT c.account_id, h.contact_id, s.step, s.deadline, s.owner FROM handover_step s"
        " JOIN handover h ON h.id = s.handover_id JOIN contact c ON c.id = h.contact_id"
        " WHERE h.status = 'open' AND s.status = 'open'"
        + ("" if wanted is None else _in("c.account_id", wanted).replace(" WHERE ", " AND "))
        + " ORDER BY s.deadline, s.position, s.id"
    ):  # fmt: skip
        steps[account_id].append(StepView(contact_id, step, _day(deadline), owner))
    accounts = list(reader.rows(
        "SELECT id, name, industry, tier, owner, annual_revenue, notes FROM account" + _in("id", wanted) + " ORDER BY id"
    ))  # fmt: skip
    from .extras import load_extras  # interactions, opportunities, health inputs and scores (SPEC §7)

    extras = load_extras(reader, wanted)
    # contacts arrive sorted by account: walk both streams side by side
    contacts = iter(reader.rows((_CHECK_SQL if for_checks else _CONTACT_SQL) + _in("account_id", wanted)
                                + " ORDER BY account_id, id"))  # fmt: skip
    pending = next(contacts, None)
    for id_, name, industry, tier, owner, revenue, notes in accounts:
        view = AccountView(id=id_, name=name, industry=industry, tier=tier, owner=owner, annual_revenue=revenue,
                           notes=notes, relations=relations.get(id_, []), open_steps=steps.get(id_, []))  # fmt: skip
        extras.fill(view)
        people = view.contacts
        while pending is not None and pending[1] <= id_:
            if pending[1] == id_:
                if for_checks:
                    people.append(_check_contact(pending))
                else:
                    (cid, aid, cname, email, phone, title, dept, roles, power, attitude, concerns, can_sign, owner_,
                     boss, status, risk, change_date, kind, successor, moved, cnotes) = pending  # fmt: skip
                    people.append(ContactView(
                        cid, aid, cname, email, phone, title, dept, _split(roles), power, attitude,
                        _split(concerns), _flag(can_sign), _flag(owner_), boss, status, risk, _day(change_date), kind,
                        successor, moved, cnotes,
                    ))  # fmt: skip
            pending = next(contacts, None)
        yield view


def load_accounts(source: Any, names: Sequence[str] | None = None) -> list[AccountView]:
    """Every account (or the named ones), ordered by name."""
    return sorted(iter_accounts(source, names), key=lambda a: name_key(a.name))


def moved_to_accounts(source: Any, contacts: Iterable[Any]) -> dict[int, str]:
    """For contacts who moved: their new record's id → the account they moved to."""
    ids = sorted({c.moved_to_id for c in contacts if c.moved_to_id is not None})
    if not ids:
        return {}
    rows = as_reader(source).rows(
        "SELECT c.id, a.name FROM contact c JOIN account a ON a.id = c.account_id" + _in("c.id", ids)
    )
    return {i: n for i, n in rows}  # noqa: C416 - rows may be a SQLAlchemy Result


def iter_account_facts(
    source: Any, names: Sequence[str] | None = None, *, due: date | None = None
) -> Iterator[AccountFacts]:
    """What the checks need of every account (or the named ones), computed in SQL: counts per
    account in one grouped pass, and only the people with a change ahead or behind them loaded
    whole. Equivalent to `checks.facts_of` on each account loaded whole (a test holds them so).
    With `due`, the open handover steps are only those due by then: the checks look no further."""
    book = read_account_book(source, names, due=due)
    counts = book.counts()
    for id_, name in book.accounts:
        yield book.facts(id_, name, counts.get(id_))


def read_account_book(source: Any, names: Sequence[str] | None = None, *, due: date | None = None) -> AccountBook:
    """As `iter_account_facts`, in the shape `checks.check_book` works from: the counts are started
    first (on a second connection, when there is one) and waited for last."""
    reader = as_reader(source)
    wanted = account_ids(reader, names) if names else None
    where = "" if wanted is None else _in("account_id", wanted).replace(" WHERE ", " AND ")
    sqlite = getattr(reader, "dialect", "sqlite") == "sqlite"
    supports = ", ".join(f"'{a}'" for a, score in ATTITUDE_SCORE.items() if score >= 1)
    supporter = f"attitude IN ({supports})"
    # roles are canonical values joined with ";", and no other role's name contains "decision_maker"
    decides = f"decision_power = 'final' OR {'instr' if sqlite else 'strpos'}(roles, 'decision_maker') > 0"
    # the counts over active contacts (`Counts`), with the names a finding may need: the only active
    # contact's, the sole supporter's; sorted once more at the end, so that SQLite does all of it in one step
    counts = reader.ahead(
        "SELECT g.account_id, g.active, c1.name, g.supporters, CASE WHEN g.supporters = 1 THEN g.sup_id END, c2.name,"
        " g.dm, CASE WHEN g.low_dept IS NULL THEN 0 WHEN g.low_dept = g.high_dept THEN 1 ELSE 2 END,"
        " CASE WHEN g.low_dept = g.high_dept THEN g.low_dept END FROM"
        f" (SELECT account_id, count(*) AS active, min(id) AS first_id, sum(CASE WHEN {supporter} THEN 1 ELSE 0 END)"
        f" AS supporters, min(CASE WHEN {supporter} THEN id END) AS sup_id, max(CASE WHEN {decides} THEN 1 ELSE 0 END)"
        " AS dm, min(CASE WHEN department <> '' THEN department END) AS low_dept,"
        " max(CASE WHEN department <> '' THEN department END) AS high_dept"
        f" FROM contact WHERE coalesce(status, 'active') <> 'left'{where} GROUP BY account_id) g"
        " LEFT JOIN contact c1 ON c1.id = CASE WHEN g.active = 1 THEN g.first_id END"
        " LEFT JOIN contact c2 ON c2.id = CASE WHEN g.supporters = 1 THEN g.sup_id END"
        " ORDER BY g.account_id DESC"
    )  # fmt: skip
    watch: dict[int, list[ContactView]] = defaultdict(list)
    for row in reader.rows(_CHECK_SQL + f" WHERE ({WATCHED}){where} ORDER BY account_id, id"):
        watch[row[1]].append(_check_contact(row))
    steps: dict[int, list[tuple[StepView, str]]] = defaultdict(list)
    by = "" if due is None else " AND s.deadline <= :due"
    days: dict[Any, date | None] = {}  # tens of thousands of steps, due on a few hundred days
    for account_id, contact_id, name, step, deadline, owner in reader.rows(
        "SELECT c.account_id, h.contact_id, c.name, s.step, s.deadline, s.owner FROM handover_step s"
        " JOIN handover h ON h.id = s.handover_id JOIN contact c ON c.id = h.contact_id"
        " WHERE h.status = 'open' AND s.status = 'open'" + by + where.replace("account_id", "c.account_id")
        + " ORDER BY s.deadline, s.position, s.id", {"due": due.isoformat() if sqlite else due} if due else None
    ):  # fmt: skip
        if deadline not in days:
            days[deadline] = _day(deadline)
        steps[account_id].append((StepView(contact_id, step, days[deadline], owner), name))
    from .extras import load_extras  # interactions, opportunities, health inputs and scores (SPEC §7)

    extras = load_extras(reader, wanted, for_checks=True)
    holds = extras.holds if extras.interaction_days or extras.opportunities or extras.health_scores else None
    linked = sorted({i for opps in extras.opportunities.values() for o in opps for i in o.contact_ids})
    people: dict[int, list[ContactView]] = defaultdict(list)  # the contacts linked to opportunities
    for i in range(0, len(linked), 5000):
        for row in reader.rows(_CHECK_SQL + _in("id", linked[i : i + 5000]) + " ORDER BY id"):
            people[row[1]].append(_check_contact(row))
    accounts = []
    views = {}
    for id_, name, industry, tier, owner, revenue in reader.rows(
        "SELECT id, name, industry, tier, owner, annual_revenue FROM account" + _in("id", wanted) + " ORDER BY id"
    ):  # fmt: skip
        accounts.append((id_, name))
        # without a tier, revenue, interactions, opportunities or scores: nothing for portfolio.findings
        if tier or revenue is not None or (holds is not None and holds(id_)):
            view = AccountView(id=id_, name=name, industry=industry, tier=tier, owner=owner, annual_revenue=revenue,
                               contacts=people.get(id_, []))  # fmt: skip
            extras.fill(view)
            views[id_] = view
    return AccountBook(accounts, watch, steps, views, lambda: {row[0]: row for row in counts()})
