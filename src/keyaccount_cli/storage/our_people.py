"""Reading our people (docs/spec.md §9): the account teams (beside each owner, our people added in a
role), the contacts each of them knows (`our_contacts`), and who owns what. Plain SQL through a
`Reader`, as the read-only commands read (`teams.py` writes the teams)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from ..domain.keys import name_key
from ..domain.order import sort_key
from ..domain.our_side import people
from ..errors import KamError
from ..i18n import _
from .reader import Reader, _in
from .sql_rules import key_person


def team_rows(reader: Reader, ids: Sequence[int] | None = None) -> dict[int, list[tuple[str, str]]]:
    """Account id → its team entries beside the owner, (name, role), in name order."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for account_id, name, role in reader.rows(
        "SELECT account_id, name, role FROM team_member" + _in("account_id", None if ids is None else list(ids))
    ):  # fmt: skip
        found[account_id].append((name, role))
    for team in found.values():
        team.sort(key=lambda p: sort_key(p[0]))
    return found


def known_by(reader: Reader, ids: Sequence[int] | None = None) -> list[Sequence[Any]]:
    """(account id, contact name, our_contacts text) of every contact one of our people knows (in
    the accounts `ids`, or all), in account and id order."""
    where = "" if ids is None else " AND account_id IN (" + ", ".join(str(int(i)) for i in ids) + ")"
    return list(reader.rows(
        "SELECT account_id, name, our_contacts FROM contact WHERE our_contacts IS NOT NULL AND our_contacts <> ''"
        + where + " ORDER BY account_id, id"
    ))  # fmt: skip


def key_people(reader: Reader, where: str = "") -> dict[int, list[tuple[str, ...]]]:
    """Account id → the `our_contacts` of each of its active key contacts (decision makers and
    champions, `portfolio.is_key_person` in SQL; the whole-book test holds the two equal), one entry
    per key contact (() for one whom nobody of ours knows). `where`: more conditions on the contact."""
    key = key_person(getattr(reader, "dialect", "sqlite") == "sqlite")
    found: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for account_id, text, n in reader.rows(
        "SELECT account_id, our_contacts, count(*) FROM contact WHERE coalesce(status, 'active') <> 'left' AND "
        + key + where + " GROUP BY account_id, our_contacts"
    ):  # fmt: skip
        found[account_id] += [people(text)] * n
    return found


def owned_accounts(reader: Reader, owners: Sequence[str]) -> list[str]:
    """The names of the accounts these people own (named as the owner is written, by name key); one
    who owns nothing is an error naming the owners there are."""
    by_owner: dict[str, list[str]] = defaultdict(list)
    spelled: dict[str, str] = {}
    for name, owner in reader.rows("SELECT name, owner FROM account WHERE owner IS NOT NULL AND owner <> ''"):
        by_owner[name_key(owner)].append(name)
        spelled.setdefault(name_key(owner), owner)
    out: list[str] = []
    for owner in owners:
        found = by_owner.get(name_key(owner))
        if not found:
            raise no_owner(owner, sorted(spelled.values(), key=sort_key))
        out += found
    return list(dict.fromkeys(out))


def no_owner(name: str, owners: list[str]) -> KamError:
    if owners:
        known = ", ".join(owners[:20]) + (", …" if len(owners) > 20 else "")
        return KamError(_("{name} owns no account; the owners are {owners}").format(name=repr(name), owners=known))
    return KamError(_("{name} owns no account; no account has an owner yet (kam set-account ACCOUNT --owner NAME)")
                    .format(name=repr(name)))  # fmt: skip


def staff_rows(reader: Reader) -> StaffRows:
    """What `kam staff` works from: every account's (id, name, owner, status), the teams, the
    contacts our people know, and the key contacts' `our_contacts` (`key_people`)."""
    accounts = [tuple(r) for r in reader.rows("SELECT id, name, owner, status FROM account ORDER BY id")]
    return StaffRows(accounts, team_rows(reader), known_by(reader), key_people(reader))


class StaffRows(NamedTuple):
    accounts: list[tuple[Any, ...]]
    teams: dict[int, list[tuple[str, str]]]
    known: list[Sequence[Any]]
    key_people: dict[int, list[tuple[str, ...]]]
