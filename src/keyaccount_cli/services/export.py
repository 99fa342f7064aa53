"""Rows for `kam export`: contacts in exactly the import columns, accounts, findings.

Each takes the database as the reader of the read-only commands (`storage.reader.Reader`), or a
session (read through its connection)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .. import i18n
from ..domain.checks import CheckOptions, check_accounts, check_facts
from ..domain.findings import FINDING_KEYS
from ..domain.labels import label
from ..domain.order import sort_key
from ..domain.vocab import history_text
from ..i18n import NP_, pgettext
from ..importing.columns import COLUMNS, FOLDER_FILES, MOVED_TO, VALUE_VOCABULARY, chinese_header
from ..importing.contacts import EXPORT_HEADER
from ..storage.exports import (
    accounts_for_folder,
    contacts_for_export,
    handovers_for_folder,
    interactions_for_folder,
    one_snapshot,
    opportunities_for_folder,
    owner_handovers_for_folder,
    relations_for_folder,
    team_for_folder,
)
from ..storage.reader import as_reader
from ..storage.reading import iter_account_facts, iter_book_facts
from .export_halves import halves

Rows = tuple[list[str], Iterable[Sequence[Any]]]
# the header of each file of `kam export all`: the columns `kam import --kind KIND` reads
FOLDER_HEADERS = {kind: list(COLUMNS[kind]) for kind in FOLDER_FILES} | {"contacts": [*EXPORT_HEADER, *MOVED_TO]}


def contact_rows(source: Any) -> Rows:
    """The contacts in exactly the import columns, as a stream of rows (in two halves, for
    `export_halves.write_rows`, when the book is big)."""
    return _contacts(source, EXPORT_HEADER, by_id=False)


def _contacts(source: Any, header: list[str], *, by_id: bool) -> Rows:
    reader = as_reader(source)
    split = halves(reader, header, by_id=by_id, labelled=lambda rows: in_language("contacts", header, rows)[1])
    if split is not None:
        return in_language("contacts", header, ())[0], split
    return in_language("contacts", header, contacts_for_export(reader, header, by_id=by_id))


# the columns of the accounts and findings exports that no import reads (their Chinese is in the catalog)
_OTHER_COLUMNS = {
    "contacts": NP_("column", "contacts"), "departments": NP_("column", "departments"),
    "supporters": NP_("column", "supporters"), "decision_makers": NP_("column", "decision_makers"),
    "findings": NP_("column", "findings"), "code": NP_("column", "code"), "severity": NP_("column", "severity"),
    "contact": NP_("column", "contact"), "date": NP_("column", "date"), "message": NP_("column", "message"),
    "tier_source": NP_("column", "tier_source"),
}  # fmt: skip
_OTHER_VALUES = {"findings": {"severity": "severity"}}  # the findings export's severity, as the tables show it


def in_language(kind: str, header: list[str], rows: Iterable[Sequence[Any]]) -> Rows:
    """The header and rows of a `kind` export in the language in use: in English as they are; in
    Chinese each column under its Chinese name (the alias `importing.columns` gives it, which the
    import reads back) and each vocabulary value as its label (`domain.labels`, an alias too).
    Dates stay ISO, numbers numbers, finding codes codes."""
    if i18n.current() == "en":
        return header, rows
    names = [chinese_header(kind, f) or pgettext("column", _OTHER_COLUMNS.get(f, f)) for f in header]
    vocabularies = VALUE_VOCABULARY.get(kind) or _OTHER_VALUES.get(kind, {})
    labelled = [(i, vocabularies[f]) for i, f in enumerate(header) if f in vocabularies]
    if not labelled:
        return names, rows
    return names, (_labelled(row, labelled) for row in rows)


def _labelled(row: Sequence[Any], labelled: list[tuple[int, str]]) -> list[Any]:
    """`row` with the value at each index of `labelled` as the label of its vocabulary (values of a
    multi-valued cell, joined with `;`, one by one)."""
    out = list(row)
    for i, vocabulary in labelled:
        value = out[i]
        if isinstance(value, str) and value:
            out[i] = (
                ";".join(label(vocabulary, v) for v in value.split(";")) if ";" in value else label(vocabulary, value)
            )
    return out


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
        "owner_handovers": (FOLDER_HEADERS["owner_handovers"], owner_handovers_for_folder(source)),
        "team": (FOLDER_HEADERS["team"], team_for_folder(source)),
    }  # fmt: skip
    for kind in FOLDER_FILES:
        if kind == "contacts":
            yield "contacts.csv", _contacts(source, header, by_id=True)
            continue
        columns, records = tables[kind]
        yield f"{kind}.csv", in_language(kind, columns, ([_cell(r.get(f)) for f in columns] for r in records))


def interaction_rows(source: Any) -> Rows:
    """`kam export interactions`: every interaction in the columns `kam import --kind interactions`
    reads back (`by` among them), as `kam export all` writes interactions.csv."""
    columns = FOLDER_HEADERS["interactions"]
    rows = interactions_for_folder(as_reader(source))
    return in_language("interactions", columns, ([_cell(r.get(f)) for f in columns] for r in rows))


ACCOUNT_HEADER = ["account", "industry", "tier", "owner", "annual_revenue", "notes",
                  "contacts", "departments", "supporters", "decision_makers", "findings", "renewal_date",
                  "tier_source"]  # fmt: skip


def account_rows(source: Any, opts: CheckOptions) -> Rows:
    """`kam export accounts`: one row per account, with its effective tier and where it comes from
    (`kam export all` writes the tier as set, for import to read back)."""
    rows = []
    policy = opts.policy
    for facts in iter_book_facts(
        as_reader(source), due=opts.horizon, today=opts.today, scores=False, early=opts.early
    ):  # as `kam accounts`
        a = facts.view
        assert a is not None  # a whole book: every account has its view
        rows.append([a.name, a.industry, policy.tier(a), a.owner, _cell(a.annual_revenue), a.notes, facts.active,
                     facts.departments, facts.supporters, facts.decision_makers, len(check_facts(facts, opts)),
                     a.renewal_date.isoformat() if a.renewal_date else None, policy.tier_source(a)])  # fmt: skip
    return in_language("accounts", ACCOUNT_HEADER, sorted(rows, key=lambda r: sort_key(r[0])))


FINDING_HEADER = list(FINDING_KEYS)


def finding_rows(source: Any, opts: CheckOptions) -> Rows:
    findings = check_accounts(
        iter_account_facts(as_reader(source), due=opts.horizon, today=opts.today, early=opts.early), opts
    )  # as `kam check`
    return in_language("findings", FINDING_HEADER, [list(f.as_row()) for f in findings])
