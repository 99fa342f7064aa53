"""What the red flags (docs/spec.md §10, `domain.red_flags`) read beyond the contacts: the last
interaction with each contact, the reports-to changes of the window, and who became a decision
maker in it. Plain SQL through a `Reader`: for the few accounts a command shows (`flag_facts`), or
for a whole book beside its counts (`book_counts`, `history_facts`, `last_interactions`, `assemble`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from ..domain.red_flags import FlagFacts
from ..domain.vocab import split_multi
from .book_counts import KeyFacts
from .extras import _day
from .reader import Reader
from .sql_rules import decides, has_role

# how far back the history is read when the caller does not say: the longest window the config allows
LOOKBACK = 3650

Person = tuple[int, int, str, date]  # (account id, contact id, name, day)


def _sqlite(reader: Reader) -> bool:
    return getattr(reader, "dialect", "sqlite") == "sqlite"


def flag_facts(reader: Reader, where: str, today: date, days: int) -> dict[int, FlagFacts]:
    """Account id → its `FlagFacts`, with the history of the last `days` days, for the accounts of
    `where` (more conditions on `account_id`, ` AND account_id IN (…)`), as `assemble` makes them for
    a whole book from its counts."""
    sqlite = _sqlite(reader)
    keys: dict[int, KeyFacts] = defaultdict(KeyFacts)
    for account_id, cid, name in reader.rows(
        "SELECT account_id, id, name FROM contact"
        f" WHERE coalesce(status, 'active') <> 'left' AND {has_role(sqlite, 'champion')}{where} ORDER BY id"
    ):  # fmt: skip
        keys[account_id].champions.append((cid, name))
    for person in _added_deciders(reader, where, _params(sqlite, today, days), sqlite):
        keys[person[0]].added.append(person)
    return assemble(keys, history_facts(reader, where, today, days), last_interactions(reader, where, today))


def _params(sqlite: bool, today: date, days: int) -> dict[str, Any]:
    since, until = today - timedelta(days=days), today + timedelta(days=1)
    if sqlite:  # dates as text, times as SQLite keeps them (`2026-11-01 15:24:57.000000`)
        return {"today": today.isoformat(), "since": since.isoformat(), "until": until.isoformat()}
    return {"today": today, "since": since, "until": until}


def history_facts(
    reader: Reader, where: str, today: date, days: int
) -> tuple[dict[int, list[tuple[int, str, date, bool]]], list[Person]]:  # fmt: skip
    """From the history of the last `days` days: the reports-to changes by account (contact id, name,
    day, whether they decide), and the changes that gave someone the decision_maker role or final
    say, who still has it. One pass over the window of the history."""
    sqlite = _sqlite(reader)
    entity = "+ch.entity" if sqlite else "ch.entity"  # a pass over the window, not the entity index
    reorg: dict[int, list[tuple[int, str, date, bool]]] = defaultdict(list)
    given: list[Person] = []
    for account_id, cid, name, f, old, new, at, decider in reader.rows(
        f"SELECT ch.account_id, ch.entity_id, c.name, ch.field, ch.old, ch.new, ch.at, {decides(sqlite, 'c.')}"
        ' FROM "change" ch JOIN contact c ON c.id = ch.entity_id'
        f" WHERE {entity} = 'contact' AND ch.field IN ('reports_to', 'roles', 'decision_power')"
        " AND ch.at >= :since AND ch.at < :until" + where.replace("account_id", "ch.account_id")
        + " AND coalesce(c.status, 'active') <> 'left' ORDER BY ch.id",
        _params(sqlite, today, days),
    ):  # fmt: skip
        day = _day(at) or date.min
        if f == "reports_to":
            reorg[account_id].append((cid, name, day, bool(decider)))
        elif decider and _made_decider(f, old, new):
            given.append((account_id, cid, name, day))
    return reorg, given


def _made_decider(f: str, old: str | None, new: str | None) -> bool:
    if f == "decision_power":
        return new == "final" and old != "final"
    return "decision_maker" in split_multi(new or "") and "decision_maker" not in split_multi(old or "")


def _added_deciders(reader: Reader, where: str, params: dict[str, Any], sqlite: bool) -> list[Person]:
    """The active decision makers recorded in the window after the people their account was first
    recorded with (those were there before kam knew them): as `book_counts` finds them."""
    return [
        (account_id, cid, name, _day(at) or date.min)
        for account_id, cid, name, at in reader.rows(
            "SELECT c.account_id, c.id, c.name, c.created_at FROM contact c JOIN"
            " (SELECT account_id, min(created_at) AS first_at FROM contact WHERE coalesce(status, 'active') <> 'left'"
            + where + " GROUP BY account_id) f ON f.account_id = c.account_id"
            " WHERE c.created_at >= :since AND c.created_at < :until AND c.created_at > f.first_at"
            f" AND coalesce(c.status, 'active') <> 'left' AND {decides(sqlite, 'c.')}"
            + where.replace("account_id", "c.account_id"),
            params,
        )
    ]  # fmt: skip


def last_interactions(reader: Reader, where: str, today: date) -> dict[int, date]:
    """Contact id → the last day an interaction with them was logged, up to today."""
    out: dict[int, date] = {}
    for cid, day in reader.rows(
        'SELECT ic.contact_id, max(i."on") FROM interaction_contact ic JOIN interaction i ON i.id = ic.interaction_id'
        ' WHERE i."on" <= :today' + where.replace("account_id", "i.account_id") + " GROUP BY ic.contact_id",
        {"today": today.isoformat() if _sqlite(reader) else today},
    ):  # fmt: skip
        out[cid] = _day(day) or date.min
    return out


def assemble(
    keys: dict[int, KeyFacts], history: tuple[dict[int, list[tuple[int, str, date, bool]]], list[Person]],
    last: dict[int, date],
) -> dict[int, FlagFacts]:  # fmt: skip
    """The `FlagFacts` of each account from its champions and added decision makers (`KeyFacts`),
    the history's facts and the last interactions: a decision maker made twice counts from the
    earlier day."""
    reorg, given = history
    out: dict[int, FlagFacts] = {}
    first: dict[int, Person] = {}
    for person in given + [p for k in keys.values() for p in k.added]:
        if person[1] not in first or person[3] < first[person[1]][3]:
            first[person[1]] = person
    for account_id in keys.keys() | reorg.keys() | {p[0] for p in first.values()}:
        champions = keys[account_id].champions if account_id in keys else []
        out[account_id] = FlagFacts(champions=[(cid, name, last.get(cid)) for cid, name in champions],
                                    reorg=reorg.get(account_id, []))  # fmt: skip
    for account_id, cid, name, day in sorted(first.values(), key=lambda p: p[1]):
        out[account_id].new_deciders.append((cid, name, day, last.get(cid)))
    return out
