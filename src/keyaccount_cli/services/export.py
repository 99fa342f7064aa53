"""Rows for `kam export`: contacts in exactly the import columns, accounts, findings.

Each takes the database as the reader of the read-only commands (`storage.reader.Reader`), or a
session (read through its connection)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..domain.checks import FINDING_KEYS, CheckOptions, check_account, check_accounts
from ..domain.graph import coverage
from ..domain.keys import name_key
from ..importing.contacts import EXPORT_HEADER
from ..storage.exports import contacts_for_export
from ..storage.reader import as_reader
from ..storage.reading import iter_accounts

Rows = tuple[list[str], Iterable[list[Any]]]


def contact_rows(source: Any) -> Rows:
    """The contacts in exactly the import columns, as a stream of rows."""
    return EXPORT_HEADER, contacts_for_export(source, EXPORT_HEADER)


ACCOUNT_HEADER = ["account", "industry", "tier", "owner", "annual_revenue", "notes",
                  "contacts", "departments", "supporters", "decision_makers", "findings"]  # fmt: skip


def account_rows(source: Any, opts: CheckOptions) -> Rows:
    rows = []
    for a in iter_accounts(as_reader(source)):
        cov = coverage(a)
        rows.append([a.name, a.industry, a.tier, a.owner, a.annual_revenue, a.notes, cov.active,
                     cov.departments, cov.supporters, cov.decision_makers, len(check_account(a, opts))])  # fmt: skip
    return ACCOUNT_HEADER, sorted(rows, key=lambda r: name_key(r[0]))


FINDING_HEADER = list(FINDING_KEYS)


def finding_rows(source: Any, opts: CheckOptions) -> Rows:
    findings = check_accounts(iter_accounts(as_reader(source)), opts)
    return FINDING_HEADER, [list(f.as_row()) for f in findings]
