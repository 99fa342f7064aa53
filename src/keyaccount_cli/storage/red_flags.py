"""What the red flags (docs/spec.md §10, `domain.red_flags`) read beyond the contacts: the last
interaction with each active champion, the reports-to changes of the window, and who became a
decision maker in it. Plain SQL through a `Reader`, for one account or the whole book."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from ..domain.red_flags import FlagFacts
from ..domain.vocab import split_multi
from .extras import _day
from .reader import Reader

# how far back the history is read when the caller does not say: the longest window the config allows
LOOKBACK = 3650


def _has(sqlite: bool, role: str, column: str = "roles") -> str:
    """SQL: the `;`-joined roles hold `role` (as `ContactView.roles` would)."""
    return f"{'instr' if sqlite else 'strpos'}(';' || {column} || ';', ';{role};') > 0"


def _decides(sqlite: bool, alias: str = "") -> str:
    """SQL of `ContactView.decision_maker`."""
    return f"({alias}decision_power = 'final' OR {_has(sqlite, 'decision_maker', alias + 'roles')})"


def flag_facts(reader: Reader, where: str, today: date, days: int) -> dict[int, FlagFacts]:
    """Account id → its `FlagFacts` (only the accounts with something in them), with the history of
    the last `days` days (`RedFlagPolicy.lookback`, or more). `where`: more conditions on the
    `account_id` (` AND account_id IN (…)`), or none for every account."""
    sqlite = getattr(reader, "dialect", "sqlite") == "sqlite"
    found: dict[int, FlagFacts] = defaultdict(FlagFacts)
    params = _params(sqlite, today, days)
    for account_id, cid, name, last in reader.rows(
        'SELECT c.account_id, c.id, c.name, max(i."on") FROM contact c'
        " LEFT JOIN interaction_contact ic ON ic.contact_id = c.id"
        ' LEFT JOIN interaction i ON i.id = ic.interaction_id AND i."on" <= :today'
        f" WHERE coalesce(c.status, 'active') <> 'left' AND {_has(sqlite, 'champion', 'c.roles')}"
        + where.replace("account_id", "c.account_id") + " GROUP BY c.account_id, c.id, c.name ORDER BY c.id",
        params,
    ):  # fmt: skip
        found[account_id].champions.append((cid, name, _day(last)))
    given = _history(reader, where, params, found, sqlite)
    _with_last_contact(reader, given + _added_deciders(reader, where, params, sqlite), params, found)
    return found


def _params(sqlite: bool, today: date, days: int) -> dict[str, Any]:
    since, until = today - timedelta(days=days), today + timedelta(days=1)
    if sqlite:  # dates as text, times as SQLite keeps them (`2026-11-01 15:24:57.000000`)
        return {"today": today.isoformat(), "since": since.isoformat(), "until": until.isoformat()}
    return {"today": today, "since": since, "until": until}


def _history(
    reader: Reader, where: str, params: dict[str, Any], found: dict[int, FlagFacts], sqlite: bool
) -> list[tuple[int, int, str, date]]:  # fmt: skip
    """The reports-to changes of the window (into `found`), and the changes that gave someone the
    decision_maker role or final say, who still has it: (account id, contact id, name, day)."""
    entity = "+ch.entity" if sqlite else "ch.entity"  # a pass over the window, not the entity index
    given: list[tuple[int, int, str, date]] = []
    for account_id, cid, name, f, old, new, at, decides in reader.rows(
        f"SELECT ch.account_id, ch.entity_id, c.name, ch.field, ch.old, ch.new, ch.at, {_decides(sqlite, 'c.')}"
        ' FROM "change" ch JOIN contact c ON c.id = ch.entity_id'
        f" WHERE {entity} = 'contact' AND ch.field IN ('reports_to', 'roles', 'decision_power')"
        " AND ch.at >= :since AND ch.at < :until" + where.replace("account_id", "ch.account_id")
        + " AND coalesce(c.status, 'active') <> 'left' ORDER BY ch.id",
        params,
    ):  # fmt: skip
        day = _day(at)
        assert day is not None
        if f == "reports_to":
            found[account_id].reorg.append((cid, name, day, bool(decides)))
        elif decides and _made_decider(f, old, new):
            given.append((account_id, cid, name, day))
    return given


def _made_decider(f: str, old: str | None, new: str | None) -> bool:
    if f == "decision_power":
        return new == "final" and old != "final"
    return "decision_maker" in split_multi(new or "") and "decision_maker" not in split_multi(old or "")


def _added_deciders(
    reader: Reader, where: str, params: dict[str, Any], sqlite: bool
) -> list[tuple[int, int, str, date]]:
    """The decision makers added in the window to an account that was there before them (the people
    an account was created with, by its first import, were there before kam knew them)."""
    return [
        (account_id, cid, name, _day(at) or date.min)
        for account_id, cid, name, at in reader.rows(
            "SELECT c.account_id, c.id, c.name, c.created_at FROM contact c JOIN account a ON a.id = c.account_id"
            " WHERE c.created_at >= :since AND c.created_at < :until AND c.created_at > a.created_at"
            f" AND coalesce(c.status, 'active') <> 'left' AND {_decides(sqlite, 'c.')}"
            + where.replace("account_id", "c.account_id"),
            params,
        )
    ]  # fmt: skip


def _with_last_contact(
    reader: Reader, people: list[tuple[int, int, str, date]], params: dict[str, Any], found: dict[int, FlagFacts]
) -> None:  # fmt: skip
    """Each new decision maker with the last interaction logged with them up to today (the earliest
    day they became one, when they did twice)."""
    first: dict[int, tuple[int, str, date]] = {}
    for account_id, cid, name, day in people:
        if cid not in first or day < first[cid][2]:
            first[cid] = (account_id, name, day)
    last: dict[int, date | None] = {}
    ids = sorted(first)
    for i in range(0, len(ids), 500):
        for cid, day in reader.rows(
            'SELECT ic.contact_id, max(i."on") FROM interaction_contact ic JOIN interaction i ON i.id = ic.interaction_id'
            ' WHERE i."on" <= :today AND ic.contact_id IN (' + ", ".join(str(int(c)) for c in ids[i : i + 500])
            + ") GROUP BY ic.contact_id", params,
        ):  # fmt: skip
            last[cid] = _day(day)
    for cid, (account_id, name, day) in first.items():
        found[account_id].new_deciders.append((cid, name, day, last.get(cid)))


def unknown_attitudes(reader: Reader, where: str) -> dict[int, list[str]]:
    """Account id → its active decision makers without an attitude, by name in id order."""
    sqlite = getattr(reader, "dialect", "sqlite") == "sqlite"
    found: dict[int, list[str]] = defaultdict(list)
    for account_id, name in reader.rows(
        f"SELECT account_id, name FROM contact WHERE attitude IS NULL AND coalesce(status, 'active') <> 'left'"
        f" AND {_decides(sqlite)}" + where + " ORDER BY id"
    ):  # fmt: skip
        found[account_id].append(name)
    return found
