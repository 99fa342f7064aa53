"""The one grouped pass over a book's active contacts that `kam check` waits for (`read_account_book`
starts it first, on a second connection when there is one): the counts of `Counts`, and per account
what our side and the red flags read of its people — each key contact's `our_contacts`, the
decision makers without an attitude, the champions, and the decision makers added after the people
the account was first recorded with (docs/spec.md §9, §10). Texts are gathered with the database's
string aggregate and split here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from ..domain.our_side import people
from ..domain.views import Counts
from ..domain.vocab import ATTITUDE_SCORE
from .extras import _day
from .reader import Reader
from .sql_rules import decides, has_role
from .stored_values import unreadable

US, RS = "\x1f", "\x1e"  # between the items of a list, between the fields of an item


@dataclass(slots=True)
class KeyFacts:
    """One account's people as our side and the red flags read them (`book_counts`)."""

    key_people: list[tuple[str, ...]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    champions: list[tuple[int, str]] = field(default_factory=list)
    added: list[tuple[int, int, str, date]] = field(default_factory=list)  # (account id, id, name, day)


def counts_sql(where: str, *, sqlite: bool) -> str:
    """The counts over active contacts (`Counts`), with the names a finding may need (the only active
    contact's, the sole supporter's), the lists of `KeyFacts`, and last the first contact whose stored
    attitude cannot be read (as `reading._check_contact` would find it). Sorted once more at the end,
    so that SQLite does all of it in one step."""
    agg, ch, text = ("group_concat", "char", "") if sqlite else ("string_agg", "chr", "::text")
    supporter = "attitude IN (" + ", ".join(f"'{a}'" for a, score in ATTITUDE_SCORE.items() if score >= 1) + ")"
    readable = f"attitude IN ({', '.join(repr(a) for a in ATTITUDE_SCORE)})"
    decider, champion = decides(sqlite), has_role(sqlite, "champion")
    us, rs = f"{ch}(31)", f"{ch}(30)"
    added = (f"(SELECT {agg}(n.id{text} || {rs} || n.name || {rs} || n.created_at{text}, {us}) FROM contact n"
             f" WHERE n.account_id = g.account_id AND n.created_at > g.first_at"
             f" AND coalesce(n.status, 'active') <> 'left' AND {decides(sqlite, 'n.')})")  # fmt: skip
    return (
        "SELECT g.account_id, g.active, c1.name, g.supporters, CASE WHEN g.supporters = 1 THEN g.sup_id END, c2.name,"
        " g.dm, g.departments, CASE WHEN g.departments = 1 THEN g.department END, g.champions, g.champ_list,"
        f" g.unknown, g.ours, CASE WHEN g.last_at > g.first_at THEN {added} END, g.key_people, g.unreadable FROM"
        f" (SELECT account_id, count(*) AS active, min(id) AS first_id, sum(CASE WHEN {supporter} THEN 1 ELSE 0 END)"
        f" AS supporters, min(CASE WHEN {supporter} THEN id END) AS sup_id, sum(CASE WHEN {decider} THEN 1 ELSE 0 END)"
        " AS dm, count(DISTINCT CASE WHEN department <> '' THEN department END) AS departments,"
        " min(CASE WHEN department <> '' THEN department END) AS department,"
        f" sum(CASE WHEN {champion} THEN 1 ELSE 0 END) AS champions,"
        f" {agg}(CASE WHEN {champion} THEN id{text} || {rs} || name END, {us}) AS champ_list,"
        f" {agg}(CASE WHEN {decider} AND attitude IS NULL THEN name END, {us}) AS unknown,"
        f" sum(CASE WHEN {decider} OR {champion} THEN 1 ELSE 0 END) AS key_people,"
        f" {agg}(CASE WHEN our_contacts IS NOT NULL AND ({decider} OR {champion}) THEN our_contacts END, {us}) AS ours,"
        " min(created_at) AS first_at, max(created_at) AS last_at,"
        f" min(CASE WHEN attitude IS NOT NULL AND NOT ({readable}) THEN id END) AS unreadable"
        f" FROM contact WHERE coalesce(status, 'active') <> 'left'{where} GROUP BY account_id) g"
        " LEFT JOIN contact c1 ON c1.id = CASE WHEN g.active = 1 THEN g.first_id END"
        " LEFT JOIN contact c2 ON c2.id = CASE WHEN g.supporters = 1 THEN g.sup_id END"
        " ORDER BY g.account_id DESC"
    )  # fmt: skip


def read_counts(reader: Reader, rows: Iterable[Sequence[Any]]) -> tuple[dict[int, Counts], dict[int, KeyFacts]]:
    """The rows of `counts_sql`: `Counts` by account id, and the `KeyFacts` of the accounts with any;
    an attitude that cannot be read is named as every command that reads it names it."""
    counts: dict[int, Counts] = {}
    keys: dict[int, KeyFacts] = {}
    for row in rows:
        if row[15] is not None:
            ((cid, name, attitude),) = reader.rows(f"SELECT id, name, attitude FROM contact WHERE id = {int(row[15])}")
            raise unreadable("contact", cid, name, "attitude", attitude)
        counts[row[0]] = cast(Counts, tuple(row[:10]))
        champs, unknown, ours, added, key = row[10:15]
        if key or unknown is not None or added is not None:
            known = [] if ours is None else [people(t) for t in ours.split(US)]  # each key contact someone knows
            keys[row[0]] = KeyFacts(
                known + [()] * (key - len(known)),
                [] if unknown is None else unknown.split(US), _items(champs, _champion),
                [(row[0], cid, name, day) for cid, name, day in _items(added, _added)],
            )  # fmt: skip
    return counts, keys


def _champion(f: list[str]) -> tuple[int, str]:
    return int(f[0]), f[1]


def _added(f: list[str]) -> tuple[int, str, date]:
    return int(f[0]), f[1], _day(f[2]) or date.min


def _items(text: str | None, make: Callable[[list[str]], Any]) -> list[Any]:
    return [] if text is None else [make(item.split(RS)) for item in text.split(US)]
