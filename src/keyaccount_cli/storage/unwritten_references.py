"""The reports-to and successor cells of the contacts import's rows that are not written (another
cell of theirs did not parse), checked once the whole file is in as the written rows' are
(`contact_references`), so that every problem of a row is told at once. Nothing is staged or set:
a row with a problem is never written."""

from __future__ import annotations

from ..domain.keys import email_key, name_key
from .contact_references import _names_nobody
from .contact_rows import ImportState


def check(state: ImportState) -> None:
    """Each remembered reference (`ImportState.bad_references`) that names nobody at the row's
    account, several people, or the row's own contact is a problem on its row."""
    sql = state.sql
    for line, account, account_key, name, email, f, raw in state.unwritten:
        by_email = "@" in raw
        ref_key = email_key(raw) if by_email else name_key(raw)
        if ref_key == (email if by_email else name_key(name)):
            who = name or raw
            message = (
                f"{who} cannot report to themselves" if f == "reports_to" else f"{who} cannot be their own successor"
            )
            state.problem(line, f, raw, message)
            continue
        account_id = state.accounts.get(account_key) or sql.scalar(
            "SELECT id FROM account WHERE name_key = ?", (account_key,)
        )
        matches = 0
        if account_id is not None:
            where = "email = ?" if by_email else "name_key = ?"
            matches = sql.scalar(
                f"SELECT count(*) FROM contact WHERE account_id = ? AND {where}", (account_id, ref_key)
            )
        if matches > 1:
            state.problem(line, f, raw, f"{raw!r} names {matches} contacts at {account}; use the email")
        elif not matches:
            state.problem(line, f, raw, _names_nobody(state, account, raw, ref_key, int(by_email)))
