"""The errors for an account or contact that a command names and the database does not hold (or
holds twice), in one wording for the reader and the session paths, in the language in use."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import KamError
from ..i18n import _


def no_account(name: str, known: list[str]) -> KamError:
    """No account named `name`; `known`: (some of) those there are, in the order kam lists them."""
    if known:
        return KamError(
            _("no account named {name}; known accounts: {known}").format(name=repr(name), known=", ".join(known))
        )
    return KamError(_("no account named {name}; the database has no accounts yet").format(name=repr(name)))


def no_contact(ref: str, account: str | None) -> KamError:
    """No contact `ref` (at `account`, when one was named)."""
    if account:
        text = _("no contact {ref} at {account}; name one by email, id or name (kam contacts ACCOUNT lists them)")
    else:
        text = _("no contact {ref}; name one by email, id or name (kam contacts ACCOUNT lists them)")
    return KamError(text.format(ref=repr(ref), account=account))


def ambiguous(ref: str, matches: Iterable[tuple[int | None, str, str | None, str]]) -> KamError:
    """`ref` names several contacts: (id, name, email, account) of each."""
    found = list(matches)
    candidates = "; ".join(
        _("#{id} {name} <{email}> at {account}").format(id=i, name=n, email=e or _("no email"), account=a)
        for i, n, e, a in found
    )
    return KamError(
        _("{ref} is ambiguous ({n} contacts): {candidates}. Use the email or id, or --account").format(
            ref=repr(ref), n=len(found), candidates=candidates
        )
    )
