"""The CONTACT and ACCOUNT arguments of the read commands, found through a `Reader` with plain SQL:
an account by its name key (unique index), a contact by id (primary key), email (unique index) or
name (`ix_contact_account_name` within an account, `ix_contact_name_key` without one)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from ..domain.keys import email_key, name_key
from ..errors import KamError
from .not_found import ambiguous, no_contact
from .reader import Reader, _in
from .reading import no_account

# The largest row id each backend stores (a server's `integer` column); a larger number is no id
MAX_ID = {"sqlite": 2**63 - 1, "postgresql": 2**31 - 1}


class ContactRef(NamedTuple):
    """A contact named on the command line: who they are and where."""

    id: int
    account_id: int
    name: str
    email: str | None


def find_account(reader: Reader, name: str) -> tuple[int, str] | None:
    """The (id, name) of the account called `name` (case and spacing aside), if there is one."""
    found = list(reader.rows("SELECT id, name FROM account WHERE name_key = :key", {"key": name_key(name)}))
    return (found[0][0], found[0][1]) if found else None


def require_account(reader: Reader, name: str) -> tuple[int, str]:
    found = find_account(reader, name)
    if found is None:
        raise no_account(reader, name)
    return found


def _row_id(reader: Reader, ref: str) -> int | None:
    """`ref` as the id of a row, if it is a number such an id can be."""
    if not (ref.isascii() and ref.isdigit()):
        return None
    value = int(ref)
    return value if value <= MAX_ID.get(reader.dialect, 2**31 - 1) else None


def _contacts(reader: Reader, where: str, params: dict[str, Any]) -> list[ContactRef]:
    rows = reader.rows("SELECT id, account_id, name, email FROM contact WHERE " + where, params)
    return [ContactRef(*row) for row in rows]


def resolve_contact(reader: Reader, ref: str, account: str | None = None) -> ContactRef:
    """A CONTACT argument: an email, a numeric id, or a name (narrowed by `account`)."""
    ref = ref.strip()
    if not ref:
        raise KamError("a contact must be named by email, id or name")
    acc = require_account(reader, account) if account else None
    within = "" if acc is None else " AND account_id = :account"
    params: dict[str, Any] = {} if acc is None else {"account": acc[0]}
    contact_id = _row_id(reader, ref)
    if contact_id is not None:
        found = _contacts(reader, "id = :id" + within, {**params, "id": contact_id})
        if found:
            return found[0]
    if "@" in ref:
        found = _contacts(reader, "email = :email" + within, {**params, "email": email_key(ref)})
        if found:
            return found[0]
    matches = _contacts(reader, "name_key = :key" + within + " ORDER BY id", {**params, "key": name_key(ref)})
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise no_contact(ref, acc[1] if acc else None)
    accounts = account_names(reader, [c.account_id for c in matches])
    raise ambiguous(ref, ((c.id, c.name, c.email, accounts[c.account_id]) for c in matches))


def _names(reader: Reader, table: str, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    out: dict[int, str] = {}
    for start in range(0, len(wanted), 5000):
        out.update(
            (i, n) for i, n in reader.rows(f"SELECT id, name FROM {table}" + _in("id", wanted[start : start + 5000]))
        )
    return out


def contact_names(reader: Reader, ids: Iterable[int | None]) -> dict[int, str]:
    """Contact id → name, for the ids given (None and unknown ids left out)."""
    return _names(reader, "contact", ids)


def account_names(reader: Reader, ids: Iterable[int | None]) -> dict[int, str]:
    """Account id → name, for the ids given."""
    return _names(reader, "account", ids)
