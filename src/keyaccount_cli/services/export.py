"""Rows for `kam export`: contacts in exactly the import columns, accounts, findings.

Each takes the database as the reader of the read-only commands (`storage.reader.Reader`), or a
session (read through its connection)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..domain.checks import FINDING_KEYS, CheckOptions, check_accounts, check_facts
from ..domain.keys import name_key
from ..domain.vocab import history_text
from ..importing.columns import COLUMNS, FOLDER_FILES, MOVED_TO
from ..importing.contacts import EXPORT_HEADER
from ..storage.exports import (
    accounts_for_folder,
    contacts_for_export,
    handovers_for_folder,
    interactions_for_folder,
    one_snapshot,
    opportunities_for_folder,
    relations_for_folder,
)
from ..storage.reader import as_reader
from ..storage.reading import iter_account_facts, iter_book_facts

Rows = tuple[list[str], Iterable[Sequence[Any]]]
# the header of each file of `kam export all`: the columns `kam import --kind KIND` reads
FOLDER_HEADERS = {kind: list(COLUMNS[kind]) for kind in FOLDER_FILES} | {"contacts": [*EXPORT_HEADER, *MOVED_TO]}


def contact_rows(source: Any) -> Rows:
    """The contacts in exactly the import columns, as a stream of rows."""
    return EXPORT_HEADER, contacts_for_export(source, EXPORT_HEADER)


def _cell(value: Any) -> str | None:
    """A stored value as the folder's CSV writes it (and import reads it back)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return history_text(value)


def folder_tables(source: Any) -> Iterator[tuple[str, Rows]]:
    """`kam export all`: (file name, (header, rows)) for each file of the folder, in
    `FOLDER_FILES` order; every header is the import's columns of that kind (contacts.csv adds
    `moved_to`)."""
    one_snapshot(source)
    header = FOLDER_HEADERS["contacts"]
    tables: dict[str, tuple[list[str], Iterable[dict[str, Any]]]] = {
        "accounts": (FOLDER_HEADERS["accounts"], accounts_for_folder(source, FOLDER_HEADERS["accounts"])),
        "relations": (FOLDER_HEADERS["relations"], relations_for_folder(source)),
        "opportunities": (FOLDER_HEADERS["opportunities"],
                          opportunities_for_folder(source, FOLDER_HEADERS["opportunities"])),
        "interactions": (FOLDER_HEADERS["interactions"], interactions_for_folder(source)),
        "handovers": (FOLDER_HEADERS["handovers"], handovers_for_folder(source, FOLDER_HEADERS["handovers"])),
    }  # fmt: skip
    for kind in FOLDER_FILES:
        if kind == "contacts":
            yield "contacts.csv", (header, contacts_for_export(source, header, by_id=True))
            continue
        columns, records = tables[kind]
        yield f"{kind}.csv", (columns, ([_cell(r.get(f)) for f in columns] for r in records))


ACCOUNT_HEADER = ["account", "industry", "tier", "owner", "annual_revenue", "notes",
                  "contacts", "departments", "supporters", "decision_makers", "findings", "tier_source"]  # fmt: skip


def account_rows(source: Any, opts: CheckOptions) -> Rows:
    """`kam export accounts`: one row per account, with its effective tier and where it comes from
    (`kam export all` writes the tier as set, for import to read back)."""
    rows = []
    policy = opts.policy
    for facts in iter_book_facts(
        as_reader(source), due=opts.horizon, today=opts.today, scores=False
    ):  # as `kam accounts`
        a = facts.view
        assert a is not None  # a whole book: every account has its view
        rows.append([a.name, a.industry, policy.tier(a), a.owner, _cell(a.annual_revenue), a.notes, facts.active,
                     facts.departments, facts.supporters, facts.decision_makers, len(check_facts(facts, opts)),
                     policy.tier_source(a)])  # fmt: skip
    return ACCOUNT_HEADER, sorted(rows, key=lambda r: name_key(r[0]))


FINDING_HEADER = list(FINDING_KEYS)


def finding_rows(source: Any, opts: CheckOptions) -> Rows:
    findings = check_accounts(
        iter_account_facts(as_reader(source), due=opts.horizon, today=opts.today), opts
    )  # as `kam check`
    return FINDING_HEADER, [list(f.as_row()) for f in findings]
