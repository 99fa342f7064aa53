"""Our side (docs/spec.md §9), read: `kam team` (an account's team), `kam staff` (each of our people,
and what hangs on them) and the accounts `kam check --owner` looks at. (`teams.py` changes a team.)"""

from __future__ import annotations

from typing import Any

from ..domain.keys import name_key
from ..domain.order import sort_key
from ..domain.our_side import Person, people, staff
from ..errors import KamError
from ..i18n import _
from ..storage.our_people import known_by, owned_accounts, staff_rows, team_rows
from ..storage.reader import Reader
from ..storage.reading import account_ids

OWNER_ROLE = "owner"  # the role `kam team` shows for the account's owner
TEAM_KEYS = ("name", "role", "contacts_known")  # the JSON keys and CSV header of `kam team`
STAFF_KEYS = ("name", "accounts_owned", "team_accounts", "contacts_known", "sole_holder_accounts")


def account_team(reader: Reader, account: str) -> tuple[str, list[dict[str, Any]]]:
    """The account's name and its team: the owner first (role `owner`), then the people added, in
    name order, each with the account's contacts they know."""
    (id_,) = account_ids(reader, [account])
    ((name, owner),) = reader.rows(f"SELECT name, owner FROM account WHERE id = {int(id_)}")
    knows: dict[str, list[str]] = {}
    for _id, contact, text in known_by(reader, [id_]):
        for n in people(text):
            knows.setdefault(name_key(n), []).append(contact)
    rows = [(owner, OWNER_ROLE)] if owner else []
    rows += [
        (n, role) for n, role in team_rows(reader, [id_]).get(id_, []) if not owner or name_key(n) != name_key(owner)
    ]
    return name, [dict(zip(TEAM_KEYS, (n, role, knows.get(name_key(n), [])), strict=True)) for n, role in rows]


def our_people(reader: Reader, name: str | None = None) -> list[Person]:
    """Each of our people (`our_side.staff`), or only the one named `name` (by name key)."""
    everyone = staff(*staff_rows(reader))
    if name is None:
        return everyone
    wanted = [p for p in everyone if name_key(p.name) == name_key(name)]
    if not wanted:
        known = ", ".join(p.name for p in everyone[:20]) + (", …" if len(everyone) > 20 else "")
        raise KamError(_("nobody of ours is called {name}; our people: {known}").format(
            name=repr(name), known=known or _("none yet (kam set-account ACCOUNT --owner NAME)")))  # fmt: skip
    return wanted


def staff_record(p: Person) -> dict[str, Any]:
    return {k: getattr(p, k) for k in STAFF_KEYS}


def checked_accounts(reader: Reader, accounts: list[str] | None, owners: list[str] | None) -> list[str] | None:
    """The accounts `kam check --account … --owner …` looks at: those named, of those the owners own
    (either alone: all of those); None: every account. An owner who owns nothing is an error."""
    if not owners:
        return accounts or None
    owned = owned_accounts(reader, owners)
    if not accounts:
        return owned
    account_ids(reader, accounts)  # an unknown account is an error, as without --owner
    wanted = {name_key(a) for a in accounts}
    both = [a for a in owned if name_key(a) in wanted]
    if not both:
        raise KamError(_("none of the accounts named ({accounts}) is owned by {owners}, whose accounts are {owned}").format(
            owners=", ".join(owners), accounts=", ".join(accounts), owned=", ".join(sorted(owned, key=sort_key))))  # fmt: skip
    return both
