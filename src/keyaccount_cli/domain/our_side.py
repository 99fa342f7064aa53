"""Our side of a relationship (docs/spec.md §9): our people, named by the text used as an account's
owner; who of them knows which contact (`our_contacts`); and which accounts hang on one of them.

A person of ours is one name key (`keys.name_key`): `Li Lei` and `li  lei` are one person, shown
as first written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..i18n import _, ngettext
from .findings import Finding
from .keys import name_key
from .labels import label
from .order import sort_key
from .views import covered
from .vocab import VocabError, split_multi

SEPARATOR = ";"  # how a contact's `our_contacts` are stored: names joined by it
TEAM_FIELD = "team"  # the history's field for a change to an account's team


def team_entry(name: str, role: str) -> str:
    """How a team entry reads in the history: `李雷 (presales)`."""
    return f"{name} ({role})"


def parse_people(text: str) -> str | None:
    """A cell or option of our people's names (split as any multi-valued cell) → the stored text:
    each name with its spaces squashed, once (by name key), in the order given; None for none."""
    names: dict[str, str] = {}
    for part in split_multi(text):
        name = " ".join(part.split())
        if len(name) > 200:
            raise VocabError(f"a name of ours is at most 200 characters, not {len(name)}")
        names.setdefault(name_key(name), name)
    return SEPARATOR.join(names.values()) or None


@lru_cache(maxsize=4096)
def people(stored: str | None) -> tuple[str, ...]:
    """The names in a stored `our_contacts` text (a million contacts share a few hundred texts)."""
    return tuple(p for p in stored.split(SEPARATOR) if p) if stored else ()


def replaced(stored: str | None, old: str, new: str) -> str | None:
    """`stored` with the person `old` replaced by `new` (kept once, where `old` was); None when
    `old` is not among them (nothing to change)."""
    names = people(stored)
    old_key, new_key = name_key(old), name_key(new)
    if old_key not in {name_key(n) for n in names}:
        return None
    out: dict[str, str] = {}
    for n in names:
        key = name_key(n)
        if key == old_key:
            out.setdefault(new_key, new)
        else:
            out.setdefault(key, n)
    return SEPARATOR.join(out.values())


def holders(key_people: Iterable[tuple[str, ...]]) -> dict[str, str]:
    """Our people who know at least one of these contacts (each given by its `our_contacts`):
    name key → the name as written (of several spellings, the least, whatever the order given)."""
    found: dict[str, str] = {}
    for names in key_people:
        for n in names:
            key = name_key(n)
            found[key] = min(found.get(key, n), n)
    return found


def single_threaded(key_people: list[tuple[str, ...]]) -> tuple[bool, str | None]:
    """SINGLE_THREADED_INSIDE's rule: between them, the account's key contacts (one at least) are
    known by one person of ours or by nobody. (Whether it holds, and the one person, if any.)"""
    if not key_people:
        return False, None
    found = holders(key_people)
    if len(found) > 1:
        return False, None
    return True, next(iter(found.values()), None)


def sole_holder(key_people: list[tuple[str, ...]], owner: str | None) -> str | None:
    """The one of our people a customer account's key relationships hang on: the only one who knows
    its key contacts, or, where nobody of ours is recorded as knowing them, its owner; None when
    they are known by several of us (or it has no key contact)."""
    single, holder = single_threaded(key_people)
    return (holder or owner or None) if single else None


def sole_holders(accounts: Iterable[tuple[str, str | None]]) -> list[dict[str, Any]]:
    """`kam report`'s people alone with key relationships: of (account, its `sole_holder`), each person
    with the accounts that hang on them, most accounts first."""
    found: dict[str, tuple[str, list[str]]] = {}
    for account, holder in accounts:
        if holder:
            found.setdefault(name_key(holder), (holder, []))[1].append(account)
    rows = [
        {"name": name, "count": len(names), "accounts": sorted(names, key=sort_key)} for name, names in found.values()
    ]
    return sorted(rows, key=lambda r: (-r["count"], sort_key(r["name"])))


def our_side_findings(
    account: str, owner: str | None, tier: str | None, key_people: list[tuple[str, ...]]
) -> list[Finding]:
    """SINGLE_THREADED_INSIDE and OWNER_MISSING (docs/spec.md §9) for a customer account (the caller
    asks) with this owner, effective tier and key contacts (each by its `our_contacts`), in the
    order of `checks.sort_findings` (medium before low)."""
    out = []
    single, holder = single_threaded(key_people)
    if single:
        out.append(Finding("SINGLE_THREADED_INSIDE", "medium", account, None, None,
                           _inside_text(len(key_people), holder, owner)))  # fmt: skip
    if tier and not owner:
        out.append(Finding("OWNER_MISSING", "low", account, None, None, _no_owner_text(tier)))
    return out


def _inside_text(n: int, holder: str | None, owner: str | None) -> str:
    if holder is not None:
        return ngettext(
            "only {person} of our people knows its decision maker or champion: if {person} leaves, "
            "the relationship goes too",
            "only {person} of our people knows its {n} decision makers and champions: if {person} leaves, "
            "every key relationship goes too", n,
        ).format(person=holder, n=n)  # fmt: skip
    if owner:
        return ngettext(
            "none of our people is recorded as knowing its decision maker or champion: it rests with the "
            "owner, {owner}, alone (kam set CONTACT --our-contact NAME)",
            "none of our people is recorded as knowing its {n} decision makers and champions: they rest with "
            "the owner, {owner}, alone (kam set CONTACT --our-contact NAME)", n,
        ).format(n=n, owner=owner)  # fmt: skip
    return ngettext(
        "none of our people is recorded as knowing its decision maker or champion "
        "(kam set CONTACT --our-contact NAME)",
        "none of our people is recorded as knowing its {n} decision makers and champions "
        "(kam set CONTACT --our-contact NAME)", n,
    ).format(n=n)  # fmt: skip


def _no_owner_text(tier: str) -> str:
    return _("a {tier} account without an owner (kam set-account ACCOUNT --owner NAME)").format(
        tier=label("tier", tier)
    )


@dataclass
class Person:
    """One of our people as `kam staff` shows them (its JSON keys, docs/spec.md §9)."""

    name: str
    accounts_owned: list[str] = field(default_factory=list)
    team_accounts: list[str] = field(default_factory=list)
    contacts_known: list[str] = field(default_factory=list)
    sole_holder_accounts: list[str] = field(default_factory=list)


def staff(
    accounts: Iterable[tuple[Any, ...]], teams: Mapping[int, list[tuple[str, str]]],
    known: Iterable[Sequence[Any]], key_people: Mapping[int, list[tuple[str, ...]]],
) -> list[Person]:  # fmt: skip
    """Each of our people, in name order: the accounts they own, the teams they are on, the
    contacts they know (by each contact's `our_contacts`), and the customer accounts that hang on
    them alone: where they are the one person of ours who knows the key contacts, or, where nobody
    of ours is recorded as knowing them, the owner. `accounts`: (id, name, owner, status);
    `known`: (account id, contact name, our_contacts text)."""
    found: dict[str, Person] = {}

    def person(name: str) -> Person:
        return found.setdefault(name_key(name), Person(name))

    names = {}
    for id_, name, owner, status in accounts:
        names[id_] = name
        if owner:
            person(owner).accounts_owned.append(name)
        holder = sole_holder(key_people.get(id_, []), owner) if covered(status) else None
        if holder:
            person(holder).sole_holder_accounts.append(name)
    for id_, members in teams.items():
        for member, _role in members:
            person(member).team_accounts.append(names[id_])
    for _id, contact, text in known:
        for n in people(text):
            person(n).contacts_known.append(contact)
    for p in found.values():
        for listed in (p.accounts_owned, p.team_accounts, p.sole_holder_accounts):
            listed.sort(key=sort_key)
    return sorted(found.values(), key=lambda p: sort_key(p.name))
