"""Rows for `kam export`, read through a `Reader`: contacts in exactly the import columns,
accounts, findings."""

from __future__ import annotations

from typing import Any

from ..domain.checks import CheckOptions, check_account, check_accounts
from ..domain.graph import coverage
from ..domain.vocab import history_text
from ..importing.contacts import EXPORT_HEADER
from ..storage.reader import Reader, name_key
from ..storage.reading import export_contacts, iter_accounts

Rows = tuple[list[str], list[list[Any]]]


def contact_rows(reader: Reader) -> Rows:
    pairs = list(export_contacts(reader))
    # a reference is written as the email when there is one, else the name, as import reads it
    ref = {c["id"]: c["email"] or c["name"] for _, c in pairs}
    rows = []
    for account, c in pairs:
        values = {
            "account": account, "reports_to": ref.get(c["reports_to_id"]) if c["reports_to_id"] else None,
            "successor": ref.get(c["successor_id"]) if c["successor_id"] else None,
        }  # fmt: skip
        rows.append([values[f] if f in values else history_text(c[f]) for f in EXPORT_HEADER])
    return EXPORT_HEADER, rows


ACCOUNT_HEADER = ["account", "industry", "tier", "owner", "annual_revenue", "notes",
                  "contacts", "departments", "supporters", "decision_makers", "findings"]  # fmt: skip


def account_rows(reader: Reader, opts: CheckOptions) -> Rows:
    """One row per account, by name; `tier` is the account's own (the profile as stored)."""
    rows = []
    for a in iter_accounts(reader):
        cov = coverage(a)
        rows.append([a.name, a.industry, a.tier, a.owner, a.annual_revenue, a.notes, cov.active,
                     cov.departments, cov.supporters, cov.decision_makers, len(check_account(a, opts))])  # fmt: skip
    return ACCOUNT_HEADER, sorted(rows, key=lambda r: name_key(r[0]))


FINDING_HEADER = ["code", "severity", "account", "contact", "date", "message"]


def finding_rows(reader: Reader, opts: CheckOptions) -> Rows:
    findings = check_accounts(iter_accounts(reader), opts)
    return FINDING_HEADER, [[f.as_record()[k] for k in FINDING_HEADER] for f in findings]
