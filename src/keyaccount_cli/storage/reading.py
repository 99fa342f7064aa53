"""Reading accounts for the commands that only read: map, check, accounts, contacts, show, health,
report, export.

The queries are plain SQL run through a `Reader` (`reader.py`): sqlite3 straight on a current
SQLite file, SQLAlchemy's connection on a server URL or an older file. Nothing here imports
SQLAlchemy.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any

from ..domain.early_facts import EarlyPolicy
from ..domain.keys import name_key
from ..domain.order import sort_key
from ..domain.our_side import people
from ..domain.views import (
    CUSTOMER,
    AccountBook,
    AccountFacts,
    AccountView,
    ContactView,
    Counts,
    Move,
    Profile,
    RelationView,
    StepView,
)
from ..domain.vocab import ATTITUDE_SCORE, VOCABULARIES
from ..errors import KamError
from . import not_found
from .book_counts import counts_sql, read_counts
from .bulkload import pause_cyclic_gc
from .early_warnings import early_facts
from .extras import Extras, load_extras
from .migrations import WATCHED
from .owner_plans import open_owner_steps
from .reader import Reader, _day, _flag, _in, _split, as_reader
from .reader import open_sqlite_reader as open_sqlite_reader  # re-exported: the direct reader of a SQLite file
from .red_flags import LOOKBACK, assemble, flag_facts, history_facts, last_interactions
from .stored_values import number, unreadable

# --- accounts ------------------------------------------------------------------


def account_ids(reader: Reader, names: Iterable[str]) -> list[int]:
    """The ids of the named accounts; an unknown name is an error listing known accounts."""
    ids = set()
    for name in names:
        found = list(reader.rows("SELECT id FROM account WHERE name_key = :key", {"key": name_key(name)}))
        if not found:
            raise no_account(reader, name)
        ids.add(found[0][0])
    return sorted(ids)


def no_account(reader: Reader, name: str) -> KamError:
    """The error for an account name that is not in the database, naming (some of) those that are."""
    known = sorted((n for (n,) in reader.rows("SELECT name FROM account")), key=sort_key)[:20]  # as kam lists them
    return not_found.no_account(name, known)


_CONTACT_SQL = (
    "SELECT id, account_id, name, email, phone, title, department, roles, decision_power, attitude,"
    " concerns, can_sign, project_owner, reports_to_id, status, change_risk, change_date, change_kind,"
    " successor_id, moved_to_id, notes, our_contacts FROM contact"
)


_CHECK_SQL = (
    "SELECT id, account_id, name, department, roles, decision_power, attitude, status, change_risk,"
    " change_date, change_kind, successor_id, title FROM contact"
)


# the stored values of contact.attitude that can be read; the map, the coverage and the successor
# ranking score every attitude: one outside the vocabulary is unreadable
_ATTITUDES = frozenset((None, *ATTITUDE_SCORE))
# a contact's roles: one tuple per distinct stored value (a million contacts share a few dozen)
_roles = lru_cache(maxsize=4096)(_split)


def _check_contact(row: Sequence[Any]) -> ContactView:
    """A contact from a `_CHECK_SQL` row: the fields the checks, the coverage and the health scores
    look at. Positional, and the values checked inline: a million of them make `kam accounts`."""
    cid, aid, name, dept, roles, power, attitude, status, risk, change_date, kind, successor, title = row
    if attitude not in _ATTITUDES:
        raise unreadable("contact", cid, name, "attitude", attitude)
    return ContactView(
        cid, aid, name, None, None, title, dept, _roles(roles), power, attitude, (), None, None, None, status, risk,
        None if change_date is None else _contact_day(cid, name, change_date), kind, successor,
    )  # fmt: skip


def _full_contact(row: Sequence[Any]) -> ContactView:
    """A contact from a `_CONTACT_SQL` row."""
    (cid, aid, name, email, phone, title, dept, roles, power, attitude, concerns, can_sign, owner, boss, status, risk,
     change_date, kind, successor, moved, notes, ours) = row  # fmt: skip
    if attitude not in _ATTITUDES:
        raise unreadable("contact", cid, name, "attitude", attitude)
    return ContactView(
        cid, aid, name, email, phone, title, dept, _roles(roles), power, attitude, _split(concerns), _flag(can_sign),
        _flag(owner), boss, status, risk, None if change_date is None else _contact_day(cid, name, change_date), kind,
        successor, moved, notes, our_contacts=people(ours),
    )  # fmt: skip


def _contact_day(contact_id: int, name: str, value: Any) -> date | None:
    try:
        return _day(value)
    except (TypeError, ValueError):
        raise unreadable("contact", contact_id, name, "change_date", value) from None


def iter_accounts(
    source: Any,
    names: Sequence[str] | None = None,
    *,
    ids: Sequence[int] | None = None,
    today: date | None = None,
    early: EarlyPolicy | None = None,
) -> Iterator[AccountView]:
    """Every account (or the named ones, or those with the `ids` given) with its contacts, relations
    and open handover steps, one at a time in id order, so that memory holds one account, not the
    whole book: the accounts a command shows whole (`load_accounts`). (`kam check`, `accounts`,
    `health` and `report` read the whole book through `iter_book_facts`.) With `today`, a step
    done after today is still open (`_open_step_rule`), and the early warnings' facts are read
    (with the `early` windows, else the default ones)."""
    reader = as_reader(source)
    wanted = account_ids(reader, names) if names else (sorted(set(ids)) if ids is not None else None)
    relations: dict[int, list[RelationView]] = defaultdict(list)
    for f, t, kind, account_id in reader.rows(
        "SELECT r.from_id, r.to_id, r.kind, c.account_id FROM relation r JOIN contact c ON c.id = r.from_id"
        + _in("c.account_id", wanted) + " ORDER BY r.id"
    ):  # fmt: skip
        relations[account_id].append(RelationView(f, t, kind))
    steps: dict[int, list[StepView]] = defaultdict(list)
    for account_id, contact_id, step, deadline, owner in reader.rows(
        "SELECT c.account_id, h.contact_id, s.step, s.deadline, coalesce(s.owner, a.owner) FROM handover_step s"
        " JOIN handover h ON h.id = s.handover_id JOIN contact c ON c.id = h.contact_id"
        " JOIN account a ON a.id = c.account_id WHERE " + _open_step_rule(today)
        + ("" if wanted is None else _in("c.account_id", wanted).replace(" WHERE ", " AND "))
        + " ORDER BY s.deadline, s.position, s.id", _today_param(reader, today)
    ):  # fmt: skip
        steps[account_id].append(StepView(contact_id, step, _day(deadline), owner))
    marks = plan_marks(reader, wanted)
    owner_steps = open_owner_steps(reader, wanted)  # docs/spec.md §9
    accounts = list(reader.rows(
        "SELECT id, name, industry, tier, owner, annual_revenue, notes, status, renewal_date FROM account"
        + _in("id", wanted) + " ORDER BY id"
    ))  # fmt: skip
    extras = load_extras(reader, wanted)  # interactions, opportunities, health (docs/spec.md §7)
    moves = moved_contacts(reader, _and("c.account_id", wanted))
    flags = {} if today is None else flag_facts(reader, _and("account_id", wanted), today, LOOKBACK)
    warnings = {} if today is None else early_facts(reader, _and("account_id", wanted), today, early or EarlyPolicy())
    # contacts arrive sorted by account: walk both streams side by side
    stream = reader.rows(_CONTACT_SQL + _in("account_id", wanted) + " ORDER BY account_id, id")
    make = _full_contact
    groups = groupby(stream, itemgetter(1))  # (account id, its contact rows), grouped in C
    group = next(groups, None)
    # a million contacts make millions of objects, none in a reference cycle: no cycle collection
    # while the book streams by (a trick, `read_tricks`); reference counting frees each account
    with pause_cyclic_gc(read_tricks()):
        try:
            for id_, name, industry, tier, owner, revenue, notes, status, renewal in accounts:
                revenue = number("account", id_, name, "annual_revenue", revenue)
                view = AccountView(id=id_, name=name, industry=industry, tier=tier, owner=owner,
                                   annual_revenue=revenue, notes=notes, relations=relations.get(id_, []),
                                   open_steps=steps.get(id_, []), status=_status(id_, name, status),
                                   renewal_date=_account_day(id_, name, renewal), moves=moves.get(id_, {}),
                                   flags=flags.get(id_), owner_steps=owner_steps.get(id_, []),
                                   early=warnings.get(id_))  # fmt: skip
                extras.fill(view)
                while group is not None and group[0] < id_:  # contacts of an account not asked for
                    group = next(groups, None)
                if group is not None and group[0] == id_:
                    view.contacts = people = list(map(make, group[1]))
                    if marks:  # what the plans tell of the few people who have one
                        for c in people:
                            if c.id in marks:
                                _marked(c, marks)
                    group = next(groups, None)
                yield view
        finally:  # a contact that cannot be read, or a caller that stops early: the rows not read are let go
            getattr(stream, "close", lambda: None)()


READ_TRICKS_VARIABLE = "KAM_READ_TRICKS"


def read_tricks() -> bool:
    """Whether `iter_accounts` pauses Python's cycle collector while the book streams, from
    `KAM_READ_TRICKS` (read here only): `on` (the default) or `off`. Off, the read-only commands
    show exactly the same, only slower; `bench/run.py` shows what it buys."""
    text = os.environ.get(READ_TRICKS_VARIABLE, "on").strip().lower()
    if text not in ("", "on", "off"):
        raise KamError(f"{READ_TRICKS_VARIABLE}: {text!r} is neither on nor off")
    return text != "off"


def _status(account_id: int, name: str, value: str | None) -> str:
    # which findings an account gets depends on it: a status outside the vocabulary is unreadable
    if value is None or value == CUSTOMER:
        return CUSTOMER
    if value not in VOCABULARIES["account_status"]:
        raise unreadable("account", account_id, name, "status", value)
    return value


def _account_day(account_id: int, name: str, value: Any) -> date | None:
    try:
        return _day(value)
    except (TypeError, ValueError):
        raise unreadable("account", account_id, name, "renewal_date", value) from None


def _and(column: str, ids: list[int] | None) -> str:
    return _in(column, ids).replace(" WHERE ", " AND ")


def moved_contacts(reader: Reader, where: str = "") -> dict[int, dict[int, Move]]:
    """Account id → its contacts who moved to another account (`kam leave --moved-to`, or a
    `moved_to` cell): where they went, with the days of the interactions logged with them there. `where`: more
    conditions on the contact `c`. The moved are few: found through the moved-to index."""
    found: dict[int, dict[int, tuple[str, list[date]]]] = defaultdict(dict)
    for account_id, contact_id, there, day in reader.rows(
        'SELECT c.account_id, c.id, a.name, i."on" FROM contact c JOIN contact l ON l.id = c.moved_to_id'
        " JOIN account a ON a.id = l.account_id LEFT JOIN interaction_contact ic ON ic.contact_id = l.id"
        " LEFT JOIN interaction i ON i.id = ic.interaction_id AND i.account_id = l.account_id"
        " WHERE c.moved_to_id IS NOT NULL" + where
    ):  # fmt: skip
        _, days = found[account_id].setdefault(contact_id, (there, []))
        if day is not None:
            days.append(_day(day))  # type: ignore[arg-type]
    return {a: {c: Move(there, tuple(sorted(days))) for c, (there, days) in people.items()}
            for a, people in found.items()}  # fmt: skip


def load_accounts(
    source: Any, names: Sequence[str] | None = None, *, ids: Sequence[int] | None = None, today: date | None = None,
    early: EarlyPolicy | None = None,
) -> list[AccountView]:  # fmt: skip
    """Every account (or the named ones, or those with the `ids` given), ordered by name."""
    found = list(iter_accounts(source, names, ids=ids, today=today, early=early))
    return sorted(found, key=lambda a: sort_key(a.name)) if len(found) > 1 else found


def _open_step_rule(today: date | None) -> str:
    """The steps still to do: open steps of open plans; with `today`, not those whose done day (a
    meeting logged ahead of its date, `plans.schedule_step`) has come (`succession.step_done`)."""
    base = "h.status = 'open' AND s.status = 'open'"
    return base if today is None else base + " AND (s.done_on IS NULL OR s.done_on > :today)"


def _today_param(reader: Reader, today: date | None) -> dict[str, Any] | None:
    if today is None:
        return None
    return {"today": today.isoformat() if getattr(reader, "dialect", "sqlite") == "sqlite" else today}


def plan_marks(reader: Reader, wanted: list[int] | None) -> dict[int, tuple[date | None, str]]:
    """Contact id → (change date, status) of their latest handover plan that was not cancelled: the
    day an undated change counts from, and whether their change is history (`_marked`)."""
    marks: dict[int, tuple[date | None, str]] = {}
    for contact_id, day, status in reader.rows(
        "SELECT h.contact_id, h.change_date, h.status FROM handover h JOIN contact c ON c.id = h.contact_id"
        " WHERE h.status <> 'cancelled'" + ("" if wanted is None else _in("c.account_id", wanted).replace(" WHERE ", " AND "))
        + " ORDER BY h.id"
    ):  # fmt: skip
        marks[contact_id] = (_day(day), status)
    return marks


def _marked(c: ContactView, marks: dict[int, tuple[date | None, str]]) -> ContactView:
    """The contact with what their plan tells: the day an undated change counts from (the day it
    was recorded), and whether the change is history (docs/spec.md §8)."""
    mark = marks.get(c.id)
    if mark is not None and (c.leaving or c.status == "left" or c.change_date is not None):
        day, status = mark
        if status == "history":
            c.history = c.change_date == day
        elif c.change_date is None:
            c.recorded_day = day
    return c


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
    source: Any, names: Sequence[str] | None = None, *, due: date | None = None, today: date | None = None,
    early: EarlyPolicy | None = None,
) -> Iterator[AccountFacts]:  # fmt: skip
    """What the checks need of every account (or the named ones), computed in SQL: counts per
    account in one grouped pass, and only the people with a change ahead or behind them loaded
    whole. Equivalent to `checks.facts_of` on each account loaded whole (a test holds them so).
    With `due`, the open handover steps are only those due by then: the checks look no further."""
    book = read_account_book(source, names, due=due, today=today, early=early)
    counts = book.counts()
    for id_, name in book.accounts:
        yield book.facts(id_, name, counts.get(id_))


def iter_book_facts(
    source: Any,
    names: Sequence[str] | None = None,
    *,
    due: date | None = None,
    today: date | None = None,
    scores: bool = True,
    early: EarlyPolicy | None = None,
) -> Iterator[AccountFacts]:
    """`iter_account_facts` of a whole book (`read_account_book(whole=True)`): every account's
    facts carry its view, with what its health score and the dashboard look at (without `scores`,
    as `kam accounts` asks, the view leaves out the health inputs and when people left, which take
    a pass over the whole change history). `kam accounts`, `health` and `report` work from these,
    as `kam check` does, so that none of them loads each of a million contacts; the rules are the
    same as on an account loaded whole (a test holds them so)."""
    # a view per account and the records made of them, none in a reference cycle: no cycle
    # collection while they are made (the read trick, `read_tricks`), as in `iter_accounts`
    with pause_cyclic_gc(read_tricks()):
        book = read_account_book(source, names, due=due, today=today, whole=True, scores=scores, early=early)
        counts = book.counts()
        for id_, name in book.accounts:
            yield book.facts(id_, name, counts.get(id_))


def read_account_book(
    source: Any,
    names: Sequence[str] | None = None,
    *,
    due: date | None = None,
    today: date | None = None,
    whole: bool = False,
    scores: bool = False,
    lookback: int = LOOKBACK,
    early: EarlyPolicy | None = None,
) -> AccountBook:
    """As `iter_account_facts`, in the shape `checks.check_book` works from: the counts are started
    first (on a second connection, when there is one) and waited for last. With `whole`, every
    account has its view in `views` (its profile with its notes, health inputs, interactions, opportunities with
    their contacts, scores, and when people left), as `accounts`, `health` and `report` need of
    every account; without, only the accounts the portfolio findings look at, with what they need.
    Without `scores`, the views leave out the health inputs and when people left (`load_extras`)."""
    reader = as_reader(source)
    wanted = account_ids(reader, names) if names else None
    where = "" if wanted is None else _in("account_id", wanted).replace(" WHERE ", " AND ")
    sqlite = getattr(reader, "dialect", "sqlite") == "sqlite"
    pending = reader.ahead(counts_sql(where, sqlite=sqlite))
    watch = _watched_contacts(reader, where, wanted)
    steps = _open_steps(reader, where, due, today, sqlite=sqlite)
    extras = load_extras(reader, wanted, for_checks=not scores)  # interactions, opportunities, scores (docs/spec.md §7)
    accounts, views, statuses, profiles = _book_accounts(reader, wanted, extras, whole=whole)
    moves = moved_contacts(reader, where.replace("account_id", "c.account_id"))
    history = ({}, []) if today is None else history_facts(reader, where, today, lookback)
    last = {} if today is None else last_interactions(reader, where, today)
    warnings = {} if today is None else early_facts(reader, where, today, early or EarlyPolicy())
    book = AccountBook(accounts, watch, steps, views, dict, statuses, moves, profiles,
                       owner_steps=open_owner_steps(reader, wanted, due), early=warnings)  # fmt: skip

    def counted() -> dict[int, Counts]:
        """The counts, once in; the book's people facts and red flags' facts with them."""
        counts, keys = read_counts(reader, pending())
        book.key_people = {id_: k.key_people for id_, k in keys.items() if k.key_people}
        book.unknown_attitude = {id_: k.unknown for id_, k in keys.items() if k.unknown}
        if today is not None:
            book.flags = assemble(keys, history, last)
        return counts

    book.counts = counted
    return book


def _watched_contacts(reader: Reader, where: str, wanted: list[int] | None) -> dict[int, list[ContactView]]:
    """Account id → its contacts with a change date, a watched risk or status (`WATCHED`)."""
    watch: dict[int, list[ContactView]] = defaultdict(list)
    marks = plan_marks(reader, wanted)
    for row in reader.rows(_CHECK_SQL + f" WHERE ({WATCHED}){where} ORDER BY account_id, id"):
        watch[row[1]].append(_marked(_check_contact(row), marks))
    return watch


def _open_steps(
    reader: Reader, where: str, due: date | None, today: date | None, *, sqlite: bool
) -> dict[int, list[tuple[StepView, str]]]:  # fmt: skip
    """Account id → the open steps of its open handover plans (those due by `due`, if given), with
    the departing contact's name and the step's owner (its own, else the account's), by deadline.
    With `today`, a step done after today is still open (`_open_step_rule`)."""
    steps: dict[int, list[tuple[StepView, str]]] = defaultdict(list)
    by = "" if due is None else " AND s.deadline <= :due"
    params = {**(_today_param(reader, today) or {}), **({"due": due.isoformat() if sqlite else due} if due else {})}
    days: dict[Any, date | None] = {}  # tens of thousands of steps, due on a few hundred days
    for account_id, contact_id, name, step, deadline, owner in reader.rows(
        "SELECT c.account_id, h.contact_id, c.name, s.step, s.deadline, coalesce(s.owner, a.owner) FROM handover_step s"
        " JOIN handover h ON h.id = s.handover_id JOIN contact c ON c.id = h.contact_id"
        " JOIN account a ON a.id = c.account_id WHERE " + _open_step_rule(today) + by
        + where.replace("account_id", "c.account_id") + " ORDER BY s.deadline, s.position, s.id", params or None
    ):  # fmt: skip
        if deadline not in days:
            days[deadline] = _day(deadline)
        steps[account_id].append((StepView(contact_id, step, days[deadline], owner), name))
    return steps


def _book_accounts(
    reader: Reader, wanted: list[int] | None, extras: Extras, *, whole: bool = False
) -> tuple[list[tuple[int, str]], dict[int, AccountView], dict[int, str], dict[int, Profile]]:  # fmt: skip
    """(id, name) of every account (or the `wanted` ones) in id order, the views of those the
    portfolio findings look at (`whole`: of every one), with their contacts linked to
    opportunities, the status of those that are not customers, and the profile of every one."""
    holds = extras.holds if extras.interaction_days or extras.opportunities or extras.health_scores else None
    linked = sorted({i for opps in extras.opportunities.values() for o in opps for i in o.contact_ids})
    people: dict[int, list[ContactView]] = defaultdict(list)  # the contacts linked to opportunities
    for i in range(0, len(linked), 5000):
        for row in reader.rows(_CHECK_SQL + _in("id", linked[i : i + 5000]) + " ORDER BY id"):
            people[row[1]].append(_check_contact(row))
    accounts = []
    views = {}
    statuses = {}
    profiles: dict[int, Profile] = {}
    notes = ", notes" if whole else ", NULL"
    for id_, name, industry, tier, owner, revenue, status, note, renewal in reader.rows(
        f"SELECT id, name, industry, tier, owner, annual_revenue, status{notes}, renewal_date FROM account"
        + _in("id", wanted)
        + " ORDER BY id"
    ):  # fmt: skip
        accounts.append((id_, name))
        profiles[id_] = (owner, tier, revenue)
        if status != CUSTOMER:
            statuses[id_] = _status(id_, name, status)
        revenue = number("account", id_, name, "annual_revenue", revenue)
        # without a tier, revenue, interactions, opportunities or scores: nothing for portfolio.findings
        if whole or tier or revenue is not None or (holds is not None and holds(id_)):
            view = AccountView(id=id_, name=name, industry=industry, tier=tier, owner=owner, annual_revenue=revenue,
                               notes=note, contacts=people.get(id_, []), status=statuses.get(id_, CUSTOMER),
                               renewal_date=_account_day(id_, name, renewal) if whole else None)  # fmt: skip
            extras.fill(view)
            views[id_] = view
    return accounts, views, statuses, profiles
